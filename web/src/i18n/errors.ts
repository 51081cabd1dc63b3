import { ApiError } from '../data/api';
import { getLang, hasKey, t, type MessageKey } from './index';

/** Validation messages the server writes (zod schemas, route checks) → their key. */
const MESSAGES: [RegExp, MessageKey | ((m: RegExpExecArray) => string)][] = [
  [/^is required$/, 'error.msg.required'],
  [/^must be an rtsp:\/\/ or rtsps:\/\/ URL/, 'error.msg.rtspUrl'],
  [/^must be an http:\/\/ or https:\/\/ URL/, 'error.msg.httpUrl'],
  [/^put the credentials in username and password, not in the URL$/, 'error.msg.noCredentialsInUrl'],
  [/^lowercase letters, digits, - and _/, 'error.msg.cameraId'],
  [/^must be HH:MM/, 'error.msg.hhmm'],
  [/^(?:must be )?YYYY-MM-DD$/, 'error.msg.date'],
  [/^a route needs at least one stop$/, 'error.msg.oneStop'],
  [/^pick at least one camera$/, 'error.msg.pickCamera'],
  [/^say why this footage is exported/, 'error.msg.exportReason'],
  [/^say why this footage must be kept/, 'error.msg.lockReason'],
  [/^say why the lock is released/, 'error.msg.releaseReason'],
  [/^polygon needs at least 3 points$/, 'error.msg.polygon'],
  [/^write what the next shift must know$/, 'error.msg.handoverNotes'],
  [/^describe the anomaly$/, 'error.msg.anomalyNote'],
  [/^say what you disagree with$/, 'error.msg.disagreeNote'],
  [/^skipping a stop needs a reason$/, 'error.msg.skipReason'],
  [/^abandoning a round needs a reason$/, 'error.msg.abandonReason'],
  [/^who is sent must not be empty$/, 'error.msg.dispatchTo'],
  [/^not a valid URL/, 'error.msg.notValidUrl'],
  // the password policy (server/auth/password-policy.ts)
  [/^at least (\d+) characters$/, (m) => t('error.msg.password.short', { n: m[1]! })],
  [/^at most 500 characters$/, 'error.msg.password.long'],
  [/^must not be the user name$/, 'error.msg.password.username'],
  [/^is a common password/, 'error.msg.password.common'],
  [/^is too easy to guess/, 'error.msg.password.guessable'],
  [/^choose a new password$/, 'error.msg.password.same'],
  [/^expected a string of at most (\d+) characters$/, (m) => t('error.msg.tooLong', { n: m[1]! })],
  // zod's own messages
  [/^Too small: expected string to have >=(\d+) characters?$/, (m) => t('error.msg.tooShort', { n: m[1]! })],
  [/^Too big: expected string to have <=(\d+) characters?$/, (m) => t('error.msg.tooLong', { n: m[1]! })],
  [/^Too small: expected array to have >=(\d+) items?$/, (m) => t('error.msg.tooFew', { n: m[1]! })],
  [/^Too big: expected array to have <=(\d+) items?$/, (m) => t('error.msg.tooMany', { n: m[1]! })],
  [/^(?:Invalid|Too small|Too big)/, 'error.msg.invalid'],
  [/^unknown fields? (.*)$/, (m) => t('error.msg.unknownFields', { fields: m[1]! })],
];

function messagePart(msg: string): string | null {
  for (const [re, to] of MESSAGES) {
    const m = re.exec(msg);
    if (m) return typeof to === 'function' ? to(m) : t(to);
  }
  return null;
}

/** "stops.0.cameraId" → the label of "cameraId". */
function fieldLabel(path: string): string {
  const last = path.split(/[.,]\s*/).filter((p) => p && !/^\d+$/.test(p)).pop() ?? path;
  const key = `error.field.${last}`;
  return hasKey(key) ? t(key) : last;
}

/**
 * A server validation message ("password: at least 10 characters; url: must be an rtsp:// …") in the current
 * language; null when a part of it is not known (the caller then shows the server's text).
 */
