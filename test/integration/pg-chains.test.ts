/**
 * Issue J: the audit trail and the per-camera seal chains shared by several nodes never fork. Three separate
 * writer processes (test/support/pg-chains-node.ts) each append 150 audit entries and seal 150 segments of two
 * cameras (plus race for 15 shared ones) at the same time, through AuditChainStore and SealChainStore — against a
 * real PostgreSQL (test/support/postgres.ts) and an SQLite file in WAL mode, from the same code path. Then: one
 * trail of 450 entries and one chain per camera, contiguous, linked, no two entries with one predecessor, every
 * segment sealed once, the streaming verification passes, every node's writes are in the tables as it was told.
 * Hostile: NUL refused on both engines with nothing written; an edited row and a deleted tail named.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AuditChainStore } from '../../server/audit/chain-store.ts';
import { verifyAuditDb } from '../support/legacy-verifiers.ts';
import { ChainHeadError } from '../../server/integrity/sql-chain.ts';
import { SealChainStore } from '../../server/seal/chain-store.ts';
import { openSql, type SqlDb, type SqlTarget } from '../../server/store/sql/db.ts';
import { migrateSql, sqlMigrations } from '../../server/store/sql/migrations.ts';
import { NODES, runNodes } from '../support/pg-chain-run.ts';
import { fakeDigest, indexSegments, ownPath, SEAL_CAMS, sharedPath, type ChainsNodeResult } from '../support/pg-chains-node.ts';
import { startPostgres, type PgCluster } from '../support/postgres.ts';

const PROCESS_TEST_MS = 180_000;
const COUNT = 150;
const SCRIPT = join(import.meta.dirname, '../support/pg-chains-node.ts');
/** every step of the SQL layer (0015–0017 and whatever other ports add) */
const MIGRATIONS = Object.keys(sqlMigrations('postgres')).sort();

async function fresh(t: SqlTarget): Promise<SqlDb> {
  const s = openSql(t);
  expect(await migrateSql(s)).toEqual(MIGRATIONS);
  await indexSegments(s, NODES, COUNT);
  return s;
}

async function concurrentWriters(t: SqlTarget, s: SqlDb, jitterMs = 0): Promise<{ seconds: number; switches: number }> {
  const { results, seconds } = await runNodes<ChainsNodeResult>(t, { script: SCRIPT, count: COUNT, jitterMs });
  expect(results.map((r) => r.node)).toEqual(NODES);

  // the audit trail: one chain, 1..450, each row linked to the one before, as the nodes were told
  const rows = (await sql<{ id: number; prev_hash: string; hash: string }>`SELECT id, prev_hash, hash FROM audit_log ORDER BY id`.execute(s.db)).rows;
  const total = NODES.length * COUNT;
  expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(total);
  rows.forEach((r, i) => expect(r.prev_hash, `audit ${r.id}`).toBe(i === 0 ? '0'.repeat(64) : rows[i - 1]!.hash));
  const told = new Map(results.flatMap((r) => r.audit.map(([id, hash]) => [id, { hash, node: r.node }] as const)));
  expect(told.size).toBe(total);
  for (const r of rows) expect(told.get(Number(r.id))?.hash).toBe(r.hash);
  expect(await new AuditChainStore(s).verify(97)).toMatchObject({ ok: true, count: total, triggers: true, headMatches: true, head: rows.at(-1)!.hash });
  let switches = 0;
  for (let id = 2; id <= total; id++) if (told.get(id)!.node !== told.get(id - 1)!.node) switches++;

  // the seal chains: one per camera, dense, every segment sealed exactly once, each shared one by one node
  const store = new SealChainStore(s);
  const seals = results.flatMap((r) => r.seals.map(([camera, seq, hash, path]) => ({ node: r.node, camera, seq, hash, path })));
  const shared = Math.ceil(COUNT / 10);
  expect(seals.length).toBe(total + shared);
  expect(new Set(seals.map((x) => x.path)).size).toBe(total + shared);
  for (const k of [0, 1, shared - 1]) expect(seals.filter((x) => x.path === sharedPath(k)).length).toBe(1);
  for (const cam of SEAL_CAMS) {
    const chain = (
      await sql<{ seal_seq: number; seal_hash: string; path: string }>`SELECT seal_seq, seal_hash, path FROM segments WHERE camera_id = ${cam} ORDER BY seal_seq`.execute(s.db)
    ).rows;
    const n = seals.filter((x) => x.camera === cam).length;
    expect(chain.map((r) => Number(r.seal_seq))).toEqual(Array.from({ length: n }, (_, i) => i + 1)); // no unsealed row left either
    for (const x of seals.filter((y) => y.camera === cam)) expect(chain[x.seq - 1]).toEqual({ seal_seq: x.seq, seal_hash: x.hash, path: x.path });
    expect(await store.verify(cam, 64)).toMatchObject({ camera: cam, ok: true, seals: n, triggers: true, headMatches: true });
  }
  expect(await store.cameras()).toEqual([...SEAL_CAMS].sort());
  return { seconds, switches };
}

