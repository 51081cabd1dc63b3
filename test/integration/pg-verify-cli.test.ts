/**
 * `npm run verify-log` and `npm run verify-recordings` against a real PostgreSQL (--database-url): the chains
 * written through the server's classes, sealed by the Checkpointer, checked by the CLIs in read-only sessions;
 * then the tail of the duty log deleted and a sealed row edited behind the layer's back (its guards switched off
 * by the database owner) — both CLIs name it and exit 1. A URL of another scheme or a database that is not a
 * migrated Watchpost one: exit 2.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/audit/log.ts';
import { DutyLog } from '../../server/dutylog/log.ts';
import { SigningKey } from '../../server/evidence/keys.ts';
import { chainSources } from '../../server/integrity/chains.ts';
import { CheckpointStore, Checkpointer } from '../../server/integrity/checkpoints.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { SealChainStore } from '../../server/seal/chain-store.ts';
import { SegmentRepo } from '../../server/store/segments.ts';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { openReadOnly } from '../../scripts/verify-log.ts';
import { startPostgres, type PgCluster } from '../support/postgres.ts';
import { REPO_ROOT, TSX } from '../support/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const T = new Date('2026-12-04T08:00:00').getTime();
let cluster: PgCluster;
let url: string;
let s: SqlDb;
const dir = mkdtempSync(join(tmpdir(), 'wp-pg-verify-cli-'));
const rec = join(dir, 'rec');
const keys = join(dir, 'keys');
const checkpoints = join(dir, 'checkpoints');
const paths: string[] = [];

function cli(script: 'verify-log' | 'verify-recordings', ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.WATCHPOST_DATABASE_URL;
  return new Promise((resolve) =>
    execFile(TSX, [`scripts/${script}.ts`, '--keys', keys, '--checkpoints', checkpoints, '--recordings', rec, ...args], { cwd: REPO_ROOT, env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    ),
  );
}

beforeAll(async () => {
  cluster = await startPostgres();
  url = await cluster.createDatabase('verify_cli');
  s = openSql({ engine: 'postgres', url }, { poolSize: 2 });
  await migrateSql(s);
  mkdirSync(keys, { recursive: true, mode: 0o700 });
  const key = SigningKey.loadOrCreate(keys);
  const duty = new DutyLog(s, new ManualClock(T));
  const audit = new AuditLog(s);
  for (let i = 0; i < 6; i++) {
    await duty.append({ category: 'other', kind: 'manual', text: `巡查 ${i} \u202Eok 👮‍♀️`, author: { id: 1, name: 'op1' } });
    await audit.record({ action: 'login', actor: { username: `u${i}` } });
  }
  const segments = new SegmentRepo(s);
  const seals = new SealChainStore(s);
  mkdirSync(join(rec, 'gate', '2026-12-04'), { recursive: true });
  for (let i = 0; i < 4; i++) {
    const rel = `gate/2026-12-04/08-00-${i}0 東門.mp4`;
    const data = randomBytes(2000 + i);
    writeFileSync(join(rec, rel), data);
    await segments.insert({ cameraId: 'gate', path: rel, startMs: T + i * 10_000, endMs: T + (i + 1) * 10_000, bytes: data.length, codec: 'h264' });
    await seals.seal({ path: rel, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    paths.push(rel);
  }
  const made = await new Checkpointer({ store: new CheckpointStore(s, checkpoints), key, sources: () => chainSources(s) }).sealNow();
  expect(made.map((c) => c.log).sort()).toEqual(['audit_log', 'duty_log', 'recordings/gate']);
}, 60_000);

afterAll(async () => {
  await s?.close();
  await cluster?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('verify-log and verify-recordings on PostgreSQL', () => {
  it('an intact database verifies with both CLIs, in sessions that cannot write', async () => {
    const [log, recs] = await Promise.all([cli('verify-log', '--database-url', url, '--json'), cli('verify-recordings', '--database-url', url, '--json')]);
    expect(log.code, log.stderr).toBe(0);
    expect(JSON.parse(log.stdout) as Json).toMatchObject({
      ok: true,
      dutyLog: { ok: true, entries: 6, triggers: true, headMatches: true, seal: { problem: null, unsealed: 0 } },
      audit: { ok: true, count: 6, triggers: true, seal: { problem: null } },
    });
    expect(recs.code, recs.stderr).toBe(0);
    const r = JSON.parse(recs.stdout) as Json;
    expect(r.cameras.map((c: Json) => [c.camera, c.segments, c.sealed, c.issues.length, c.seal.newest.seq])).toEqual([['gate', 4, 4, 0, 4]]);
    const ro = await openReadOnly({ db: '', url });
    try {
      await expect(sql`INSERT INTO chain_heads (log, seq, hash) VALUES ('x', 0, 'x')`.execute(ro.db)).rejects.toThrow(/read-only transaction/);
    } finally {
      await ro.close();
    }
  }, 60_000);

  it('a deleted duty-log tail and an edited sealed row, behind the layer with its guards off, are named; exit 1', async () => {
    await sql`ALTER TABLE duty_log DISABLE TRIGGER duty_log_append_only`.execute(s.db);
    await sql`DELETE FROM duty_log WHERE seq >= 5`.execute(s.db);
    await sql`ALTER TABLE segments DISABLE TRIGGER segments_seal_fixed`.execute(s.db);
    await sql`UPDATE segments SET sha256 = ${'ab'.repeat(32)} WHERE path = ${paths[2]}`.execute(s.db);
    const [log, recs] = await Promise.all([cli('verify-log', '--database-url', url), cli('verify-recordings', '--database-url', url)]);
    expect(log.code, log.stderr).toBe(1);
    expect(log.stdout).toContain('WARNING: the append-only triggers of duty_log are missing');
    expect(log.stdout).toMatch(/duty log BROKEN at entry 5: /);
    expect(log.stdout).toMatch(/audit trail OK: 6 entries/);
    expect(recs.code, recs.stderr).toBe(1);
    expect(recs.stdout).toContain(`BROKEN_LINK ${paths[2]}: the seal does not match its row (index row edited)`);
    expect(recs.stdout).toContain(`ALTERED ${paths[2]}: file content differs from its seal`);
  }, 60_000);

  it('another scheme, or a database that is not a migrated Watchpost one: exit 2, named', async () => {
    const empty = await cluster.createDatabase('not_watchpost');
    const [other, bare] = await Promise.all([cli('verify-log', '--database-url', 'mysql://u@127.0.0.1/x'), cli('verify-recordings', '--database-url', empty)]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/scheme "mysql:" is not supported/);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/the PostgreSQL database is not a Watchpost database of this version/);
  }, 60_000);
});