export function validationText(message: string): string | null {
  const parts = message.split('; ');
  const out: string[] = [];
  for (const p of parts) {
    const whole = messagePart(p);
    if (whole) {
      out.push(whole);
      continue;
    }
    const i = p.indexOf(': ');
    if (i < 0) return null;
    const text = messagePart(p.slice(i + 2));
    if (!text) return null;
    out.push(t('error.fieldMessage', { field: fieldLabel(p.slice(0, i)), message: text }));
  }
  return out.join(t('error.listSep'));
}

/** Codes whose English server message is precise and readable: English keeps it, zh-CN uses the key. */
const CODE_KEYS: Partial<Record<string, MessageKey>> = {
  wrong_state: 'error.wrong_state',
  round_in_progress: 'error.round_in_progress',
  round_closed: 'error.round_closed',
  wrong_stop: 'error.wrong_stop',
  stop_open: 'error.stop_open',
  ptz_moving: 'error.ptz_moving',
  handover_pending: 'error.handover_pending',
  already_acknowledged: 'error.already_acknowledged',
  not_a_guard: 'error.not_a_guard',
  guard_cannot_see_camera: 'error.guard_cannot_see_camera',
  photo_too_large: 'error.photo_too_large',
  too_many_photos: 'error.too_many_photos',
  not_an_image: 'error.not_an_image',
  storage_failed: 'error.storage_failed',
  invalid_range: 'error.invalid_range',
  range_in_future: 'error.range_in_future',
  range_too_long: 'error.range_too_long',
  invalid_time: 'error.invalid_time',
  time_out_of_range: 'error.time_out_of_range',
  no_footage: 'error.no_footage',
  mixed_codecs: 'error.mixed_codecs',
  no_video: 'error.no_video',
  footage_tampered: 'error.footage_tampered',
  camera_deleted: 'error.camera_deleted',
  deleted: 'error.deleted',
  not_ready: 'error.not_ready',
  delete_failed: 'error.delete_failed',
  analytics_off: 'error.analytics_off',
  discovery_failed: 'error.discovery_failed',
  append_only: 'error.append_only',
  no_reference: 'error.no_reference',
  invalid_zone: 'error.invalid_zone',
  unauthenticated: 'error.unauthenticated',
  interrupted: 'error.interrupted',
  disk_full: 'error.disk_full',
  remux_failed: 'error.remux_failed',
  aborted: 'error.aborted',
};

/** zh-CN: the translated text for a server message in English (validation or a known code), else the generic one. */
function serverText(err: ApiError): string {
  const key = CODE_KEYS[err.code];
  if (err.code === 'dwell_not_met') {
    const s = /watch this camera (\d+) s more/.exec(err.message)?.[1];
    return s ? t('error.dwell_not_met', { s }) : t('error.dwell_not_metPlain');
  }
  if (err.code === 'rate_limited') return err.retryAfter ? t('error.rate_limited', { s: err.retryAfter }) : t('error.rate_limitedPlain');
  if (key) return t(key);
  const v = err.message ? validationText(err.message) : null;
  if (v) return v;
  return t('error.invalid', { message: err.message || err.code });
}

/**
 * A readable, translated message for a failed request. In English, validation messages come from the server
 * as they are (they say exactly what is wrong); in zh-CN the known ones are translated part by part, and every
 * error code a user meets has a translated text.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.isNetwork) return t('error.network');
    const zh = getLang() !== 'en';
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
        if (err.message.startsWith('current:')) return t('error.bad_current_password');
        return zh ? t('error.bad_credentials') : err.message;
      case 'csrf':
        return t('error.csrf');
      case 'unknown_camera':
      case 'unknown_group':
        return t('error.unknown_camera');
      case 'conflict':
      case 'exists':
      case 'already_exists': {
        if (!err.message || err.message === err.code) return t('error.conflict');
        if (!zh) return err.message;
        const name = /"([^"]*)"/.exec(err.message)?.[1];
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
