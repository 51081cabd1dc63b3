/**
 * Duty-log entries for dispatches to a guard's phone (issue L point 2): on my way, arrived, handled (naming every
 * photo with its sha256: the photos are sealed by the hash chain like patrol shots) and "not accepted in time".
 * The dispatch itself is the alarm's `alarm_dispatch` entry (alarm-watch.ts). Through the duty writer (full disk).
 */
import type { EventBus } from '../events/bus.ts';
import type { DispatchView } from '../../shared/wire/dispatch.ts';
import type { DutyLog } from './log.ts';
import { SYSTEM_AUTHOR } from './log.ts';
import { dutyWriter } from './writer.ts';

const STEP_TEXT = {
  on_way: 'on my way / 已出发',
  arrived: 'arrived / 已到达',
  handled: 'handled / 已处置',
} as const;

const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

export function watchDispatches(bus: EventBus, duty: DutyLog): () => void {
  const writer = dutyWriter(duty, bus);
  const who = (d: DispatchView) => (d.guardName ? `${d.guardName} (${d.guard})` : d.guard);
  const where = (d: DispatchView) => `${d.cameraName ?? d.cameraId}, zone ${d.zone}`;
  return bus.on('dispatch.updated', ({ dispatch: d, step }) => {
    const data = { alarmId: d.alarmId, dispatchId: d.id, guard: d.guard, zone: d.zone, step, sentAt: d.sentAt };
    if (step === 'overdue') {
      writer.append({
        cameraId: d.cameraId,
        category: 'dispatch',
        kind: 'dispatch_overdue',
        text: `Alarm #${d.alarmId} (${where(d)}): dispatch to ${who(d)} not accepted within ${secs(d.acceptBy - d.sentAt)} / 派警超时未接受`,
        author: SYSTEM_AUTHOR,
        data: { ...data, guardName: d.guardName ?? null, acceptBy: d.acceptBy },
      });
      return;
    }
    if (step !== 'on_way' && step !== 'arrived' && step !== 'handled') return;
    const s = d[step === 'on_way' ? 'onWay' : step];
    if (!s) return;
    const after = secs(s.at - d.sentAt);
    const photos = step === 'handled' ? d.photos.map((p) => ({ n: p.n, file: p.url, mime: p.mime, bytes: p.bytes, sha256: p.sha256 })) : undefined;
    writer.append({
      cameraId: d.cameraId,
      category: 'dispatch',
      kind: `dispatch_${step}`,
      text:
        `Alarm #${d.alarmId} (${where(d)}): ${who(d)} ${STEP_TEXT[step]}, ${after} after dispatch` +
        (s.note ? ` — ${s.note}` : '') +
        (photos?.length ? ` (${photos.length} photo${photos.length > 1 ? 's' : ''} / 照片 ${photos.length} 张)` : ''),
      author: { id: d.guardId, name: d.guard },
      data: { ...data, guardName: d.guardName ?? null, at: s.at, afterMs: s.at - d.sentAt, note: s.note ?? '', ...(photos ? { photos } : {}) },
    });
  });
}
