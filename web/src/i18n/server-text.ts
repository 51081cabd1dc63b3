/**
 * Translations of words the server sends as data (not as error codes): each helper returns the text in the
 * current language when the value is one the server is known to send, else the value unchanged.
 */
import { hasKey, t } from './index';

/** A camera's status detail (server/media/classify.ts etc.); an unknown ffmpeg line is shown as it is. */
export function cameraDetailText(detail: string): string {
  const key = `detail.${detail}`;
  if (hasKey(key)) return t(key);
  let m = /^no new (\w+) segment for (\d+) s$/.exec(detail);
  if (m) return t('detail.noSegment', { what: hasKey(`detail.what.${m[1]}`) ? t(`detail.what.${m[1]}` as 'detail.what.live') : m[1]!, s: m[2]! });
  m = /^no answer within (\d+) s$/.exec(detail);
  if (m) return t('detail.noAnswer', { s: m[1]! });
  m = /^ffmpeg was killed by (\w+)$/.exec(detail);
  if (m) return t('detail.killed', { signal: m[1]! });
  m = /^ffmpeg exited with code (-?\d+|null)$/.exec(detail);
  if (m) return t('detail.exited', { code: m[1]! });
  return detail;
}

/** An evidence lock's reason: the server writes an export's own lock as "export <id>: <reason>". */
export function lockReasonText(reason: string): string {
  const m = /^export (exp-[\w-]+): (.*)$/s.exec(reason);
  return m ? t('lock.exportReason', { id: m[1]!, reason: m[2]! }) : reason;
}

/** An offline reason ("unreachable") in words. */
export function reasonLabel(reason: string): string {
  const key = `reason.${reason}`;
  return hasKey(key) ? t(key) : reason;
}

/** Why live analytics are off (server/analytics/live/service.ts). */
export function analyticsReasonText(reason: string): string {
  if (reason.startsWith('analytics are disabled in the configuration')) return t('analytics.reason.disabled');
  if (reason === 'analytics are starting') return t('analytics.reason.starting');
  const m = /^detection model unavailable: (.*)$/s.exec(reason);
  if (m) return t('analytics.reason.noModel', { message: m[1]! });
  return reason;
}

/** Why an exit zone's reference picture is not ready; an unknown reason as it is. */
export function sceneReasonText(reason: string): string {
  let m = /^the picture in the zone was never still for (\d+) s \(people or motion all the time; (\d+) % learned\); still trying$/.exec(reason);
  if (m) return t('scene.reason.neverStill', { s: m[1]!, pct: m[2]! });
  if (reason.startsWith('the whole picture changed')) return t('scene.reason.wholePicture');
  m = /^camera offline or not streaming \((\w+)[^)]*\): the reference cannot be learned$/s.exec(reason);
  if (m) return t('scene.reason.offline', { state: m[1]! });
  return reason;
}

/** A patrol shift id (the default ids day / night, or "none"); a configured id is shown as it is. */
export function shiftText(id: string): string {
  const key = `shift.${id}`;
  return hasKey(key) ? t(key) : id;
}

/** Why a stretch of recording is missing (server/equipment/report.ts). */
export function gapReasonText(reason: string): string {
  const key = `gap.${reason}`;
  if (hasKey(key)) return t(key);
  const m = /^camera offline: (.*)$/.exec(reason);
  if (m) {
    return t('gap.offline', { reason: reasonLabel(m[1]!) });
  }
  return reason;
}

/** An audit action ("user.create", "live.view.start", "login") as "用户 · 创建". */
export function auditActionText(action: string): string {
  const dot = action.indexOf('.');
  const kind = dot < 0 ? action : action.slice(0, dot);
  const verb = dot < 0 ? '' : action.slice(dot + 1);
  const k = `audit.kind.${kind}`;
  const v = `audit.verb.${verb}`;
  if (!hasKey(k) || (verb && !hasKey(v))) return action;
  return verb ? `${t(k)} · ${t(v as 'audit.verb.create')}` : t(k);
}

/** The name of a field of an audit entry's detail. */
export function auditFieldText(field: string): string {
  const key = `audit.field.${field}`;
  return hasKey(key) ? t(key) : field;
}
