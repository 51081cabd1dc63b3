/**
 * The duty log, shift handovers and the audit trail through the SERVER's classes (DutyLog, DutyWriter,
 * HandoverService, AuditLog — issue J step 4), on one engine: the same assertions on SQLite and PostgreSQL.
 * Hostile text: odd Unicode (lone surrogates, RTL marks and overrides, emoji with ZWJ) and a NUL in a failed
 * login's user name, which the audit trail keeps (NUL → U+FFFD) instead of losing the entry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect, test, vi } from 'vitest';
import { SigningKey } from '../../../server/evidence/keys.ts';
import { tableView, verifyAudit, verifyDutyLog } from '../../../server/integrity/chains.ts';
import { CheckpointStore, Checkpointer } from '../../../server/integrity/checkpoints.ts';
import { AuditLog } from '../../../server/audit/log.ts';
import { HandoverService } from '../../../server/dutylog/handover.ts';
import { DutyLog, type AppendInput } from '../../../server/dutylog/log.ts';
import { DutyWriter } from '../../../server/dutylog/writer.ts';
import { ChainTextError } from '../../../server/integrity/sql-chain.ts';
import { EventBus } from '../../../server/events/bus.ts';
import { ManualClock } from '../../../server/patrol/clock.ts';
import type { SqlDb } from '../../../server/store/sql/db.ts';
import type { TestEngine } from '../sql-engines.ts';

const T = Date.UTC(2026, 11, 4, 8);
const ODD = 'שלום \u202Eevil\u202C \u200F rtl 👮‍♀️🏳️‍🌈 e\u0301 lone \ud800 中文';
const ODD_STORED = 'שלום \u202Eevil\u202C \u200F rtl 👮‍♀️🏳️‍🌈 e\u0301 lone \ufffd 中文';
const entry = (text: string, more: Partial<AppendInput> = {}): AppendInput => ({ category: 'other', kind: 'manual', text, author: { id: 1, name: 'op1' }, ...more });

/** Make the next inserts into duty_log fail as a full disk does on this engine (SQLITE_FULL's text / PostgreSQL 53100). */
async function diskFull(s: SqlDb, on: boolean): Promise<void> {
  if (s.engine === 'sqlite') {
    if (on) s.sqlite!.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON duty_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    else s.sqlite!.exec('DROP TRIGGER disk_full');
    return;
  }
  if (on) {
    await sql`CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$`.execute(s.db);
    await sql`CREATE TRIGGER disk_full BEFORE INSERT ON duty_log FOR EACH ROW EXECUTE FUNCTION disk_full()`.execute(s.db);
  } else {
    await sql`DROP TRIGGER disk_full ON duty_log`.execute(s.db);
    await sql`DROP FUNCTION disk_full()`.execute(s.db);
  }
}

function handovers(log: DutyLog, clock: ManualClock): HandoverService {
  return new HandoverService({
    log,
    clock,
    alarms: { openAlarmCameraIds: () => new Set(['gate']), openAlarmCounts: () => new Map([['gate', 2]]) },
    compliance: { slots: () => [] } as never,
    cameras: () => [{ id: 'gate', name: '东门 Gate', status: 'offline', statusReason: 'timeout', statusSince: T - 60_000 }],
  });
}

