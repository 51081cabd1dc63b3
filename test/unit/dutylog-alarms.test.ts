import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { migrate } from '../../server/store/db.ts';
import { DutyLog } from '../../server/dutylog/log.ts';
import { watchAlarms } from '../../server/dutylog/alarm-watch.ts';
import { EventBus } from '../../server/events/bus.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { migratedSqlOver } from '../support/sql-over.ts';
import type { LogEntry } from '../../server/dutylog/chain.ts';

/** The log's entries, oldest first, once `n` are written (the alarm watch writes in the background). */
async function written(log: DutyLog, n: number): Promise<LogEntry[]> {
  await vi.waitFor(async () => expect(await log.list({})).toHaveLength(n), { timeout: 3000 });
  await new Promise((r) => setTimeout(r, 30)); // and no more come
  return (await log.list({})).sort((a, b) => a.seq - b.seq);
}
import type { AlarmView } from '../../server/alarms/types.ts';

const base: AlarmView = {
  id: 7,
  cameraId: 'gate',
  cameraName: '东门 Gate',
  zone: 'fire exit',
  kind: 'blocked_exit',
  status: 'open',
  sinceMs: 1000,
  startMs: 31_000,
  endMs: null,
  recordingMs: 1000,
  score: 0.8,
  trackIds: [3],
  snapshotUrl: null,
  ack: null,
  dispatch: null,
  resolve: null,
  ackAfterMs: null,
  resolveAfterMs: null,
  priority: 1,
  outcome: null,
  outcomeNote: null,
};

describe('duty log entries for alarms', () => {
  it('records raised, acknowledged, dispatched and resolved alarms once each, on the hash chain', async () => {
    const db = new Database(':memory:');
    migrate(db);
    const log = new DutyLog(await migratedSqlOver(db), new ManualClock(Date.UTC(2026, 10, 23, 8)));
    const bus = new EventBus();
    const stop = watchAlarms(bus, log);

    bus.emit('alarm.raised', base);
    const ack = { at: 40_000, by: 'op1' };
    bus.emit('alarm.updated', { ...base, status: 'acknowledged', ack });
    const dispatch = { at: 50_000, by: 'op1', to: 'guard Li / 李保安', note: 'move the e-bike' };
    bus.emit('alarm.updated', { ...base, status: 'dispatched', ack, dispatch });
    bus.emit('alarm.updated', { ...base, status: 'dispatched', ack, dispatch }); // repeated event
    bus.emit('alarm.updated', { ...base, status: 'resolved', ack, dispatch, resolve: { at: 90_000, by: 'op2', note: 'exit clear' } });
    stop();
    bus.emit('alarm.raised', { ...base, id: 8 }); // after stop: nothing

    const entries = await written(log, 4);
    expect(entries.map((e) => [e.category, e.kind, e.authorName])).toEqual([
      ['anomaly', 'alarm', 'system'],
      ['anomaly', 'alarm_ack', 'op1'],
      ['dispatch', 'alarm_dispatch', 'op1'],
      ['anomaly', 'alarm_resolved', 'op2'],
    ]);
    expect(entries[0]!.text).toContain('东门 Gate');
    expect(entries[0]!.text).toContain('fire exit');
    expect(entries[2]!.text).toContain('guard Li / 李保安');
    expect(entries.every((e) => e.cameraId === 'gate' && e.data.alarmId === 7)).toBe(true);
    expect((await log.verify()).ok).toBe(true);
  });
  it('after a restart, updates of an alarm already acknowledged or resolved write nothing again', async () => {
    const db = new Database(':memory:');
    migrate(db);
    const log = new DutyLog(await migratedSqlOver(db), new ManualClock(Date.UTC(2026, 10, 23, 8)));
    const ack = { at: 40_000, by: 'op1' };
    const resolve = { at: 90_000, by: 'op2', note: 'exit clear' };
    const bus1 = new EventBus();
    const stop1 = watchAlarms(bus1, log);
    bus1.emit('alarm.raised', base);
    bus1.emit('alarm.updated', { ...base, status: 'acknowledged', ack });
    bus1.emit('alarm.raised', { ...base, id: 9 });
    bus1.emit('alarm.updated', { ...base, id: 9, status: 'resolved', ack, resolve });
    stop1();
    expect(await written(log, 4)).toHaveLength(4);
    // the server restarts: a new watcher; alarm 7 ends (still acknowledged), alarm 9 is updated again
    const bus2 = new EventBus();
    const stop2 = watchAlarms(bus2, log);
    bus2.emit('alarm.updated', { ...base, status: 'acknowledged', ack, endMs: 95_000 });
    bus2.emit('alarm.updated', { ...base, id: 9, status: 'resolved', ack, resolve, endMs: 96_000 });
    bus2.emit('alarm.updated', { ...base, id: 9, status: 'resolved', ack, resolve, endMs: 97_000 });
    // the next real step of alarm 7 is still written
    bus2.emit('alarm.updated', { ...base, status: 'resolved', ack, resolve });
    stop2();
    const entries = await written(log, 5);
    expect(entries.map((e) => [e.kind, e.data.alarmId])).toEqual([
      ['alarm', 7],
      ['alarm_ack', 7],
      ['alarm', 9],
      ['alarm_resolved', 9],
      ['alarm_resolved', 7],
    ]);
    expect((await log.verify()).ok).toBe(true);
  });
});
