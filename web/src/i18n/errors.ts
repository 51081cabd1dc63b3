import { ApiError, type FieldProblem } from '../data/api';
import { getLang, hasKey, t, type MessageKey } from './index';

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
  invalid_text: 'error.invalid_text',
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
  const v = problemsText(err.fields);
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
