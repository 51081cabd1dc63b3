/** Audit trail: append-only storage, hash chain, filters, CSV, viewing sessions, HTTP helpers. */
import { describe, expect, it } from 'vitest';
import { openDb } from '../../server/store/db.ts';
import { AuditLog } from '../../server/audit/log.ts';
import { migratedSqlOver } from '../support/sql-over.ts';
import { auditCsvRow, csvCell } from '../../server/audit/csv.ts';
import { ViewTracker } from '../../server/audit/views.ts';
import { changeKind, describeFields } from '../../server/audit/http.ts';

const fresh = async () => {
  const db = openDb(':memory:');
  const audit = new AuditLog(await migratedSqlOver(db));
  // record() is async (the SQL layer): a query here first waits for what was recorded (the viewing tracker records by itself)
  const query = audit.query.bind(audit);
  audit.query = async (q) => {
    await audit.settled();
    return query(q);
  };
  return { db, audit };
};

describe('audit log', () => {
  it('appends entries that cannot be changed or deleted', async () => {
    const { db, audit } = await fresh();
    const e = (await audit.record({ action: 'login', actor: { id: 1, username: 'admin', role: 'admin', ip: '127.0.0.1' } }))!;
    expect(e).toMatchObject({ id: 1, action: 'login', actor: 'admin', role: 'admin', ip: '127.0.0.1' });
    expect(() => db.prepare('UPDATE audit_log SET actor = ? WHERE id = 1').run('mallory')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect((await audit.query({})).entries[0]!.actor).toBe('admin');
  });

  it('chains every row to the previous one and finds a row edited behind its back', async () => {
    const { db, audit } = await fresh();
    for (let i = 0; i < 5; i++) await (audit.record({ action: 'export.create', actor: { username: `u${i}` }, target: `exp-${i}` }));
    expect((await audit.verify())).toMatchObject({ ok: true, count: 5 });
    // someone with the database file and sqlite3 drops the trigger and edits row 3
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET target = 'exp-X' WHERE id = 3`).run();
    expect((await audit.verify())).toMatchObject({ ok: false, firstBad: 3 });
  });

  it('finds a deleted row too', async () => {
    const { db, audit } = await fresh();
    for (let i = 0; i < 4; i++) await (audit.record({ action: 'login', actor: { username: `u${i}` } }));
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE id = 2').run();
    expect((await audit.verify())).toMatchObject({ ok: false, firstBad: 3 });
  });

  it('filters by time, actor, action family, camera and text, newest first with paging', async () => {
    const { audit } = await fresh();
    const t = Date.UTC(2025, 0, 1);
    (await audit.record({ action: 'login', actor: { username: 'Alice' }, time: t }));
    (await audit.record({ action: 'live.view.start', actor: { username: 'alice' }, cameraId: 'gate', time: t + 1000 }));
    (await audit.record({ action: 'live.view.stop', actor: { username: 'alice' }, cameraId: 'gate', time: t + 2000 }));
    (await audit.record({ action: 'export.create', actor: { username: 'bob' }, cameraId: 'lobby', target: 'exp-1', detail: { reason: 'Theft 50%_off' }, time: t + 3000 }));
    (await audit.record({ action: 'export.done', actor: { username: 'bob' }, cameraId: 'lobby', target: 'exp-1', time: t + 4000 }));
    expect((await audit.query({ actor: 'ALICE' })).entries.map((e) => e.action)).toEqual(['live.view.stop', 'live.view.start', 'login']);
    expect((await audit.query({ action: 'export' })).entries.map((e) => e.action)).toEqual(['export.done', 'export.create']);
    expect((await audit.query({ action: 'live.view' })).entries).toHaveLength(2);
    expect((await audit.query({ action: 'live.vie' })).entries).toHaveLength(0);
    expect((await audit.query({ cameraId: 'gate', from: t + 1500 })).entries.map((e) => e.id)).toEqual([3]);
    expect((await audit.query({ text: '50%_' })).entries.map((e) => e.id)).toEqual([4]);
    expect((await audit.query({ text: '5_%' })).entries).toHaveLength(0);
    const p1 = (await audit.query({ limit: 2 }));
    expect(p1.entries.map((e) => e.id)).toEqual([5, 4]);
    const p2 = (await audit.query({ limit: 2, before: p1.next }));
    expect(p2.entries.map((e) => e.id)).toEqual([3, 2]);
    expect((await audit.query({ limit: 2, before: 2 })).next).toBeUndefined();
    expect((await audit.pageAscending({ actor: 'bob' }, 0, 10)).map((e) => e.id)).toEqual([4, 5]);
    expect((await audit.actions())).toContain('export.done');
  });

  it('writes CSV that spreadsheets cannot mistake for formulas', async () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\n')).toBe('"say ""hi""\n"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell(null)).toBe('');
    const { audit } = await fresh();
    const e = (await audit.record({ action: 'lock.create', actor: { username: '@mallory' }, cameraId: 'gate', target: '7', atMs: 0, detail: { reason: 'a, b' } }))!;
    const row = auditCsvRow(e);
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row).toContain("'@mallory");
    // site time with its offset (util/site-time.ts), to the millisecond; it parses back to the instant
    const time = row.split(',')[8]!; // the footage time (atMs 0)
    expect(time).toMatch(/^1970-01-0[12]T\d\d:\d\d:00\.000[+-]\d\d:\d\d$|^1969-12-31T\d\d:\d\d:00\.000[+-]\d\d:\d\d$/);
    expect(Date.parse(time)).toBe(0);
    expect(row).toContain('"{""reason"":""a, b""}"');
  });
});

describe('viewing sessions', () => {
  it('derive start and stop from polling, with an idle timeout', async () => {
    const { audit } = await fresh();
    let now = 1_000_000;
    const views = new ViewTracker(audit, { idleMs: 10_000, now: () => now });
    const actor = { id: 2, username: 'op', role: 'operator' };
    for (let i = 0; i < 5; i++) {
      views.touch({ session: 'tok-1', actor, cameraId: 'gate', kind: 'live' });
      now += 1000;
    }
    now += 6000;
    views.touch({ session: 'tok-1', actor, cameraId: 'lobby', kind: 'recording', span: { startMs: 50_000, endMs: 60_000 } });
    views.touch({ session: 'tok-1', actor, cameraId: 'lobby', kind: 'recording', span: { startMs: 60_000, endMs: 70_000 } });
    expect((await audit.query({})).entries.map((e) => e.action)).toEqual(['recording.view.start', 'live.view.start']);
    now += 4500;
    views.sweep();
    const stops = (await audit.query({ action: 'live.view' })).entries;
    expect(stops[0]).toMatchObject({ action: 'live.view.stop', cameraId: 'gate' });
    expect(stops[0]!.detail).toMatchObject({ durationMs: 4000, requests: 5 });
    expect(views.active).toBe(1); // the recording viewer is still within idleMs
    now += 6000;
    views.sweep();
    const rec = (await audit.query({ action: 'recording.view.stop' })).entries[0]!;
    expect(rec.detail).toMatchObject({ footageFrom: new Date(50_000).toISOString(), footageTo: new Date(70_000).toISOString(), requests: 2 });
    expect(rec.footageMs).toBe(50_000);
    expect(views.active).toBe(0);
  });

  it('writes the start of recorded viewing when footage is fetched, naming it', async () => {
    const { audit } = await fresh();
    const views = new ViewTracker(audit, { idleMs: 10_000 });
    views.touch({ session: 's', actor: { username: 'inv' }, cameraId: 'gate', kind: 'recording' }); // the playlist
    expect((await audit.query({})).entries).toHaveLength(0);
    views.touch({ session: 's', actor: { username: 'inv' }, cameraId: 'gate', kind: 'recording', span: { startMs: 90_000, endMs: 100_000 } });
    const start = (await audit.query({})).entries[0]!;
    expect(start).toMatchObject({ action: 'recording.view.start', footageMs: 90_000 });
    views.stopAll();
    expect((await audit.query({ action: 'recording.view.stop' })).entries[0]!.detail).toMatchObject({ requests: 2 });
  });

  it('keeps two sessions of the same user apart and closes everything on stop', async () => {
    const { audit } = await fresh();
    const views = new ViewTracker(audit, { idleMs: 10_000 });
    views.touch({ session: 'a', actor: { username: 'op' }, cameraId: 'gate', kind: 'live' });
    views.touch({ session: 'b', actor: { username: 'op' }, cameraId: 'gate', kind: 'live' });
    expect(views.active).toBe(2);
    views.stopAll();
    expect((await audit.query({ action: 'live.view.stop' })).entries).toHaveLength(2);
  });
});

describe('change auditing helpers', () => {
  it('know which resource a path changes', async () => {
    expect(changeKind('/cameras')).toEqual({ kind: 'camera', id: null });
    expect(changeKind('/cameras/gate')).toEqual({ kind: 'camera', id: 'gate' });
    // POST /cameras/test probes a source (issue K): not a camera create; PATCH/DELETE of a camera with id "test" still is
    expect(changeKind('/cameras/test')).toBeUndefined();
    expect(changeKind('/cameras/test', 'POST')).toBeUndefined();
    expect(changeKind('/cameras/test', 'PATCH')).toEqual({ kind: 'camera', id: 'test' });
    expect(changeKind('/cameras/test/zones', 'PUT')).toEqual({ kind: 'zone', id: 'test' });
    expect(changeKind('/cameras/gate/zones/3')).toEqual({ kind: 'zone', id: '3' });
    expect(changeKind('/users/5/password')).toEqual({ kind: 'user', id: '5' });
    expect(changeKind('/exports')).toBeUndefined();
    // issue G: alarm handling, ONVIF, PTZ, patrol routes, groups and sessions are audited too
    expect(changeKind('/alarms/7/resolve')).toMatchObject({ action: 'alarm.resolve', id: '7' });
    expect(changeKind('/alarms/ack')).toMatchObject({ action: 'alarm.ack' });
    expect(changeKind('/dispatches/4/step')).toEqual({ kind: 'dispatch', id: '4', action: 'dispatch.step' });
    expect(changeKind('/dispatches/4/photos')).toEqual({ kind: 'dispatch', id: '4', action: 'dispatch.photo' });
    expect(describeFields(Buffer.alloc(1234))).toEqual({ bytes: 1234 });
    expect(changeKind('/onvif/probe')).toMatchObject({ action: 'onvif.probe' });
    expect(changeKind('/onvif/cameras')).toMatchObject({ action: 'onvif.onboard' });
    expect(changeKind('/onvif/cameras/gate/presets/p1/goto')).toMatchObject({ action: 'ptz.goto', id: 'gate' });
    expect(changeKind('/discovery')).toMatchObject({ action: 'onvif.discover' });
    expect(changeKind('/patrol/routes/3')).toEqual({ kind: 'patrol_route', id: '3' });
    expect(changeKind('/camera-groups/2')).toEqual({ kind: 'camera_group', id: '2' });
    expect(changeKind('/sessions/9')).toEqual({ kind: 'session', id: '9' });
    expect(changeKind('/cameras/gate/zones/relearn')).toMatchObject({ action: 'zone.relearn', id: 'gate' });
  });

  it('never record secrets, and strip credentials from URLs', async () => {
    expect(describeFields({ name: 'Gate', password: 'hunter2', url: 'rtsp://u:p@10.0.0.1/x', enabled: true, nested: { a: 1 } })).toEqual({
      name: 'Gate',
      password: '(changed)',
      url: 'rtsp://10.0.0.1/x',
      enabled: true,
      nested: '(object)',
    });
  });
});