async function hostile(s: SqlDb, off: (table: string, trigger: string) => Promise<void>): Promise<void> {
  const audit = new AuditChainStore(s);
  const seals = new SealChainStore(s);
  const total = NODES.length * COUNT;
  const count = async (q: string) => Number((await sql.raw<{ n: number }>(q).execute(s.db)).rows[0]!.n);
  // NUL: refused on this engine too, nothing written, the chains go on
  await expect(audit.append({ action: 'login.failed', actor: { username: 'adm\u0000in' } })).rejects.toThrow(/actor\.username contains U\+0000/);
  await expect(seals.seal({ ...fakeDigest(ownPath('node-a', 0)), path: 'x\u0000.mp4' })).rejects.toThrow(/seal refused: path contains U\+0000/);
  expect(await count('SELECT COUNT(*) AS n FROM audit_log')).toBe(total);
  expect((await audit.append({ action: 'login', actor: { username: 'after the NUL' } })).id).toBe(total + 1);
  // the tables refuse changes
  await expect(sql`UPDATE audit_log SET target = 'forged' WHERE id = 200`.execute(s.db)).rejects.toThrow(/append-only/);
  await expect(sql`DELETE FROM audit_log WHERE id = ${total + 1}`.execute(s.db)).rejects.toThrow(/append-only/);
  // an edited row is named
  await off('audit_log', 'update');
  await sql`UPDATE audit_log SET target = 'nothing happened' WHERE id = 200`.execute(s.db);
  expect(await audit.verify(64)).toMatchObject({ ok: false, count: 199, firstBad: 200, reason: 'content does not match its hash (entry was altered)', triggers: false });
  // a deleted seal tail (the deletion leaves no tombstone): the head names the seal the table lacks
  const cam = SEAL_CAMS[1]!;
  const v0 = await seals.verify(cam);
  await off('segments', 'tombstone');
  await sql`DELETE FROM segments WHERE camera_id = ${cam} AND seal_seq = ${v0.seals}`.execute(s.db);
  const v = await seals.verify(cam, 50);
  expect(v).toMatchObject({ ok: false, seals: v0.seals - 1, headMatches: false, triggers: false, broken: { seq: v0.seals } });
  expect(v.broken?.reason).toContain(`the chain head names entry ${v0.seals} but the table ends at entry ${v0.seals - 1}`);
  await expect(seals.seal(fakeDigest(ownPath('node-b', 1)))).resolves.toBeUndefined(); // sealed already
  await sql`INSERT INTO segments (camera_id, path, start_ms, end_ms, bytes, created_at) VALUES (${cam}, ${cam + '/late.mp4'}, 1, 2, 0, 1)`.execute(s.db);
  await expect(seals.seal(fakeDigest(`${cam}/late.mp4`))).rejects.toThrow(ChainHeadError);
  // the other camera's chain is untouched
  expect(await seals.verify(SEAL_CAMS[0]!)).toMatchObject({ ok: true, headMatches: true });
}

