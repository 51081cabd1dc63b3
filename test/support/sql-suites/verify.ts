/**
 * verify-recordings (server/seal/verify.ts), the seal chains' checkpoint views (integrity/chains.ts: recordingsView,
 * chainSources) and the site key's "something was sealed" count (integrity/index.ts) through the SQL layer, on one
 * engine: the same assertions on SQLite and PostgreSQL. Hostile: rows edited, deleted with and without their
 * tombstone, and a chain rewritten and re-hashed — each with the database's own guards switched off first (what
 * someone with the database's owner role or the file does), behind the layer's back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, test } from 'vitest';
import { SigningKey } from '../../../server/evidence/keys.ts';
import { chainSources, recordingsView } from '../../../server/integrity/chains.ts';
import { CheckpointStore, Checkpointer } from '../../../server/integrity/checkpoints.ts';
import { createIntegrity, loadSiteKey, sealedCount } from '../../../server/integrity/index.ts';
import { sealHash } from '../../../server/seal/chain.ts';
import { SealChainStore } from '../../../server/seal/chain-store.ts';
import { verifyRecordings } from '../../../server/seal/verify.ts';
import { SegmentRepo } from '../../../server/store/segments.ts';
import type { SqlDb } from '../../../server/store/sql/db.ts';
import type { TestEngine } from '../sql-engines.ts';

const T = new Date('2026-12-04T08:00:00').getTime();
const DAY = '2026-12-04';
/** emoji + ZWJ, RTL with an override, a combining mark */
const ODD_CAM = 'cam-🎥‍🔥-מצלמה\u202E-e\u0301';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** n sealed segments per camera, real files, sealed through the SQL layer's SealChainStore. */
async function rig(s: SqlDb, cameras: string[], n: number) {
  const root = mkdtempSync(join(tmpdir(), 'wp-verify-suite-'));
  roots.push(root);
  const rec = join(root, 'rec');
  const segments = new SegmentRepo(s);
  const seals = new SealChainStore(s);
  const paths: Record<string, string[]> = {};
  for (const cam of cameras) {
    mkdirSync(join(rec, cam, DAY), { recursive: true });
    paths[cam] = [];
    for (let i = 0; i < n; i++) {
      const rel = `${cam}/${DAY}/08-00-${String(i * 10).padStart(2, '0')} 🚨 東門'"; DROP TABLE segments; --.mp4`;
      const data = randomBytes(1000 + i);
      writeFileSync(join(rec, rel), data);
      await segments.insert({ cameraId: cam, path: rel, startMs: T + i * 10_000, endMs: T + (i + 1) * 10_000, bytes: data.length, codec: 'h264' });
      await seals.seal({ path: rel, bytes: data.length, sha256: sha(data) });
      paths[cam].push(rel);
    }
  }
  const key = SigningKey.generate();
  const store = new CheckpointStore(s, join(root, 'checkpoints'));
  const cp = new Checkpointer({ store, key, sources: () => chainSources(s) });
  const verify = (o: { camera?: string; pageSize?: number } = {}) => verifyRecordings({ sql: s, recordingsDir: rec, store, key, now: T + 3600_000, ...o });
  return { root, rec, segments, seals, paths, key, store, cp, verify };
}

