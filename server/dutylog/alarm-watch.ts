/**
 * Automatic duty-log entries for detection alarms: raised (anomaly), acknowledged, dispatched (dispatch) and
 * resolved (naming the outcome: genuine / false alarm / test),
 * so the monitoring record shows every alarm and how it was handled, in order, on the hash chain.
 * Entries go through the duty writer: on a full disk they wait in memory instead of ending the process.
 */
import type { AlarmView } from '../alarms/types.ts';
import type { EventBus } from '../events/bus.ts';
import type { DutyLog } from './log.ts';
import { SYSTEM_AUTHOR } from './log.ts';
import { dutyWriter } from './writer.ts';
import { createLogger } from '../util/log.ts';

const log = createLogger('dutylog');

const KIND_TEXT: Record<AlarmView['kind'], string> = {
  loitering: 'loitering / 人员逗留',
  blocked_exit: 'blocked exit / 消防通道堵塞',
  camera_tamper: 'camera tamper / 摄像机遮挡或移位',
};

const OUTCOME_TEXT: Record<NonNullable<AlarmView['outcome']>, string> = {
  genuine: 'genuine / 真实警情',
  false_alarm: 'false alarm / 误报',
  test: 'test / 测试',
};

/** the duty-log kind of each alarm step, and the status it records */
const STEP_KIND: Record<string, AlarmView['status']> = { alarm: 'open', alarm_ack: 'acknowledged', alarm_dispatch: 'dispatched', alarm_resolved: 'resolved' };
/** alarms whose last written step is kept in memory (the log answers for older ones) */
const REMEMBER = 5000;

export function watchAlarms(bus: EventBus, duty: DutyLog): () => void {
  // the last step written per alarm, so a repeated update event writes nothing new — also after a restart
  // (an acknowledged alarm that ends, is seen again or is joined must not log its acknowledgement twice):
  // an alarm not in memory is looked up on the log once
  const written = new Map<number, AlarmView['status']>();
  const remember = (id: number, status: AlarmView['status']) => {
    written.delete(id);
    written.set(id, status);
    if (written.size > REMEMBER) written.delete(written.keys().next().value!);
  };
  const lastWritten = async (id: number): Promise<AlarmView['status'] | undefined> => {
    if (written.has(id)) return written.get(id);
    const kind = await duty.lastForAlarm(id, Object.keys(STEP_KIND));
    const status = kind ? STEP_KIND[kind] : undefined;
    if (status) remember(id, status);
    return status;
  };
  // the alarm events one after the other, in the order they came (a look-up on the log is awaited)
  let chain: Promise<void> = Promise.resolve();
  const serial = (fn: () => void | Promise<void>) => {
    chain = chain.then(fn).catch((err: unknown) => log.error('alarm step not written to the duty log', { err }));
  };
  const writer = dutyWriter(duty, bus);
  const where = (a: AlarmView) => `${a.cameraName ?? a.cameraId}, zone ${a.zone}`;
  const base = (a: AlarmView) => ({
    cameraId: a.cameraId,
    data: { alarmId: a.id, kind: a.kind, zone: a.zone, ...(a.status === 'resolved' ? { outcome: a.outcome ?? null } : {}) },
  });

  const offRaised = bus.on('alarm.raised', (a) => serial(() => {
    remember(a.id, 'open');
    writer.append({
      ...base(a),
      category: 'anomaly',
      kind: 'alarm',
      text: `Alarm #${a.id}: ${KIND_TEXT[a.kind]} — ${where(a)}`,
      author: SYSTEM_AUTHOR,
    });
  }));
  const offUpdated = bus.on('alarm.updated', (a) => serial(async () => {
    const last = await lastWritten(a.id);
    if (last === a.status) return;
    remember(a.id, a.status);
    if (a.status === 'acknowledged' && a.ack) {
      writer.append({
        ...base(a),
        category: 'anomaly',
        kind: 'alarm_ack',
        text: `Alarm #${a.id} (${where(a)}): acknowledged${a.ack.note ? ` — ${a.ack.note}` : ''}`,
        author: { id: null, name: a.ack.by },
        data: { ...base(a).data, note: a.ack.note ?? '' },
      });
    } else if (a.status === 'dispatched' && a.dispatch) {
      writer.append({
        ...base(a),
        category: 'dispatch',
        kind: 'alarm_dispatch',
        text: `Alarm #${a.id} (${where(a)}): dispatched to ${a.dispatch.to}${a.dispatch.note ? ` — ${a.dispatch.note}` : ''}`,
        author: { id: null, name: a.dispatch.by },
        data: { ...base(a).data, to: a.dispatch.to, note: a.dispatch.note ?? '' },
      });
    } else if (a.status === 'resolved' && a.resolve) {
      writer.append({
        ...base(a),
        category: 'anomaly',
        kind: 'alarm_resolved',
        text: `Alarm #${a.id} (${where(a)}): resolved as ${a.outcome ? OUTCOME_TEXT[a.outcome] : 'outcome not given / 未注明结果'}${a.resolve.note ? ` — ${a.resolve.note}` : ''}`,
        author: { id: null, name: a.resolve.by },
        data: { ...base(a).data, note: a.resolve.note ?? '' },
      });
    }
  }));
  return () => {
    offRaised();
    offUpdated();
  };
}
