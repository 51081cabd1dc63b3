/**
 * The SQL-layer seal chains (server/seal/chain-store.ts) on the embedded SQLite, real files: the server's Sealer
 * (which seals through the store) and the store itself make the same seals for the same segments; seals an older
 * server wrote straight into the table are followed (0017 seeds the heads of existing chains), tombstones stay part
 * of the chain, a segment is sealed once, bad input refused with nothing written, an edited row and a deleted tail
 * named, the store refuses to extend a damaged tip while the Sealer goes on from the head and the damage stays
 * visible, a fork refused by the database.
 * PostgreSQL and concurrent processes: test/integration/pg-chains.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { EventBus } from '../../server/events/bus.ts';
import { ChainHeadError, ChainTextError } from '../../server/integrity/sql-chain.ts';
import { recordingsLog } from '../../server/integrity/chains.ts';
import { SealChainStore, SealError, sealChainLog } from '../../server/seal/chain-store.ts';
import { SEAL_GENESIS, sealHash } from '../../server/seal/chain.ts';
import { Sealer } from '../../server/seal/sealer.ts';
import { SegmentRepo } from '../../server/store/segments.ts';
import { seedSegment } from '../support/sql-over.ts';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const T = new Date('2026-12-04T08:00:00Z').getTime();
const CAMS = ['cam-🎥-e\u0301', 'מצלמה\u2028ב'];

interface Site {
  s: SqlDb;
  rec: string;
  segments: SegmentRepo;
  sealer: Sealer;
  store: SealChainStore;
  /** index a new segment file of the camera (random content), return its path */
  add(cam: string, i: number): string;
}

async function site(migrate = true): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), 'wp-sealchain-'));
  const s = openSql({ engine: 'sqlite', file: join(dir, 'watchpost.db') });
  const rec = join(dir, 'rec');
  const segments = new SegmentRepo(s);
  const sealer = new Sealer(s, segments, new EventBus(), rec);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => s.close(), () => sealer.stop());
  if (migrate) await migrateSql(s);
  const add = (cam: string, i: number) => {
    const path = `${cam}/2026-12-04/08-00-${String(i).padStart(2, '0')} 🚨 e\u0301.mp4`;
    mkdirSync(dirname(join(rec, path)), { recursive: true });
    const bytes = randomBytes(4096 + i);
    writeFileSync(join(rec, path), bytes);
    seedSegment(s.sqlite!, { cameraId: cam, path, startMs: T + i * 10_000, endMs: T + (i + 1) * 10_000, bytes: bytes.length, codec: 'h264' });
    return path;
  };
  return { s, rec, segments, sealer, store: new SealChainStore(s), add };
}

/** A seal as a server before the SQL layer wrote it: straight into the row, linked to the newest seal, no head moved. */
function olderServerSeal(x: Site, path: string): void {
  const db = x.s.sqlite!;
  const row = db.prepare('SELECT id, camera_id FROM segments WHERE path = ?').get(path) as { id: number; camera_id: string };
  const head = db
    .prepare(`SELECT seq, hash FROM (SELECT seal_seq AS seq, seal_hash AS hash FROM segments WHERE camera_id = @cam AND seal_seq IS NOT NULL
       UNION ALL SELECT seal_seq, seal_hash FROM segment_tombstones WHERE camera_id = @cam) ORDER BY seq DESC LIMIT 1`)
    .get({ cam: row.camera_id }) as { seq: number; hash: string } | undefined;
  const d = digest(x, path);
  const seq = (head?.seq ?? 0) + 1;
  const hash = sealHash(head?.hash ?? SEAL_GENESIS, { camera: row.camera_id, seq, path, bytes: d.bytes, sha256: d.sha256 });
  db.prepare('UPDATE segments SET sha256 = ?, bytes = ?, seal_seq = ?, seal_hash = ? WHERE id = ?').run(d.sha256, d.bytes, seq, hash, row.id);
}

