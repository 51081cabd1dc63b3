/**
 * Dispatch to a guard's phone (issue L point 2), the service on a real in-memory database: steps in order with their
 * times, only the addressed guard, photos checked by their bytes, the not-accepted flag armed again from the stored
 * deadline by a new service (a restart), duty-log entries per step, response times (median, max) per day.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlarmService } from '../../server/alarms/service.ts';
import { DispatchService, imageType } from '../../server/dispatch/service.ts';
import { dayTimes, median } from '../../server/dispatch/times.ts';
import { DutyLog } from '../../server/dutylog/log.ts';
import { dutyEntries } from '../support/duty.ts';
import { watchDispatches } from '../../server/dutylog/dispatch-watch.ts';
import { EventBus } from '../../server/events/bus.ts';
import { memorySql } from '../support/sql-memory.ts';
import { insertUser } from '../support/users.ts';
import type { DispatchView } from '../../shared/wire/dispatch.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'wp-dispatch-'));
  const sql = await memorySql();
  const db = sql.sqlite;
  const bus = new EventBus();
  let now = 1_000_000;
  const clock = { now: () => now };
  const alarms = await AlarmService.open({ sql, bus, dataDir: dir, now: clock.now });
  const wang = insertUser(db, 'wang', 'guard', '王保安');
  const li = insertUser(db, 'li', 'guard');
  const op = insertUser(db, 'op', 'operator');
  const duty = new DutyLog(sql, clock as never);
  watchDispatches(bus, duty);
  const make = () => new DispatchService({ sql, bus, alarms, dataDir: dir, acceptMs: 60_000, now: clock.now });
  const service = make();
  const a = await alarms.raise({ cameraId: 'gate', zone: 'exit', kind: 'blocked_exit', sinceMs: now - 5000, startMs: now, score: 0.9, trackIds: [] });
  await alarms.acknowledge(a.id, 'op');
  return { dir, db, bus, alarms, wang, li, op, duty, service, make, alarmId: a.id, tick: (ms: number) => (now += ms), done: async () => {
    rmSync(dir, { recursive: true, force: true });
    await sql.close();
  } };
}

describe('dispatch service', () => {
  it('knows JPEG and PNG by their bytes', async () => {
    expect(imageType(JPEG)).toBe('image/jpeg');
    expect(imageType(PNG)).toBe('image/png');
    expect(imageType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(imageType(Buffer.alloc(0))).toBeUndefined();
  });

  it('goes sent → on_way → arrived → handled, only for the addressed guard, with photos sealed in the duty log', async () => {
    const s = await setup();
    const { dispatch } = await s.service.dispatch(s.alarmId, 'op', s.wang, '去看看');
    expect((await s.alarms.get(s.alarmId))!.guardDispatch).toMatchObject({ id: dispatch.id, state: 'sent', guard: 'wang' });
    await expect(s.service.step(dispatch.id, s.li, 'on_way')).rejects.toThrow(/not addressed to you/);
    await expect(s.service.step(dispatch.id, s.op, 'on_way')).rejects.toThrow(/not addressed to you/);
    await expect(s.service.step(dispatch.id, s.wang, 'arrived')).rejects.toThrow(/needs on_way/);
    await expect(s.service.addPhoto(dispatch.id, s.wang, JPEG)).rejects.toThrow(/on my way/);
    s.tick(10_000);
    await s.service.step(dispatch.id, s.wang, 'on_way');
    await expect(s.service.addPhoto(dispatch.id, s.wang, Buffer.from('GIF89a'))).rejects.toThrow(/not a JPEG or PNG/);
    await expect(s.service.addPhoto(dispatch.id, s.wang, 'text')).rejects.toThrow(/request body/);
    await s.service.addPhoto(dispatch.id, s.wang, JPEG);
    await s.service.addPhoto(dispatch.id, s.wang, PNG);
    s.tick(50_000);
    await s.service.step(dispatch.id, s.wang, 'arrived', '到了');
    await s.service.addPhoto(dispatch.id, s.wang, JPEG);
    await expect(s.service.addPhoto(dispatch.id, s.wang, JPEG)).rejects.toThrow(/at most 3 photos/);
    s.tick(30_000);
    const d = await s.service.step(dispatch.id, s.wang, 'handled', '已清理');
    expect(d).toMatchObject({ state: 'handled', arrivedAfterMs: 60_000, handledAfterMs: 90_000, overdueAt: null });
    expect(d.photos.map((p) => p.mime)).toEqual(['image/jpeg', 'image/png', 'image/jpeg']);
    const kinds = (await dutyEntries(s.duty)).map((e) => e.kind).reverse();
    expect(kinds).toEqual(['dispatch_on_way', 'dispatch_arrived', 'dispatch_handled']);
    const handled = (await dutyEntries(s.duty))[0]!;
    expect((handled.data.photos as { sha256: string }[]).map((p) => p.sha256)).toEqual(d.photos.map((p) => p.sha256));
    expect(handled.text).toContain('90 s after dispatch');
    expect((await s.duty.verify()).ok).toBe(true);
    s.service.stop();
    await s.done();
  });

  it('flags a dispatch not accepted in time once; a new service (restart) arms the timer from the stored deadline', async () => {
    const s = await setup();
    const { dispatch } = await s.service.dispatch(s.alarmId, 'op', s.wang);
    s.service.stop(); // "the process ended"
    s.tick(61_000); // the deadline passed while it was down
    const events: string[] = [];
    s.bus.on('dispatch.updated', (e) => events.push(e.step));
    const again = s.make();
    await again.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['overdue']);
    expect((await again.get(dispatch.id))!.overdueAt).toBe(1_061_000);
    expect(await again.flagOverdue(dispatch.id)).toBe(false);
    expect((await s.duty.list()).filter((e) => e.kind === 'dispatch_overdue')).toHaveLength(1);
    await again.step(dispatch.id, s.wang, 'on_way'); // late, but accepted
    again.stop();
    await s.done();
  });

  it('two answers at once: one "on my way" wins (one duty-log entry, the other a 409); two photos at once get numbers 1 and 2', async () => {
    const s = await setup();
    const { dispatch } = await s.service.dispatch(s.alarmId, 'op', s.wang);
    const both = await Promise.allSettled([s.service.step(dispatch.id, s.wang, 'on_way', 'A'), s.service.step(dispatch.id, s.wang, 'on_way', 'B')]);
    expect(both.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(both.find((x) => x.status === 'rejected')).toMatchObject({ reason: { status: 409, code: 'wrong_state', message: expect.stringMatching(/it is on_way/) } });
    expect((await s.duty.list()).filter((e) => e.kind === 'dispatch_on_way')).toHaveLength(1);
    const photos = await Promise.all([s.service.addPhoto(dispatch.id, s.wang, JPEG), s.service.addPhoto(dispatch.id, s.wang, PNG)]);
    expect(photos[1]!.photos.map((p) => [p.n, p.mime])).toEqual([[1, 'image/jpeg'], [2, 'image/png']]);
    expect((await s.alarms.get(s.alarmId))!.guardDispatch).toMatchObject({ state: 'on_way', photos: [{ n: 1 }, { n: 2 }] });
    s.service.stop();
    s.done();
  });

  it('response times per day: median and maximum', async () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
    const d = (arrived: number | null, handled: number | null, overdue = false) => ({ arrivedAfterMs: arrived, handledAfterMs: handled, overdueAt: overdue ? 1 : null }) as DispatchView;
    expect(dayTimes('2026-12-03', [d(60_000, 90_000), d(120_000, null, true), d(null, null)])).toEqual({
      date: '2026-12-03', dispatches: 3, arrived: 2, handled: 1, overdue: 1,
      arrivedP50Ms: 60_000, arrivedMaxMs: 120_000, handledP50Ms: 90_000, handledMaxMs: 90_000,
    });
  });
});
