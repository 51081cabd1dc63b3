/**
 * Recordings sealed when written (issue F point 3) on real files and a real SQLite file: the sealer hashes
 * each indexed segment in its worker and chains it per camera; verify-recordings then names a swapped file,
 * a deleted file, an unindexed file, a row deleted behind retention's back and an edited row, and reports a
 * retention deletion as such.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../server/events/bus.ts';
import { SigningKey } from '../../server/evidence/keys.ts';
import { createIntegrity } from '../../server/integrity/index.ts';
import { Sealer } from '../../server/seal/sealer.ts';
import { verifyRecordings } from '../../server/seal/verify.ts';
import { openDb } from '../../server/store/db.ts';
import { SegmentRepo } from '../../server/store/segments.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { migratedSqlOver, sqlOver } from '../support/sql-over.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T = new Date('2026-12-02T08:00:00').getTime();

async function store(cameras = ['gate', 'lobby'], n = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'wp-seal-'));
  dirs.push(dir);
  const rec = join(dir, 'rec');
  const db = openDb(join(dir, 'watchpost.db'));
  const bus = new EventBus();
  const sql = sqlOver(db);
  await migrateSql(sql);
  const segments = new SegmentRepo(sql);
  const sealer = new Sealer(sql, segments, bus, rec);
  sealer.start();
  const key = SigningKey.generate();
  const integrity = await createIntegrity({ sql: await migratedSqlOver(db), key, checkpointsDir: join(dir, 'checkpoints'), intervalMs: 60_000 });
  const paths: Record<string, string[]> = {};
  for (const cam of cameras) {
    mkdirSync(join(rec, cam, '2026-12-02'), { recursive: true });
    paths[cam] = [];
    for (let i = 0; i < n; i++) {
      const rel = `${cam}/2026-12-02/08-00-${String(i * 10).padStart(2, '0')}.mp4`;
      writeFileSync(join(rec, rel), randomBytes(64 * 1024 + i));
      await segments.insert({ cameraId: cam, path: rel, startMs: T + i * 10_000, endMs: T + (i + 1) * 10_000, bytes: 64 * 1024 + i, codec: 'h264' });
      bus.emit('segment.indexed', { cameraId: cam, path: rel, startMs: T + i * 10_000, endMs: T + (i + 1) * 10_000 });
      paths[cam].push(rel);
    }
    await sealer.idle(cam);
  }
  await integrity.sealNow();
  const verify = (camera?: string) => verifyRecordings({ sql, recordingsDir: rec, store: integrity.store, key, camera, now: T + 3600_000 });
  return { dir, rec, db, segments, sealer, integrity, paths, verify };
}

describe('recording seals', () => {
  it('seals every indexed segment in order, per camera, and the checkpoint covers the chain head', async () => {
    const s = await store();
    const rows = s.db.prepare('SELECT camera_id, seal_seq, sha256 FROM segments ORDER BY camera_id, start_ms').all() as { camera_id: string; seal_seq: number; sha256: string }[];
    expect(rows.filter((r) => r.camera_id === 'gate').map((r) => r.seal_seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.sha256))).toBe(true);
    expect(await s.integrity.recordings('gate')).toMatchObject({ problem: null, unsealed: 0, newest: { seq: 5 } });
    const r = await s.verify();
    expect(r.ok).toBe(true);
    expect(r.cameras.map((c) => [c.camera, c.sealed, c.issues.length])).toEqual([['gate', 5, 0], ['lobby', 5, 0]]);
    expect(r.bytesHashed).toBeGreaterThan(10 * 64 * 1024);
    await s.sealer.stop();
  });

  it('names a swapped file, a deleted file and an unindexed one; the export check refuses the first two', async () => {
    const s = await store();
    copyFileSync(join(s.rec, s.paths.lobby![2]!), join(s.rec, s.paths.gate![2]!)); // another camera's segment copied over it
    unlinkSync(join(s.rec, s.paths.gate![3]!));
    writeFileSync(join(s.rec, 'gate/2026-12-02/09-00-00.mp4'), randomBytes(1000));
    const gate = (await s.verify('gate')).cameras[0]!;
    expect(gate.issues.map((i) => [i.kind, i.path])).toEqual([
      ['altered', s.paths.gate![2]],
      ['missing', s.paths.gate![3]],
      ['unindexed', 'gate/2026-12-02/09-00-00.mp4'],
    ]);
    const problems = await s.sealer.verify(await s.segments.range('gate', T, T + 3600_000));
    expect(problems.map((p) => [p.problem, p.path])).toEqual([
      ['altered', s.paths.gate![2]],
      ['missing', s.paths.gate![3]],
    ]);
    expect((await s.verify('lobby')).ok).toBe(true);
    await s.sealer.stop();
  });

  it('a segment removed by retention is reported as such; a row deleted behind its back or edited is not hidden', async () => {
    const s = await store(['gate'], 6);
    const del = (path: string, reason: string) => {
      s.db.prepare(`INSERT INTO segment_tombstones (segment_id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, deleted_ms, reason)
        SELECT id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, ?, ? FROM segments WHERE path = ?`).run(T + 7200_000, reason, path);
      s.db.prepare('DELETE FROM segments WHERE path = ?').run(path);
      unlinkSync(join(s.rec, path));
    };
    del(s.paths.gate![0]!, 'retention:age');
    let gate = (await s.verify()).cameras[0]!;
    expect(gate.issues).toEqual([]);
    expect(gate.deletedByRetention).toMatchObject({ count: 1, last: { path: s.paths.gate![0], reason: 'retention:age' } });
    // someone deletes a row and its file with sqlite3 and rm: the trigger leaves a tombstone
    s.db.prepare('DELETE FROM segments WHERE path = ?').run(s.paths.gate![1]);
    unlinkSync(join(s.rec, s.paths.gate![1]!));
    // and edits the sealed hash of another row to match a replaced file
    writeFileSync(join(s.rec, s.paths.gate![4]!), randomBytes(500));
    s.db.prepare("UPDATE segments SET sha256 = 'ab' || substr(sha256, 3) WHERE path = ?").run(s.paths.gate![4]);
    gate = (await s.verify()).cameras[0]!;
    expect(gate.issues.map((i) => [i.kind, i.path])).toEqual([
      ['deleted_unexplained', s.paths.gate![1]],
      ['broken_link', s.paths.gate![4]],
      ['altered', s.paths.gate![4]],
    ]);
    // new segments keep extending the chain after deletions
    const rel = 'gate/2026-12-02/08-01-00.mp4';
    writeFileSync(join(s.rec, rel), randomBytes(2000));
    await s.segments.insert({ cameraId: 'gate', path: rel, startMs: T + 60_000, endMs: T + 70_000, bytes: 2000, codec: 'h264' });
    await s.sealer.enqueue('gate', rel);
    expect((s.db.prepare('SELECT seal_seq FROM segments WHERE path = ?').get(rel) as { seal_seq: number }).seal_seq).toBe(7);
    await s.sealer.stop();
  });
});
