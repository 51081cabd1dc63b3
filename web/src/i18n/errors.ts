import { ApiError, type FieldProblem } from '../data/api';
import { formatDateTime, getLang, hasKey, t, type MessageKey } from './index';

/** A validation problem's code (server/http/error-fields.ts) → its text; `n`, `fields` come from its params. */
const PROBLEM_KEYS: Partial<Record<string, MessageKey>> = {
  required: 'error.msg.required',
  rtsp_url: 'error.msg.rtspUrl',
  http_url: 'error.msg.httpUrl',
  no_credentials_in_url: 'error.msg.noCredentialsInUrl',
  camera_id: 'error.msg.cameraId',
  hhmm: 'error.msg.hhmm',
  date: 'error.msg.date',
  one_stop: 'error.msg.oneStop',
  pick_camera: 'error.msg.pickCamera',
  export_reason: 'error.msg.exportReason',
  lock_reason: 'error.msg.lockReason',
  release_reason: 'error.msg.releaseReason',
  polygon: 'error.msg.polygon',
  handover_notes: 'error.msg.handoverNotes',
  anomaly_note: 'error.msg.anomalyNote',
  disagree_note: 'error.msg.disagreeNote',
  skip_reason: 'error.msg.skipReason',
  abandon_reason: 'error.msg.abandonReason',
  dispatch_to: 'error.msg.dispatchTo',
  not_valid_url: 'error.msg.notValidUrl',
  password_short: 'error.msg.password.short',
  password_long: 'error.msg.password.long',
  password_username: 'error.msg.password.username',
  password_common: 'error.msg.password.common',
  password_guessable: 'error.msg.password.guessable',
  password_same: 'error.msg.password.same',
  too_short: 'error.msg.tooShort',
  too_long: 'error.msg.tooLong',
  too_few: 'error.msg.tooFew',
  too_many: 'error.msg.tooMany',
  too_small: 'error.msg.tooFew',
  too_big: 'error.msg.tooMany',
  invalid: 'error.msg.invalid',
  unknown_fields: 'error.msg.unknownFields',
  one_of: 'error.msg.oneOf',
};

/** One problem's message without its field, in the current language; null for a code the console does not know. */
export function problemMessage(p: FieldProblem): string | null {
  const key = PROBLEM_KEYS[p.code];
  if (!key) return null;
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(p.params ?? {})) params[k] = v;
  return t(key, params);
}

/** "stops.0.cameraId" → the label of "cameraId". */
function fieldLabel(path: string): string {
  const last = path.split(/[.,]\s*/).filter((p) => p && !/^\d+$/.test(p)).pop() ?? path;
  const key = `error.field.${last}`;
  return hasKey(key) ? t(key) : last;
}

/**
 * A 400's problems ("password: at least 10 characters; url: must be an rtsp:// …") in the current language, from
 * their codes; null when one of them is not known (the caller then shows the server's text).
 */
export function problemsText(fields: readonly FieldProblem[] | undefined): string | null {
  if (!fields?.length) return null;
  const out: string[] = [];
  for (const p of fields) {
    const text = problemMessage(p);
    if (text === null) return null;
    out.push(p.path ? t('error.fieldMessage', { field: fieldLabel(p.path), message: text }) : text);
  }
  return out.join(t('error.listSep'));
}

/** The {placeholders} of a text in the current language ("Round {id} belongs to {owner}." → id, owner). */
const placeholders = (key: MessageKey): string[] => [...t(key).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** An error's params as the reader sees them: times as local date-times, fields and roles by their names. */
function shownParams(err: ApiError): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(err.params ?? {})) {
    if (k.endsWith('Ms') && typeof v === 'number') out[k] = formatDateTime(v);
    else if (k === 'field') out[k] = fieldLabel(String(v));
    else if (k === 'roles') out[k] = String(v).split(/,\s*/).map((r) => (hasKey(`role.${r}`) ? t(`role.${r}` as MessageKey) : r)).join(t('error.listJoin'));
    else out[k] = v;
  }
  const problems = problemsText(err.fields);
  if (problems) out.problems = problems;
  return out;
}

