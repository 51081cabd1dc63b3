/**
 * Issue J: one duty-log hash chain shared by several nodes never forks. Three separate writer processes
 * (test/support/pg-chain-node.ts) append 200 entries each, at the same time, through ChainStore — against a
 * real PostgreSQL (test/support/postgres.ts) and against an SQLite file in WAL mode, from the same code path.
 * Then: exactly 600 entries, seq 1..600, every link holds, the existing verifier passes, no two entries share a
 * predecessor, every node's entries are in the table as the node wrote them. Hostile: rows edited or removed
 * behind the application's back are named by the verification, and the chain is not extended over a damaged tip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChainHeadError, ChainStore } from '../../server/dutylog/chain-store.ts';
import { verifyDb } from '../support/legacy-verifiers.ts';
import { wellFormed } from '../../server/integrity/text.ts';
import { openSql, type SqlDb, type SqlTarget } from '../../server/store/sql/db.ts';
import { migrateSql, sqlMigrations } from '../../server/store/sql/migrations.ts';
import { NODES, PER_NODE, runNodes, type NodeResult } from '../support/pg-chain-run.ts';
import { ODD_PIECES, oddText } from '../support/pg-odd-text.ts';
import { startPostgres, type PgCluster } from '../support/postgres.ts';

/** every step of the SQL layer, in order (so a new step elsewhere does not break these tests) */
const ALL_STEPS = Object.keys(sqlMigrations('postgres')).sort();

/** tests that start node processes (each loads tsx: slow on a busy 2-core machine) */
const PROCESS_TEST_MS = 120_000;

interface Row {
  seq: number;
  prev_hash: string;
  hash: string;
  text: string;
  data_json: string;
}

/** One chain of `total` entries (or whatever a killed node left: then at least the survivors' entries). */
async function checkOneChain(s: SqlDb, results: NodeResult[], total = NODES.length * PER_NODE): Promise<{ switches: number }> {
  const rows = (await sql<Row>`SELECT seq, prev_hash, hash, text, data_json FROM duty_log ORDER BY seq`.execute(s.db)).rows.map((r) => ({
    ...r,
    seq: Number(r.seq),
  }));
  if (results.length === NODES.length) expect(rows.length).toBe(total);
  else expect(rows.length).toBeGreaterThanOrEqual(total);
  total = rows.length;
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  // no fork: every entry has its own predecessor, and each links to the entry just before it
  expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(total);
  rows.forEach((r, i) => expect(r.prev_hash, `entry ${r.seq}`).toBe(i === 0 ? '0'.repeat(64) : rows[i - 1]!.hash));

  const v = await new ChainStore(s).verify();
  expect(v).toMatchObject({ ok: true, entries: total, triggers: true, headMatches: true, lastHash: rows.at(-1)!.hash });

  // every node got what it was told, and the table holds exactly what the nodes wrote, text included
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const told = results.flatMap((r) => r.entries.map(([seq, hash]) => ({ node: r.node, seq, hash })));
  if (results.length === NODES.length) expect(told.length).toBe(total);
  expect(new Set(told.map((t) => t.seq)).size).toBe(told.length);
  for (const t of told) expect(bySeq.get(t.seq)?.hash, `${t.node} seq ${t.seq}`).toBe(t.hash);
  for (const r of rows) {
    const d = JSON.parse(r.data_json) as { node: string; i: number };
    expect(r.text).toBe(wellFormed(oddText(d.node, d.i)));
  }
  for (const piece of ODD_PIECES) expect(rows.some((r) => r.text.includes(wellFormed(piece))), JSON.stringify(piece)).toBe(true);
  // how often the chain passes from one node to another (the writers' appends interleave)
  const owner = new Map(told.map((t) => [t.seq, t.node]));
  let switches = 0;
  for (let seq = 2; seq <= total; seq++) if (owner.get(seq) !== owner.get(seq - 1)) switches++;
  return { switches };
}

