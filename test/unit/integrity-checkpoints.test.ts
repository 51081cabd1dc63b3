/**
 * Signed checkpoints of the duty log and the audit trail (issue F point 2), on a real SQLite file: each tamper
 * an attacker with the database file can do is caught and named with the first affected entry.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, rowHash } from '../../server/audit/log.ts';
import { entryHash } from '../../server/dutylog/chain.ts';
import { DutyLog, toEntry } from '../../server/dutylog/log.ts';
import { SigningKey } from '../../server/evidence/keys.ts';
import { signCheckpoint } from '../../server/integrity/checkpoint.ts';
import { createIntegrity, loadSiteKey, KeyMissingError } from '../../server/integrity/index.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { migrate, openDb, type Db } from '../../server/store/db.ts';
import { migratedSqlOver } from '../support/sql-over.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function site(dir = mkdtempSync(join(tmpdir(), 'wp-cp-')), key = SigningKey.generate()) {
  if (!dirs.includes(dir)) dirs.push(dir);
  const db = openDb(join(dir, 'watchpost.db'));
  const sql = await migratedSqlOver(db);
  const clock = new ManualClock(Date.UTC(2026, 11, 2, 8));
  const duty = new DutyLog(sql, clock);
  const audit = new AuditLog(sql);
  const integrity = await createIntegrity({ sql, key, checkpointsDir: join(dir, 'checkpoints'), intervalMs: 60_000 });
  const write = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await duty.append({ category: 'other', kind: 'manual', text: `巡查正常 ${i}`, author: { id: 1, name: 'op1' } });
      await audit.record({ action: 'login', actor: { username: `u${i}` } });
      clock.advance(1000);
    }
  };
  return { dir, db, duty, audit, integrity, write, key };
}

/** What an attacker with sqlite3 does: rewrite one entry and re-hash everything after it. */
function rewriteDutyLog(db: Db, seq: number, text: string): void {
  db.exec('DROP TRIGGER duty_log_no_update');
  db.prepare('UPDATE duty_log SET text = ? WHERE seq = ?').run(text, seq);
  const rows = db.prepare('SELECT * FROM duty_log WHERE seq >= ? ORDER BY seq').all(seq) as Parameters<typeof toEntry>[0][];
  let prev = (db.prepare('SELECT hash FROM duty_log WHERE seq = ?').get(seq - 1) as { hash: string } | undefined)?.hash ?? '0'.repeat(64);
  for (const r of rows) {
    const hash = entryHash(prev, toEntry(r));
    db.prepare('UPDATE duty_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
    prev = hash;
  }
  db.exec(`CREATE TRIGGER duty_log_no_update BEFORE UPDATE ON duty_log BEGIN SELECT RAISE(ABORT, 'append-only'); END`);
}

function rewriteAudit(db: Db, id: number, actor: string): void {
  db.exec('DROP TRIGGER audit_log_no_update');
  db.prepare('UPDATE audit_log SET actor = ? WHERE id = ?').run(actor, id);
  let prev = (db.prepare('SELECT hash FROM audit_log WHERE id = ?').get(id - 1) as { hash: string }).hash;
  for (const r of db.prepare('SELECT * FROM audit_log WHERE id >= ? ORDER BY id').all(id) as Record<string, unknown>[]) {
    const { prev_hash: _p, hash: _h, ...base } = r;
    const hash = rowHash(prev, base as Parameters<typeof rowHash>[1]);
    db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, r.id);
    prev = hash;
  }
}