export function chainsSuite(e: TestEngine): void {
  test('DutyLog: appends asked for at once land in call order on one verified chain; reads filter; odd Unicode comes back as stored; NUL refused', async () => {
    const s = await e.open();
    const clock = new ManualClock(T);
    const log = new DutyLog(s, clock);
    const seen: number[] = [];
    log.onAppend((x) => seen.push(x.seq));
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) => log.append(entry(`${i} ${ODD}`, { cameraId: i % 2 ? 'gate' : null, category: i % 3 ? 'other' : 'anomaly', data: { alarmId: i, 'ключ 🔑': ODD } }))),
    );
    expect(made.map((x) => x.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(made.map((x) => x.text.split(' ')[0])).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(seen).toEqual(made.map((x) => x.seq));
    const got = await log.get(5);
    expect(got).toEqual(made[4]);
    expect(got!.text).toBe(`4 ${ODD_STORED}`);
    expect(got!.data).toEqual({ alarmId: 4, 'ключ 🔑': ODD_STORED });
    expect((await log.list({ cameraId: 'gate', limit: 3 })).map((x) => x.seq)).toEqual([20, 18, 16]);
    expect((await log.list({ category: 'anomaly' })).map((x) => x.seq)).toEqual([19, 16, 13, 10, 7, 4, 1]);
    expect((await log.list({ beforeSeq: 3 })).map((x) => x.seq)).toEqual([2, 1]);
    expect((await log.forCamera('gate', T, T + 1)).length).toBe(10);
    expect(await log.lastForAlarm(7, ['manual'])).toBe('manual');
    expect(await log.lastForAlarm(77, ['manual'])).toBeUndefined();
    const fix = await log.append(entry('entry 3 meant gate B', { kind: 'correction', refSeq: 3 }));
    expect((await log.corrections(3)).map((x) => x.seq)).toEqual([fix.seq]);
    await expect(log.append(entry('x', { kind: 'correction', refSeq: 999 }))).rejects.toThrow(/refSeq 999/);
    const nul = await log.append(entry('bad \u0000 text')).catch((x: unknown) => x);
    expect(nul).toBeInstanceOf(ChainTextError);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 21, headMatches: true, triggers: true });
  });

  test('DutyWriter on a full disk (this engine\'s own error) keeps entries in order and writes them once space is back', async () => {
    const s = await e.open();
    const log = new DutyLog(s, new ManualClock(T));
    const bus = new EventBus();
    const failed: (string | null)[] = [];
    bus.on('storage.write_failed', (x) => failed.push(x.code));
    const w = new DutyWriter(log, bus, { now: () => T, retryMs: 10 });
    w.append(entry('before'));
    await w.settled();
    await diskFull(s, true);
    for (const t of ['a', 'b', 'c']) w.append(entry(t));
    await w.settled();
    expect(w.queued).toBe(3);
    expect(failed[0]).toBe(s.engine === 'postgres' ? '53100' : 'SQLITE_CONSTRAINT_TRIGGER');
    expect(await log.list()).toHaveLength(1); // nothing half-written
    await diskFull(s, false);
    await vi.waitFor(() => expect(w.queued).toBe(0), { timeout: 3000 });
    await w.settled();
    const texts = (await log.list()).reverse().map((x) => x.text);
    expect(texts.slice(0, 4)).toEqual(['before', 'a', 'b', 'c']);
    expect(texts[4]).toMatch(/^Disk full from .* — recording and logging were interrupted; 3 entries written late \/ 磁盘已满/);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 5, headMatches: true });
  });

  test('handovers: written with their entry in one transaction; a second at the same time is refused; acknowledged once, by another', async () => {
    const s = await e.open();
    const clock = new ManualClock(T);
    const log = new DutyLog(s, clock);
    const h = handovers(log, clock);
    const op1 = { id: 1, username: 'op1', role: 'operator' };
    const op2 = { id: 2, username: `op2 ${ODD}`, role: 'operator' };
    const both = await Promise.allSettled([h.create(op1, `night: ${ODD}`), h.create(op2, 'me too')]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ status: 409, code: 'handover_pending' });
    const made = (both.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<HandoverService['create']>>>).value;
    expect(await log.list()).toHaveLength(1); // the refused one wrote no entry either
    expect(made.openItems).toMatchObject({ openAlarms: 2, offlineCameras: [{ cameraId: 'gate', cameraName: '东门 Gate' }] });
    const by = made.fromUserId === 1 ? op2 : op1;
    await expect(h.acknowledge({ id: made.fromUserId, username: made.fromUsername, role: 'operator' }, made.id)).rejects.toMatchObject({ status: 403 });
    const acks = await Promise.allSettled([h.acknowledge(by, made.id, 'noted'), h.acknowledge(by, made.id, 'noted again')]);
    expect(acks.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const acked = await h.get(made.id);
    expect(acked).toMatchObject({ ackUsername: by.username.replace('\ud800', '\ufffd'), ackLogSeq: 2 }); // as the duty log stores it
    expect((await log.get(2))!.refSeq).toBe(made.logSeq);
    expect((await log.get(2))!.authorName).toBe(acked.ackUsername);
    expect(await h.latest()).toEqual(acked);
    expect((await h.list()).map((x) => x.id)).toEqual([made.id]);
    expect((await h.openItems()).openAlarms).toBe(2);
    await expect(h.get(99)).rejects.toMatchObject({ status: 404 });
    expect(await log.verify()).toMatchObject({ ok: true, entries: 2, headMatches: true });
  });

  test('AuditLog: a failed login whose user name holds NUL, RTL marks, emoji ZWJ and a lone surrogate is kept (NUL → U+FFFD); queries; order; verify', async () => {
    const s = await e.open();
    const audit = new AuditLog(s);
    const hostile = `ad\u0000min \u200F\u202E👮‍♀️ \udc00`;
    const rec = await audit.record({ action: 'login.failed', actor: { username: hostile, ip: '127.0.0.1' }, detail: { 'why\u0000': `bad\u0000 ${ODD}` }, time: T });
    expect(rec).toMatchObject({ id: 1, action: 'login.failed', actor: 'ad\ufffdmin \u200F\u202E👮‍♀️ \ufffd', detail: { 'why\ufffd': `bad\ufffd ${ODD_STORED}` } });
    const many = await Promise.all(Array.from({ length: 30 }, (_, i) => audit.record({ action: i % 2 ? 'export.create' : 'live.view.start', actor: { username: i % 3 ? 'Alice' : 'bob' }, cameraId: i % 2 ? 'gate' : null, target: `exp-${i} 50%_off`, time: T + 1000 + i })));
    expect(many.map((x) => x!.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2)); // call order
    expect((await audit.query({ actor: 'ad\ufffdmin \u200F\u202E👮‍♀️ \ufffd' })).entries.map((x) => x.id)).toEqual([1]);
    expect((await audit.query({ actor: 'ALICE', limit: 1000 })).entries).toHaveLength(20); // ASCII case-insensitive
    expect((await audit.query({ action: 'export', limit: 1000 })).entries).toHaveLength(15);
    expect((await audit.query({ action: 'expor' })).entries).toHaveLength(0);
    expect((await audit.query({ text: 'EXP-7 50%_' })).entries.map((x) => x.id)).toEqual([9]);
    expect((await audit.query({ text: '5_%' })).entries).toHaveLength(0); // LIKE wildcards are literal
    expect((await audit.query({ text: 'bad\ufffd 🏳️‍🌈' })).entries).toHaveLength(0); // not in that order
    expect((await audit.query({ text: `bad\ufffd ${ODD_STORED}` })).entries.map((x) => x.id)).toEqual([1]); // the kept text is searchable
    expect((await audit.query({ text: 'ad\ufffdmin' })).entries).toHaveLength(0); // the name is not target or detail
    const p1 = await audit.query({ limit: 4 });
    expect(p1.entries.map((x) => x.id)).toEqual([31, 30, 29, 28]);
    expect((await audit.query({ limit: 4, before: p1.next })).entries[0]!.id).toBe(27);
    expect((await audit.pageAscending({ cameraId: 'gate' }, 5, 3)).map((x) => x.id)).toEqual([7, 9, 11]);
    expect(await audit.actions()).toEqual(['export.create', 'live.view.start', 'login.failed']);
    expect((await audit.latest())!.id).toBe(31);
    expect(await audit.verify()).toMatchObject({ ok: true, count: 31, headMatches: true, triggers: true });
  });

  test('checkpoints on this engine (step 0030): the Checkpointer seals both chains read through the SQL layer; append-only; a deleted tail is named, not sealed over', async () => {
    const s = await e.open();
    const clock = new ManualClock(T);
    const log = new DutyLog(s, clock);
    const audit = new AuditLog(s);
    for (let i = 0; i < 5; i++) {
      await log.append(entry(`${i} ${ODD}`));
      await audit.record({ action: 'login', actor: { username: `u${i}` } });
    }
    const dir = mkdtempSync(join(tmpdir(), 'wp-cp-sql-'));
    try {
      const key = SigningKey.generate();
      const store = new CheckpointStore(s, dir); // step 0030: the checkpoints on this engine
      expect(await store.count()).toBe(0);
      const cp = new Checkpointer({ store, key, sources: () => [{ log: 'duty_log', view: tableView(s, 'duty_log') }, { log: 'audit_log', view: tableView(s, 'audit_log') }] });
      expect((await cp.sealNow()).map((c) => `${c.log}:${c.seq}`).sort()).toEqual(['audit_log:5', 'duty_log:5']);
      expect(await cp.sealNow()).toEqual([]);
      expect(await store.count()).toBe(2);
      expect((await store.newestOf(['duty_log', 'audit_log']))?.seq).toBe(5);
      // the table is append-only on this engine too
      await expect(sql`UPDATE checkpoints SET seq = 99`.execute(s.db)).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM checkpoints`.execute(s.db)).rejects.toThrow(/append-only/);
      expect(await verifyDutyLog(s, store, key)).toMatchObject({ ok: true, entries: 5, headMatches: true, seal: { checkpoints: 1, unsealed: 0, problem: null } });
      expect(await verifyAudit(s, store, key)).toMatchObject({ ok: true, count: 5, seal: { problem: null } });
      // someone with the database deletes the newest entries behind the triggers' back
      if (s.engine === 'sqlite') s.sqlite!.exec('DROP TRIGGER duty_log_no_delete');
      else await sql`ALTER TABLE duty_log DISABLE TRIGGER duty_log_append_only`.execute(s.db);
      await sql`DELETE FROM duty_log WHERE seq >= 4`.execute(s.db);
      const v = await verifyDutyLog(s, store, key);
      expect(v).toMatchObject({ ok: false, triggers: false, broken: { seq: 4 }, seal: { problem: { kind: 'tail_deleted', seq: 4 } } });
      expect(await cp.sealNow()).toEqual([]); // never signs over it
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