async function hostile(s: SqlDb, disable: string[], enable: string[]): Promise<void> {
  const store = new ChainStore(s);
  // the table itself refuses changes
  await expect(sql`UPDATE duty_log SET text = 'forged' WHERE seq = 300`.execute(s.db)).rejects.toThrow(/append-only/);
  await expect(sql`DELETE FROM duty_log WHERE seq = 600`.execute(s.db)).rejects.toThrow(/append-only/);

  // someone with the database's owner rights switches the guard off and edits entry 300
  for (const q of disable) await sql.raw(q).execute(s.db);
  await sql`UPDATE duty_log SET text = 'nothing happened' WHERE seq = 300`.execute(s.db);
  let v = await store.verify();
  expect(v.ok).toBe(false);
  expect(v.triggers).toBe(false);
  expect(v.broken).toEqual({ seq: 300, reason: 'content does not match its hash (entry was altered)' });

  // re-hashing the edited entry does not help: the next entry's link names it
  const h = await sql<{ hash: string }>`SELECT hash FROM duty_log WHERE seq = 300`.execute(s.db);
  await sql`UPDATE duty_log SET hash = ${'f'.repeat(64)} WHERE seq = 300 AND hash = ${h.rows[0]!.hash}`.execute(s.db);
  v = await store.verify();
  expect(v.broken?.seq).toBe(300);

  // the newest entry removed: verification names the head, and an append is refused (nothing written)
  await sql`DELETE FROM duty_log WHERE seq = 600`.execute(s.db);
  v = await store.verify();
  expect(v.headMatches).toBe(false);
  await expect(store.append({ category: 'other', kind: 'manual', text: 'after', author: { id: 1, name: 'x' } })).rejects.toThrow(ChainHeadError);
  await expect(store.append({ category: 'other', kind: 'manual', text: 'after', author: { id: 1, name: 'x' } })).rejects.toThrow(
    /head is entry 600 .* table ends at entry 599/,
  );
  const n = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM duty_log`.execute(s.db);
  expect(Number(n.rows[0]!.n)).toBe(599);
  for (const q of enable) await sql.raw(q).execute(s.db);
}

/** node-c is SIGKILLed after 40 entries, in a tight loop (likely inside a transaction, holding the lock). */
async function killedNode(t: SqlTarget, s: SqlDb): Promise<void> {
  const { results } = await runNodes(t, { killAt: { 'node-c': 40 } });
  expect(results.map((r) => r.node)).toEqual(['node-a', 'node-b']);
  await checkOneChain(s, results, 2 * PER_NODE + 40);
  // the lock went with the killed node: the chain goes on
  const before = await new ChainStore(s).verify();
  const e = await new ChainStore(s).append({ category: 'other', kind: 'manual', text: 'after the crash', author: { id: 1, name: 'x' } });
  expect(e.seq).toBe(before.entries + 1);
  expect(e.prevHash).toBe(before.lastHash);
}

describe('duty-log chain on PostgreSQL, 3 writer processes', () => {
  let cluster: PgCluster;
  let s: SqlDb;
  beforeAll(async () => {
    cluster = await startPostgres();
    console.log(`pg-chain: test PostgreSQL cluster started in ${cluster.startupSeconds.toFixed(2)} s`);
    s = openSql({ engine: 'postgres', url: cluster.url });
    expect(await migrateSql(s)).toEqual(ALL_STEPS);
  });
  afterAll(async () => {
    await s?.close();
    await cluster?.dispose();
  });

  test('600 concurrent appends make one chain: contiguous, linked, verified, no fork', async () => {
    const { results, seconds } = await runNodes({ engine: 'postgres', url: cluster.url });
    const { switches } = await checkOneChain(s, results);
    expect(switches).toBeGreaterThan(100); // the writers really ran at the same time
    console.log(`pg-chain: PostgreSQL, 3 writers: ${(600 / seconds).toFixed(0)} entries/s (${seconds.toFixed(2)} s, ${switches} writer switches)`);
  }, PROCESS_TEST_MS);

  test('a second migration run is a no-op', async () => {
    expect(await migrateSql(s)).toEqual([]);
  });

  test('3 nodes starting at once on an empty database migrate it once, then write one chain', async () => {
    const url = await cluster.createDatabase('fresh');
    const { results } = await runNodes({ engine: 'postgres', url }, { migrate: true, count: 50 });
    const s2 = openSql({ engine: 'postgres', url });
    try {
      await checkOneChain(s2, results, 150);
      const m = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(s2.db);
      expect(m.rows.map((r) => r.name)).toEqual(ALL_STEPS);
    } finally {
      await s2.close();
    }
  }, PROCESS_TEST_MS);

  test('a node killed in the middle of its appends leaves no half entry; the others go on', async () => {
    const url = await cluster.createDatabase('killed');
    const s2 = openSql({ engine: 'postgres', url });
    try {
      await migrateSql(s2);
      await killedNode({ engine: 'postgres', url }, s2);
    } finally {
      await s2.close();
    }
  }, PROCESS_TEST_MS);

  test('text PostgreSQL cannot store (U+0000) is refused (on every engine, before any query), nothing is written, the chain goes on', async () => {
    const url = await cluster.createDatabase('nul');
    const s2 = openSql({ engine: 'postgres', url });
    try {
      await migrateSql(s2);
      const store = new ChainStore(s2);
      const entry = (text: string) => ({ category: 'other' as const, kind: 'manual', text, author: { id: 1, name: 'x' } });
      await store.append(entry('before'));
      await expect(store.append(entry('nul \u0000 inside'))).rejects.toThrow('duty log entry refused: text contains U+0000 (NUL)');
      expect(await store.verify()).toMatchObject({ ok: true, entries: 1, headMatches: true });
      expect((await store.append(entry('after'))).seq).toBe(2);
    } finally {
      await s2.close();
    }
  });

  test('edited or removed rows are named; a damaged tip is not extended', async () => {
    await hostile(
      s,
      ['ALTER TABLE duty_log DISABLE TRIGGER duty_log_append_only'],
      ['ALTER TABLE duty_log ENABLE TRIGGER duty_log_append_only'],
    );
    expect((await new ChainStore(s).verify()).triggers).toBe(true);
  });
});

describe('duty-log chain on SQLite (WAL file), 3 writer processes, same code path', () => {
  let dir: string;
  let s: SqlDb;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wp-sqlchain-'));
    file = join(dir, 'watchpost.db');
    s = openSql({ engine: 'sqlite', file });
    expect(await migrateSql(s)).toEqual(ALL_STEPS);
  });
  afterAll(async () => {
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('600 concurrent appends make one chain: contiguous, linked, verified, no fork', async () => {
    // a tight loop: SQLite's busy handler is not fair (a waiting writer sleeps and backs off, the one that just
    // committed takes the lock again), so the nodes mostly write in long runs; this measures throughput
    const { results, seconds } = await runNodes({ engine: 'sqlite', file });
    const { switches } = await checkOneChain(s, results);
    // the server's own verifier (synchronous, log.ts) reads the same chain
    expect(verifyDb(s.sqlite!)).toMatchObject({ ok: true, entries: 600, triggers: true });
    console.log(`pg-chain: SQLite WAL, 3 writers: ${(600 / seconds).toFixed(0)} entries/s (${seconds.toFixed(2)} s, ${switches} writer switches)`);
  }, PROCESS_TEST_MS);

  test('writers that pause between appends (like real ones) interleave on one chain without a fork', async () => {
    const file2 = join(dir, 'jitter.db');
    const s2 = openSql({ engine: 'sqlite', file: file2 });
    try {
      await migrateSql(s2);
      const { results } = await runNodes({ engine: 'sqlite', file: file2 }, { jitterMs: 4 });
      const { switches } = await checkOneChain(s2, results);
      expect(switches).toBeGreaterThan(100);
      console.log(`pg-chain: SQLite WAL, 3 writers pausing 0-4 ms: ${switches} writer switches`);
    } finally {
      await s2.close();
    }
  }, PROCESS_TEST_MS);

  test('a node killed in the middle of its appends leaves no half entry; the others go on', async () => {
    const file3 = join(dir, 'killed.db');
    const s3 = openSql({ engine: 'sqlite', file: file3 });
    try {
      await migrateSql(s3);
      await killedNode({ engine: 'sqlite', file: file3 }, s3);
      expect(verifyDb(s3.sqlite!).ok).toBe(true);
    } finally {
      await s3.close();
    }
  }, PROCESS_TEST_MS);

  test('edited or removed rows are named; a damaged tip is not extended', async () => {
    const triggers = (await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'duty_log'`.execute(s.db)).rows;
    expect(triggers.length).toBe(2);
    await hostile(
      s,
      ['DROP TRIGGER duty_log_no_update', 'DROP TRIGGER duty_log_no_delete'],
      triggers.map((t) => t.sql),
    );
    expect((await new ChainStore(s).verify()).triggers).toBe(true);
  });
});