describe('signed checkpoints', () => {
  it('seals both chains, counts what is not yet sealed, and writes each checkpoint to the database and a file', async () => {
    const s = await site();
    await s.write(5);
    const made = await s.integrity.sealNow();
    expect(made.map((c) => c.log).sort()).toEqual(['audit_log', 'duty_log']);
    expect(await s.integrity.sealNow()).toEqual([]); // nothing new, nothing signed
    await s.write(2);
    const d = (await s.integrity.verifyDutyLog());
    expect(d).toMatchObject({ ok: true, entries: 7, triggers: true, seal: { checkpoints: 1, unsealed: 2, problem: null } });
    expect((await s.integrity.verifyAudit())).toMatchObject({ ok: true, count: 7, seal: { unsealed: 2 } });
    const lines = readdirSync(join(s.dir, 'checkpoints')).flatMap((f) => readFileSync(join(s.dir, 'checkpoints', f), 'utf8').trim().split('\n'));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ log: 'duty_log', seq: 5, count: 5, key: s.key.fingerprint });
    expect(s.integrity.newestLogCheckpoint()).toMatchObject({ seq: 5 });
  });

  it('catches rows deleted at the end, though the triggers were put back', async () => {
    const s = await site();
    await s.write(8);
    await s.integrity.sealNow();
    s.db.exec('DROP TRIGGER duty_log_no_delete');
    s.db.prepare('DELETE FROM duty_log WHERE seq > 5').run();
    s.db.exec(`CREATE TRIGGER duty_log_no_delete BEFORE DELETE ON duty_log BEGIN SELECT RAISE(ABORT, 'append-only'); END`);
    const r = (await s.integrity.verifyDutyLog());
    expect(r.triggers).toBe(true);
    expect(r).toMatchObject({ ok: false, broken: { seq: 6 }, seal: { problem: { kind: 'tail_deleted', seq: 6 } } });
  });

  it('names the first rewritten entry after a rewrite and re-hash, in the duty log and the audit trail', async () => {
    const s = await site();
    await s.write(5);
    await s.integrity.sealNow();
    await s.write(5);
    await s.integrity.sealNow();
    rewriteDutyLog(s.db, 7, 'nothing happened');
    rewriteAudit(s.db, 3, 'nobody');
    const d = (await s.integrity.verifyDutyLog());
    expect(d.entries).toBe(10); // the links alone hold …
    expect(d).toMatchObject({ ok: false, broken: { seq: 7 }, seal: { problem: { kind: 'rewritten', seq: 7 } } });
    expect((await s.integrity.verifyAudit())).toMatchObject({ ok: false, firstBad: 3, seal: { problem: { kind: 'rewritten' } } });
    // … nothing is appended onto the rewritten tip (it is not the one the chain head recorded) …
    await expect(s.write(1)).rejects.toThrow(/removed or altered/);
    // … and the checkpointer refuses to sign over the rewritten chain
    expect(await s.integrity.sealNow()).toEqual([]);
  });

  it('catches the whole database rolled back to an older copy', async () => {
    const s = await site();
    await s.write(4);
    await s.integrity.sealNow();
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(join(s.dir, 'watchpost.db'), join(s.dir, 'old.db'));
    await s.write(3);
    await s.integrity.sealNow();
    s.db.close();
    for (const f of ['watchpost.db-wal', 'watchpost.db-shm']) rmSync(join(s.dir, f), { force: true });
    copyFileSync(join(s.dir, 'old.db'), join(s.dir, 'watchpost.db'));
    const again = await site(s.dir, s.key);
    expect((await again.duty.verify()).ok).toBe(true); // the old copy is consistent in itself
    expect((await again.integrity.verifyDutyLog())).toMatchObject({ ok: false, broken: { seq: 5 }, seal: { problem: { kind: 'rolled_back', seq: 5 } } });
    expect((await again.integrity.verifyAudit())).toMatchObject({ ok: false, firstBad: 5, seal: { problem: { kind: 'rolled_back' } } });
  });

  it('rejects a checkpoint signed by another key and notices a cut checkpoint file', async () => {
    const s = await site();
    await s.write(3);
    await s.integrity.sealNow();
    const forged = signCheckpoint({ log: 'duty_log', seq: 3, headHash: 'f'.repeat(64), count: 3, time: Date.now(), key: s.key.fingerprint, fromSeq: 0, digest: '' }, SigningKey.generate());
    const file = join(s.dir, 'checkpoints', readdirSync(join(s.dir, 'checkpoints'))[0]!);
    writeFileSync(file, readFileSync(file, 'utf8') + JSON.stringify(forged) + '\n');
    expect((await s.integrity.verifyDutyLog())).toMatchObject({ ok: false, seal: { problem: { kind: 'forged_checkpoint', seq: 3 } } });
    writeFileSync(file, '');
    expect((await s.integrity.verifyDutyLog())).toMatchObject({ ok: false, seal: { problem: { kind: 'checkpoint_file_cut' } } });
  });

  it('refuses to start with a new key once something was sealed with the old one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-key-'));
    dirs.push(dir);
    const db = openDb(join(dir, 'watchpost.db'));
    const sql = await migratedSqlOver(db);
    const key = await loadSiteKey(sql, join(dir, 'keys'), dir);
    const integrity = await createIntegrity({ sql, key, checkpointsDir: join(dir, 'checkpoints'), intervalMs: 60_000 });
    await new AuditLog(sql).record({ action: 'system.start' });
    await integrity.sealNow();
    rmSync(join(dir, 'keys'), { recursive: true });
    await expect(loadSiteKey(sql, join(dir, 'keys'), dir)).rejects.toThrow(KeyMissingError);
    await expect(loadSiteKey(sql, join(dir, 'keys'), dir)).rejects.toThrow(/restore the key file/);
    const fresh = new Database(':memory:');
    migrate(fresh);
    expect((await loadSiteKey(await migratedSqlOver(fresh), join(dir, 'keys2'), dir)).fingerprint).toMatch(/^sha256:/); // nothing sealed: a first key is fine
  });
});
