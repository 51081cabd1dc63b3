/**
 * Validation problems as stable codes with parameters (issue K: "give every API error a stable code plus
 * parameters and render it in the console's language"). A 400 carries, next to its English `message`,
 * `fields: [{path, code, params?, message}]`: `path` is the field ("stops.0.cameraId", '' for the body), `code`
 * one of FIELD_CODES, `params` what the text needs ({n: 10}), `message` the English part it came from. The
 * console renders code + params per language (web/src/i18n/errors.ts); a problem this table does not know has
 * code `other` and is shown as the server wrote it.
 *
 * Problems come from zod issues (parseBody) or from the "path: message; path: message" text of a route's own
 * check (`badRequest('note: describe the anomaly')`), so the route code keeps writing plain English.
 */
import type { z } from 'zod';
import type { FieldProblem } from '../../shared/wire/errors.ts';

export type { FieldProblem } from '../../shared/wire/errors.ts';

type Params = Record<string, string | number>;

/** The server's own validation messages (schemas and route checks) → code (+ parameters). */
const MESSAGES: [RegExp, string, ((m: RegExpExecArray) => Params)?][] = [
  [/^is required$/, 'required'],
  [/^must be an rtsp:\/\/ or rtsps:\/\/ URL/, 'rtsp_url'],
  [/^must be an http:\/\/ or https:\/\/ URL/, 'http_url'],
  [/^put the credentials in username and password, not in the URL$/, 'no_credentials_in_url'],
  [/^lowercase letters, digits, - and _/, 'camera_id'],
  [/^must be HH:MM/, 'hhmm'],
  [/^(?:must be )?YYYY-MM-DD$/, 'date'],
  [/^a route needs at least one stop$/, 'one_stop'],
  [/^pick at least one camera$/, 'pick_camera'],
  [/^say why this footage is exported/, 'export_reason'],
  [/^say why this footage must be kept/, 'lock_reason'],
  [/^say why the lock is released/, 'release_reason'],
  [/^(?:polygon|mask) needs at least 3 points$/, 'polygon'],
  [/^(?:name|ids) must not be empty$/, 'required'],
  [/^not a valid (?:PTZ preset|profile) token$/, 'invalid'],
  [/^point must be inside 0\.\.1/, 'invalid'],
  [/^write what the next shift must know$/, 'handover_notes'],
  [/^describe the anomaly$/, 'anomaly_note'],
  [/^say what you disagree with$/, 'disagree_note'],
  [/^skipping a stop needs a reason$/, 'skip_reason'],
  [/^abandoning a round needs a reason$/, 'abandon_reason'],
  [/^who is sent must not be empty$/, 'dispatch_to'],
  [/^not a valid URL/, 'not_valid_url'],
  // the password policy (server/auth/password-policy.ts)
  [/^at least (\d+) characters$/, 'password_short', (m) => ({ n: Number(m[1]) })],
  [/^at most 500 characters$/, 'password_long'],
  [/^must not be the user name$/, 'password_username'],
  [/^is a common password/, 'password_common'],
  [/^is too easy to guess/, 'password_guessable'],
  [/^choose a new password$/, 'password_same'],
  [/^expected a string of at most (\d+) characters$/, 'too_long', (m) => ({ n: Number(m[1]) })],
  [/^at most (\d+) characters$/, 'too_long', (m) => ({ n: Number(m[1]) })],
  [/^at most (\d+) \w+$/, 'too_many', (m) => ({ n: Number(m[1]) })],
  [/^at least one \w+$/, 'too_few', () => ({ n: 1 })],
  [/^one of (.+)$/, 'one_of', (m) => ({ values: m[1]! })],
  [/^unknown fields? (.*)$/, 'unknown_fields', (m) => ({ fields: m[1]! })],
  // zod's own messages, when they reach a route's text
  [/^Too small: expected string to have >=(\d+) characters?$/, 'too_short', (m) => ({ n: Number(m[1]) })],
  [/^Too big: expected string to have <=(\d+) characters?$/, 'too_long', (m) => ({ n: Number(m[1]) })],
  [/^Too small: expected array to have >=(\d+) items?$/, 'too_few', (m) => ({ n: Number(m[1]) })],
  [/^Too big: expected array to have <=(\d+) items?$/, 'too_many', (m) => ({ n: Number(m[1]) })],
  [/^(?:Invalid|Too small|Too big)/, 'invalid'],
];

/** Every code a field problem can have. */
export const FIELD_CODES = [...new Set([...MESSAGES.map(([, c]) => c), 'too_small', 'too_big', 'other'])];

function fromMessage(path: string, message: string): FieldProblem {
  for (const [re, code, params] of MESSAGES) {
    const m = re.exec(message);
    if (m) return { path, code, ...(params ? { params: params(m) } : {}), message };
  }
  return { path, code: 'other', message };
}

/** "url: must be an rtsp:// URL; name: is required" → one problem per part; a part without "path: " has path ''. */
export function fieldsFromMessage(message: string): FieldProblem[] {
  return message.split('; ').map((part) => {
    const m = /^([A-Za-z_][\w.]*): (.+)$/s.exec(part);
    return m ? fromMessage(m[1]!, m[2]!) : fromMessage('', part);
  });
}

/** One zod issue → a problem: a message of ours decides the code, else the issue's own code and limits. */
function fromIssue(i: z.core.$ZodIssue): FieldProblem {
  const path = i.path.map(String).join('.');
  if (i.code === 'unrecognized_keys') return { path, code: 'unknown_fields', params: { fields: i.keys.join(', ') }, message: `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` };
  const own = fromMessage(path, i.message);
  if (own.code !== 'other' && own.code !== 'invalid') return own;
  const { message } = i;
  if (i.code === 'too_small') {
    const n = Number(i.minimum);
    return { path, code: i.origin === 'string' ? 'too_short' : i.origin === 'array' || i.origin === 'set' ? 'too_few' : 'too_small', params: { n }, message };
  }
  if (i.code === 'too_big') {
    const n = Number(i.maximum);
    return { path, code: i.origin === 'string' ? 'too_long' : i.origin === 'array' || i.origin === 'set' ? 'too_many' : 'too_big', params: { n }, message };
  }
  if (i.code === 'invalid_type' && /received undefined$/.test(message)) return { path, code: 'required', message };
  return own.code === 'invalid' ? own : { path, code: 'invalid', message };
}

export function fieldsFromZod(err: z.ZodError): FieldProblem[] {
  return err.issues.map(fromIssue);
}
