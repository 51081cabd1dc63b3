import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../server/store/db.ts';
import { DutyLog, entryFootageMs } from '../../server/dutylog/log.ts';
import { verifyDb } from '../support/legacy-verifiers.ts';
import { canonicalJson, entryHash, GENESIS_HASH, verifyChain } from '../../server/dutylog/chain.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { migratedSqlOver } from '../support/sql-over.ts';

async function setup() {
  const db = new Database(':memory:');
  migrate(db);
  const clock = new ManualClock(Date.UTC(2025, 2, 10, 8));
  const log = new DutyLog(await migratedSqlOver(db), clock);
  const author = { id: 1, name: 'op1' };
  for (let i = 1; i <= 5; i++) {
    await log.append({ category: 'other', kind: 'manual', text: `entry ${i} 正常`, author, data: { i, nested: { b: 1, a: [2, 1] } } });
    clock.advance(1000);
  }
  return { db, log, clock };
}

describe('duty log hash chain', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('links each entry to the previous hash', async () => {
    const { log } = await setup();
    const all = (await log.list()).reverse();
    expect(all[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
    expect(entryHash(all[1]!.prevHash, all[1]!)).toBe(all[1]!.hash);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 5, triggers: true, headMatches: true });
  });

  it('the database refuses UPDATE and DELETE', async () => {
    const { db } = await setup();
    expect(() => db.prepare("UPDATE duty_log SET text = 'x' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM duty_log WHERE seq = 5').run()).toThrow(/append-only/);
  });

  it('verify finds the first altered entry even after the triggers were dropped', async () => {
    const { db, log } = await setup();
    db.exec('DROP TRIGGER duty_log_no_update; DROP TRIGGER duty_log_no_delete');
    db.prepare("UPDATE duty_log SET text = 'nothing happened' WHERE seq = 3").run();
    const r = await log.verify();
    expect(r).toMatchObject({ ok: false, triggers: false, broken: { seq: 3 } });
    expect(r.broken!.reason).toMatch(/altered/);
    expect(verifyDb(db).broken).toEqual(r.broken); // the synchronous verifier agrees
  });

  it('verify finds a deleted entry, a deleted tail and a re-hashed forgery', async () => {
    const { db, log } = await setup();
    db.exec('DROP TRIGGER duty_log_no_delete');
    db.prepare('DELETE FROM duty_log WHERE seq = 2').run();
    expect((await log.verify()).broken).toMatchObject({ seq: 2 });
    expect(verifyDb(db).broken).toMatchObject({ seq: 2 });
    // the newest entries deleted: the links alone cannot see it, the chain head can
    const t = await setup();
    t.db.exec('DROP TRIGGER duty_log_no_delete');
    t.db.prepare('DELETE FROM duty_log WHERE seq >= 4').run();
    expect(verifyDb(t.db).ok).toBe(true);
    expect((await t.log.verify()).broken).toMatchObject({ seq: 4, reason: expect.stringMatching(/entries 4–5 are missing/) });
    // and nothing is appended onto the damaged tip
    await expect(t.log.append({ category: 'other', kind: 'manual', text: 'after', author: { id: 1, name: 'op1' } })).rejects.toThrow(/removed or altered/);

    // a forger who recomputes entry 4's own hash still breaks entry 5's link
    const { log: log2 } = await setup();
    const entries = (await log2.list()).reverse();
    const forged = entries.map((e) => ({ ...e }));
    forged[3]!.text = 'forged';
    forged[3]!.hash = entryHash(forged[3]!.prevHash, forged[3]!);
    expect(verifyChain(forged)).toMatchObject({ ok: false, broken: { seq: 5 } });
    void log;
  });

  it('a correction is a new entry referencing the old one', async () => {
    const { log } = await setup();
    const c = await log.append({ category: 'other', kind: 'correction', text: 'entry 2 meant gate B', refSeq: 2, author: { id: 1, name: 'op1' } });
    expect(c.seq).toBe(6);
    expect((await log.corrections(2)).map((e) => e.seq)).toEqual([6]);
    await expect(log.append({ category: 'other', kind: 'correction', text: 'x', refSeq: 99, author: { id: 1, name: 'op1' } })).rejects.toThrow(/refSeq 99/);
    expect((await log.verify()).ok).toBe(true);
  });

  it('an entry\'s footage time: when a camera went offline / came back, else when it was written', () => {
    const base = { ts: 100_000, data: {} };
    expect(entryFootageMs({ ...base, kind: 'manual' })).toBe(100_000);
    expect(entryFootageMs({ ...base, kind: 'camera_offline', data: { since: 70_000 } })).toBe(70_000);
    expect(entryFootageMs({ ...base, kind: 'camera_online', data: { since: 'x' } })).toBe(100_000);
    expect(entryFootageMs({ ...base, kind: 'manual', data: { since: 70_000 } })).toBe(100_000);
  });
});