describe('audit trail and seal chains on PostgreSQL, 3 writer processes', () => {
  let cluster: PgCluster;
  let s: SqlDb;
  beforeAll(async () => {
    cluster = await startPostgres();
    s = await fresh({ engine: 'postgres', url: cluster.url });
  });
  afterAll(async () => {
    await s?.close();
    await cluster?.dispose();
  });

  test('concurrent appends and seals make one trail and one chain per camera: contiguous, linked, verified, no fork', async () => {
    const { seconds, switches } = await concurrentWriters({ engine: 'postgres', url: cluster.url }, s);
    expect(switches).toBeGreaterThan(100); // the writers really ran at the same time
    console.log(`pg-chains: PostgreSQL, 3 writers: ${((NODES.length * COUNT * 2.1) / seconds).toFixed(0)} appends/s (${seconds.toFixed(2)} s, ${switches} audit writer switches)`);
  }, PROCESS_TEST_MS);

  test('a sealed row cannot change, a deleted one leaves a tombstone and the chain still verifies', async () => {
    const cam = SEAL_CAMS[0]!;
    await expect(sql`UPDATE segments SET sha256 = ${'e'.repeat(64)} WHERE camera_id = ${cam} AND seal_seq = 3`.execute(s.db)).rejects.toThrow(/is sealed: its seal cannot be changed/);
    await sql`UPDATE segments SET end_ms = end_ms + 5 WHERE camera_id = ${cam} AND seal_seq = 3`.execute(s.db); // re-timing is allowed
    await sql`DELETE FROM segments WHERE camera_id = ${cam} AND seal_seq = 1`.execute(s.db);
    const t = await sql<{ reason: string }>`SELECT reason FROM segment_tombstones WHERE camera_id = ${cam} AND seal_seq = 1`.execute(s.db);
    expect(t.rows).toEqual([{ reason: 'unexplained' }]);
    await expect(sql`DELETE FROM segment_tombstones`.execute(s.db)).rejects.toThrow(/append-only/);
    expect(await new SealChainStore(s).verify(cam, 10)).toMatchObject({ ok: true, headMatches: true, triggers: true });
  });

  test('hostile: NUL refused, nothing written; an edited row and a deleted tail named', async () => {
    await hostile(s, (table, what) =>
      sql.raw(`ALTER TABLE ${table} DISABLE TRIGGER ${what === 'update' ? `${table}_append_only` : 'segments_tombstone'}`).execute(s.db).then(() => undefined),
    );
  });
});

describe('audit trail and seal chains on SQLite (WAL file), 3 writer processes, same code path', () => {
  let dir: string;
  let s: SqlDb;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wp-sqlchains-'));
    s = await fresh({ engine: 'sqlite', file: join(dir, 'watchpost.db') });
  });
  afterAll(async () => {
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('concurrent appends and seals (writers pausing 0-4 ms) make one trail and one chain per camera', async () => {
    const { seconds, switches } = await concurrentWriters({ engine: 'sqlite', file: join(dir, 'watchpost.db') }, s, 4);
    expect(switches).toBeGreaterThan(50);
    expect(verifyAuditDb(s.sqlite!)).toMatchObject({ ok: true, count: NODES.length * COUNT }); // the server's own verifier agrees
    console.log(`pg-chains: SQLite WAL, 3 writers pausing 0-4 ms: ${seconds.toFixed(2)} s, ${switches} audit writer switches`);
  }, PROCESS_TEST_MS);

  test('hostile: NUL refused, nothing written; an edited row and a deleted tail named', async () => {
    await hostile(s, (table, what) => sql.raw(`DROP TRIGGER ${what === 'update' ? `${table}_no_update` : 'segments_tombstone'}`).execute(s.db).then(() => undefined));
  });
});