/**
 * The text of a code from its params (server/util/errors.ts): `error.<code>.<what>` (or its …Plain), then —
 * when `base` — `error.<code>` if it has placeholders the params fill. Null when none fits.
 */
function paramsText(err: ApiError, base: boolean): string | null {
  const p = shownParams(err);
  const what = err.params?.what;
  const keys = what !== undefined ? [`error.${err.code}.${what}`, `error.${err.code}.${what}Plain`] : [];
  if (base) keys.push(`error.${err.code}`);
  for (const k of keys) {
    if (!hasKey(k)) continue;
    const need = placeholders(k);
    if (k === `error.${err.code}` && !need.length) continue; // a plain text: the caller's fallbacks say more
    if (need.every((n) => n in p)) return t(k, p);
  }
  return null;
}

/** zh-CN: the code's own text when it needs no params (or its …Plain one), else null. */
function plainText(code: string): string | null {
  for (const k of [`error.${code}`, `error.${code}Plain`]) if (hasKey(k) && !placeholders(k).length) return t(k);
  return null;
}

/** zh-CN: the translated text for a server message in English (validation or a known code), else the generic one. */
function serverText(err: ApiError): string {
  if (err.code === 'dwell_not_met') {
    const s = /watch this camera (\d+) s more/.exec(err.message)?.[1];
    return s ? t('error.dwell_not_met', { s }) : t('error.dwell_not_metPlain');
  }
  if (err.code === 'rate_limited') return err.retryAfter ? t('error.rate_limited', { s: err.retryAfter }) : t('error.rate_limitedPlain');
  if (err.code !== 'invalid_request') {
    const plain = plainText(err.code);
    if (plain) return plain;
  }
  const v = problemsText(err.fields);
  if (v) return v;
  return t('error.invalid', { message: err.message || err.code });
}

/**
 * A readable, translated message for a failed request. An error with params (every server error whose English
 * message names something) is said from its code and params in both languages; without them, English shows the
 * server's message (precise), zh-CN translates validation messages part by part and has a text for every code.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.isNetwork) return t('error.network');
    const zh = getLang() !== 'en';
    if (err.code === 'bad_credentials' && err.message.startsWith('current:')) return t('error.bad_current_password');
    if (err.params) {
      const text = paramsText(err, false) ?? (zh ? problemsText(err.fields) : null) ?? paramsText(err, true);
      if (text) return text;
    }
    switch (err.code) {
      case 'forbidden':
        return t('error.forbidden');
      case 'read_only':
        return t('error.read_only');
      case 'not_found':
        return t('error.not_found');
      case 'weak_password':
        return t('error.weak_password');
      case 'last_admin':
        return t('error.last_admin');
      case 'password_change_required':
        return t('error.password_change_required');
      case 'bad_credentials':
        return zh ? t('error.bad_credentials') : err.message;
      case 'csrf':
        return t('error.csrf');
      case 'unknown_camera':
        return t('error.unknown_cameraPlain');
      case 'conflict':
      case 'exists':
      case 'already_exists': {
        if (!err.message || err.message === err.code) return t('error.conflict');
        if (!zh) return err.message;
        const name = err.params?.name !== undefined ? String(err.params.name) : /"([^"]*)"/.exec(err.message)?.[1];
        return name !== undefined ? t('error.exists', { name }) : t('error.existsPlain');
      }
      default: {
        if (!zh) return err.message || t('error.generic', { message: err.code });
        if (err.code.startsWith('onvif_') && hasKey(`error.${err.code}`)) return t(`error.${err.code}` as MessageKey);
        return serverText(err);
      }
    }
  }
  return t('error.generic', { message: err instanceof Error ? err.message : String(err) });
}