const digest = (x: Site, path: string) => {
  const b = readFileSync(join(x.rec, path));
  return { path, bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') };
};
const sealRows = async (s: SqlDb) =>
  (await sql<{ seal_seq: number | null }>`SELECT camera_id, path, bytes, sha256, seal_seq, seal_hash FROM segments ORDER BY camera_id, seal_seq`.execute(s.db)).rows;

describe('SealChainStore on SQLite', () => {
  test('seals exactly as the server’s Sealer does: same seq, hash, digest per camera', async () => {
    const a = await site();
    const b = await site();
    for (let i = 0; i < 6; i++) {
      for (const cam of CAMS) {
        const path = a.add(cam, i);
        mkdirSync(dirname(join(b.rec, path)), { recursive: true });
        writeFileSync(join(b.rec, path), readFileSync(join(a.rec, path)));
        await b.segments.insert({ cameraId: cam, path, startMs: T + i * 10_000, endMs: T + (i + 1) * 10_000, bytes: 1, codec: 'h264' });
        await a.sealer.enqueue(cam, path);
        const seal = await b.store.seal(digest(b, path));
        expect(seal).toMatchObject({ camera: cam, seq: i + 1, path });
      }
    }
    const rows = await sealRows(b.s);
    expect(rows).toEqual(await sealRows(a.s));
    expect(rows.length).toBe(12);
    for (const cam of CAMS) expect(await b.store.verify(cam, 4)).toMatchObject({ camera: cam, ok: true, seals: 6, triggers: true, headMatches: true });
    expect(await b.store.cameras()).toEqual([...CAMS].sort());
    // the head row of a camera's chain has the name its checkpoints carry
    for (const cam of CAMS) expect(sealChainLog(cam)).toBe(recordingsLog(cam));
  });

  test('seals an older server wrote are followed: 0017 seeds the head; tombstones stay in the chain', async () => {
    const x = await site(false);
    const cam = CAMS[0]!;
    const p = Array.from({ length: 6 }, (_, i) => x.add(cam, i));
    olderServerSeal(x, p[0]!);
    olderServerSeal(x, p[1]!);
    expect(await migrateSql(x.s)).toContain('0017_seal_chains');
    const head = await x.s.db.selectFrom('chain_heads').selectAll().where('log', '=', `recordings/${cam}`).executeTakeFirstOrThrow();
    expect(head.seq).toBe(2);
    expect((await x.store.seal(digest(x, p[2]!)))?.seq).toBe(3);
    olderServerSeal(x, p[3]!); // an older server does not move the head: the store follows
    expect((await x.store.seal(digest(x, p[4]!)))?.seq).toBe(5);
    // retention-like deletion of the oldest row: its tombstone keeps seal 1 in the chain
    await sql`DELETE FROM segments WHERE path = ${p[0]!}`.execute(x.s.db);
    expect(await x.store.verify(cam, 2)).toMatchObject({ ok: true, seals: 5, headMatches: true, triggers: true });
    expect((await x.store.seal(digest(x, p[5]!)))?.seq).toBe(6);
  });

  test('a segment is sealed once; bad input is refused and nothing is written', async () => {
    const x = await site();
    const path = x.add(CAMS[1]!, 0);
    const d = digest(x, path);
    expect((await x.store.seal(d))?.seq).toBe(1);
    expect(await x.store.seal(d)).toBeUndefined();
    await expect(x.store.seal({ ...d, path: 'nowhere.mp4' })).rejects.toThrow(new SealError('no segment is indexed at nowhere.mp4: nothing sealed'));
    const other = x.add(CAMS[1]!, 1);
    await expect(x.store.seal({ ...digest(x, other), sha256: 'F'.repeat(64) })).rejects.toThrow(/sha256 must be 64 lower-case hex digits/);
    await expect(x.store.seal({ ...digest(x, other), bytes: -1 })).rejects.toThrow(/bytes must be a whole number/);
    await expect(x.store.seal({ ...digest(x, other), path: `${other}\u0000` })).rejects.toThrow(ChainTextError);
    await expect(x.store.seal({ ...digest(x, other), path: `${other}\u0000` })).rejects.toThrow(/seal refused: path contains U\+0000/);
    expect((await sealRows(x.s)).filter((r) => r.seal_seq !== null).length).toBe(1);
    expect((await x.store.seal(digest(x, other)))?.seq).toBe(2);
  });

  test('an edited row is named, and so is a deleted tail (the head says 4, the chain ends at 3)', async () => {
    const x = await site();
    const cam = CAMS[0]!;
    for (let i = 0; i < 4; i++) await x.store.seal(digest(x, x.add(cam, i)));
    await sql`UPDATE segments SET sha256 = ${'e'.repeat(64)} WHERE camera_id = ${cam} AND seal_seq = 2`.execute(x.s.db);
    expect(await x.store.verify(cam, 1)).toMatchObject({ ok: false, broken: { seq: 2, reason: 'the seal does not match its row (index row edited)' } });
    const x2 = await site();
    for (let i = 0; i < 4; i++) await x2.store.seal(digest(x2, x2.add(cam, i)));
    await sql`DROP TRIGGER segments_tombstone`.execute(x2.s.db); // a deletion that leaves no tombstone
    await sql`DELETE FROM segments WHERE seal_seq = 4`.execute(x2.s.db);
    const v = await x2.store.verify(cam, 3);
    expect(v).toMatchObject({ ok: false, seals: 3, triggers: false, headMatches: false, broken: { seq: 4 } });
    expect(v.broken?.reason).toMatch(/entries 4–4 are missing: the chain head names entry 4 but the table ends at entry 3/);
    await expect(x2.store.seal(digest(x2, x2.add(cam, 9)))).rejects.toThrow(ChainHeadError);
    await expect(x2.store.seal(digest(x2, x2.add(cam, 10)))).rejects.toThrow(`recordings/${cam} seal chain head is entry 4 (`);
    await expect(x2.store.seal(digest(x2, x2.add(cam, 11)))).rejects.toThrow(/table ends at entry 3 .*npm run verify-recordings/);
  });

  test('the Sealer goes on over a damaged tip from the chain head; the damage stays for verification to name', async () => {
    const x = await site();
    const cam = CAMS[0]!;
    const p = Array.from({ length: 6 }, (_, i) => x.add(cam, i));
    for (let i = 0; i < 4; i++) await x.sealer.enqueue(cam, p[i]!);
    expect(x.sealer.stats).toMatchObject({ sealed: 4, overDamage: 0 });
    await sql`DROP TRIGGER segments_tombstone`.execute(x.s.db); // seals 3 and 4 deleted without a trace
    await sql`DELETE FROM segments WHERE seal_seq >= 3`.execute(x.s.db);
    await expect(x.store.seal(digest(x, p[4]!))).rejects.toThrow(ChainHeadError); // the store alone refuses
    await x.sealer.enqueue(cam, p[4]!);
    await x.sealer.enqueue(cam, p[5]!);
    expect(x.sealer.stats).toMatchObject({ sealed: 6, overDamage: 1, failed: 0 });
    const rows = (await sealRows(x.s)).filter((r) => r.seal_seq !== null).map((r) => r.seal_seq);
    expect(rows).toEqual([1, 2, 5, 6]); // the new seals follow the head (4), not the damaged table (2)
    const v = await x.store.verify(cam, 2);
    // named where the deleted seals were: the chain goes from 2 to 5
    expect(v).toMatchObject({ ok: false, broken: { seq: 3 } });
    expect(v.broken!.reason).toBe('seals 3–4 are gone (rows and their tombstones deleted)');
  });

  test('two seals with one seq on a camera (a fork) are refused by the database itself', async () => {
    const x = await site();
    const cam = CAMS[0]!;
    await x.store.seal(digest(x, x.add(cam, 0)));
    const other = x.add(cam, 1);
    await expect(sql`UPDATE segments SET seal_seq = 1, seal_hash = ${'a'.repeat(64)} WHERE path = ${other}`.execute(x.s.db)).rejects.toThrow(
      /UNIQUE constraint failed: segments.camera_id, segments.seal_seq/,
    );
  });
});