/** Switch a guard off as the database's owner can (PostgreSQL: disabled; SQLite: dropped — it has no seal guard). */
async function unguard(s: SqlDb, table: string, trigger: string): Promise<void> {
  if (s.engine === 'postgres') await sql.raw(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`).execute(s.db);
  else await sql.raw(`DROP TRIGGER IF EXISTS ${trigger}`).execute(s.db);
}

const kinds = (c: { issues: { kind: string; path: string; seq?: number }[] }) => c.issues.map((i) => [i.kind, i.path, i.seq]);

export function verifySuite(e: TestEngine): void {
  test('verify-recordings: a clean store verifies, page by page as in one; the Checkpointer seals each camera chain; retention, unsealed and unindexed named', async () => {
    const s = await e.open();
    const r = await rig(s, ['gate', ODD_CAM], 7);
    expect((await r.cp.sealNow()).map((c) => `${c.log}:${c.seq}`).sort()).toEqual([`recordings/${ODD_CAM}:7`, 'recordings/gate:7']);
    expect(await r.cp.sealNow()).toEqual([]);
    const view = recordingsView(s, 'gate');
    expect(await view.head()).toMatchObject({ seq: 7 });
    expect((await view.hashesIn(2, 4)).every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    const all = await r.verify();
    expect(all.ok).toBe(true);
    expect(all.cameras.map((c) => [c.camera, c.segments, c.sealed, c.issues.length, c.seal?.problem, c.seal?.newest?.seq])).toEqual([
      [ODD_CAM, 7, 7, 0, null, 7],
      ['gate', 7, 7, 0, null, 7],
    ]);
    expect(all.bytesHashed).toBe(2 * (7 * 1000 + 21));
    const paged = await r.verify({ pageSize: 3 });
    expect(paged.cameras).toEqual(all.cameras);
    // retention deletes: its tombstone first, then the row (as server/retention/deleter.ts does)
    const gone = r.paths.gate![0]!;
    await sql`INSERT INTO segment_tombstones (segment_id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, deleted_ms, reason)
      SELECT id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, CAST(${T + 7200_000} AS BIGINT), 'retention:age' FROM segments WHERE path = ${gone}`.execute(s.db);
    await sql`DELETE FROM segments WHERE path = ${gone}`.execute(s.db);
    unlinkSync(join(r.rec, gone));
    // a segment indexed long ago and never sealed; a file the index does not know
    await r.segments.insert({ cameraId: 'gate', path: `gate/${DAY}/09-00-00.mp4`, startMs: T + 600_000, endMs: T + 610_000, bytes: 1, codec: 'h264' });
    writeFileSync(join(r.rec, 'gate', DAY, '09-30-00 ✂.mp4'), randomBytes(10));
    for (const pageSize of [2000, 3]) {
      const gate = (await r.verify({ camera: 'gate', pageSize })).cameras[0]!;
      expect(kinds(gate)).toEqual([
        ['unsealed', `gate/${DAY}/09-00-00.mp4`, undefined],
        ['unindexed', `gate/${DAY}/09-30-00 ✂.mp4`, undefined],
      ]);
      expect(gate).toMatchObject({ segments: 7, sealed: 6, deletedByRetention: { count: 1, last: { path: gone, at: T + 7200_000, reason: 'retention:age' } }, seal: { problem: null } });
    }
  });

  test("hostile: a sealed row edited to match a swapped file, a row deleted (its tombstone kept), a row and its tombstone deleted — behind the layer's back, named", async () => {
    const s = await e.open();
    const r = await rig(s, ['gate'], 7);
    await r.cp.sealNow();
    const p = r.paths.gate!;
    if (s.engine === 'postgres') {
      // PostgreSQL's own guard refuses the edit (segments_seal_fixed) …
      await expect(sql`UPDATE segments SET sha256 = ${'0'.repeat(64)} WHERE path = ${p[5]}`.execute(s.db)).rejects.toThrow();
    }
    // … so the attacker switches it off, swaps the file and makes the row match it
    await unguard(s, 'segments', 'segments_seal_fixed');
    const swapped = randomBytes(3000);
    writeFileSync(join(r.rec, p[5]!), swapped);
    await sql`UPDATE segments SET sha256 = ${sha(swapped)}, bytes = ${swapped.length} WHERE path = ${p[5]}`.execute(s.db);
    // deletes a row and its file (the tombstone trigger still fires: "unexplained") …
    await sql`DELETE FROM segments WHERE path = ${p[1]}`.execute(s.db);
    unlinkSync(join(r.rec, p[1]!));
    // … and another row with the tombstone trigger off: no trace but the gap
    await unguard(s, 'segments', 'segments_tombstone');
    await sql`DELETE FROM segments WHERE path = ${p[3]}`.execute(s.db);
    unlinkSync(join(r.rec, p[3]!));
    for (const pageSize of [2000, 2]) {
      const v = await r.verify({ pageSize });
      expect(v.ok).toBe(false);
      const gate = v.cameras[0]!;
      expect(kinds(gate)).toEqual([
        ['deleted_unexplained', p[1], 2],
        ['broken_link', p[4], 4],
        ['broken_link', p[5], 6],
      ]);
      expect(gate.issues[1]!.detail).toBe('seals 4–4 are gone (rows and their tombstones deleted)');
      expect(gate.issues[2]!.detail).toBe('the seal does not match its row (index row edited)');
      expect(gate.issues[0]!.detail).toMatch(/^index row deleted at .* outside retention \(unexplained\)$/);
    }
    // the seal chain store's streaming verifier agrees on the first break
    expect(await r.seals.verify('gate')).toMatchObject({ ok: false, broken: { seq: 4 } });
  });

  test('hostile: a camera chain rewritten and re-hashed so every link holds is caught by its checkpoint; the Checkpointer does not sign over it', async () => {
    const s = await e.open();
    const r = await rig(s, ['yard'], 6);
    await r.cp.sealNow();
    await unguard(s, 'segments', 'segments_seal_fixed');
    const p = r.paths.yard!;
    const swapped = randomBytes(2222);
    writeFileSync(join(r.rec, p[2]!), swapped);
    // re-seal seq 3 over the swapped file and re-hash everything after it with the site's own hash function
    const rows = await s.db.selectFrom('segments').select(['id', 'path', 'bytes', 'sha256', 'seal_seq', 'seal_hash']).where('camera_id', '=', 'yard').orderBy('seal_seq').execute();
    let prev = rows[1]!.seal_hash!;
    for (const row of rows.slice(2)) {
      const f = row.path === p[2] ? { bytes: swapped.length, sha256: sha(swapped) } : { bytes: Number(row.bytes), sha256: row.sha256! };
      const hash = sealHash(prev, { camera: 'yard', seq: Number(row.seal_seq), path: row.path, ...f });
      await s.db.updateTable('segments').set({ ...f, seal_hash: hash }).where('id', '=', row.id).execute();
      prev = hash;
    }
    const yard = (await r.verify()).cameras[0]!;
    expect(yard.issues).toEqual([]); // the links alone hold …
    expect(yard.seal?.problem).toMatchObject({ kind: 'rewritten', seq: 3 }); // … the signed checkpoint does not
    expect(await r.seals.verify('yard')).toMatchObject({ ok: false, broken: { seq: 6, reason: 'the entry is not the one the chain head recorded (entry replaced)' } });
    expect(await r.cp.sealNow()).toEqual([]);
  });

  test('the site key: what was sealed on this engine is counted; a missing key is refused then, a first key made before', async () => {
    const s = await e.open();
    const dir = mkdtempSync(join(tmpdir(), 'wp-verify-key-'));
    roots.push(dir);
    expect(await sealedCount(s)).toBe(0);
    const key = await loadSiteKey(s, join(dir, 'keys'), dir); // nothing sealed: a first key is made
    const r = await rig(s, ['gate'], 2);
    expect(await sealedCount(s)).toBe(2);
    const integrity = await createIntegrity({ sql: s, key, checkpointsDir: join(dir, 'checkpoints'), intervalMs: 60_000 });
    expect((await integrity.sealNow()).map((c) => c.log)).toEqual(['recordings/gate']);
    expect(await integrity.recordings('gate')).toMatchObject({ problem: null, unsealed: 0, newest: { seq: 2 } });
    expect(await sealedCount(s)).toBe(3);
    rmSync(join(dir, 'keys'), { recursive: true });
    await expect(loadSiteKey(s, join(dir, 'keys'), dir)).rejects.toThrow(/but 3 checkpoints and sealed segments were signed with it: restore the key file/);
    expect(r.paths.gate).toHaveLength(2);
  });
}
