/**
 * Seals recordings when they are written: every `segment.indexed` segment is hashed once in the hash worker
 * and linked into its camera's seal chain (seal/chain.ts); the same checkpoints that sign the duty log sign
 * each camera's chain head (integrity/chains.ts `recordings/<camera>`). Per camera, seals are made strictly
 * in order, one at a time. A seal that cannot be written (full disk, file gone) is retried by the next
 * `sealPending()` pass (every minute); it never throws into the recorder.
 *
 * `verify()` re-hashes segments against their seals before an export: a segment whose bytes changed is
 * "altered", one whose file is gone is "missing".
 */
import { join } from 'node:path';
import type { EventBus } from '../events/bus.ts';
import type { Db } from '../store/db.ts';
import type { Segment } from '../store/segments.ts';
import { createLogger } from '../util/log.ts';
import { SEAL_GENESIS, sealHash } from './chain.ts';
import { HashWorker } from './hash-worker.ts';

const log = createLogger('seal');

export interface SealProblemSegment {
  path: string;
  cameraId: string;
  startMs: number;
  problem: 'altered' | 'missing' | 'unsealed';
  sealedSha256: string | null;
  actualSha256: string | null;
}

interface SegRow {
  id: number;
  camera_id: string;
  path: string;
  seal_seq: number | null;
}

export class Sealer {
  private readonly hasher = new HashWorker();
  private readonly queues = new Map<string, Promise<void>>();
  private off: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** bytes hashed and segments sealed since start (bench, status) */
  readonly stats = { sealed: 0, bytes: 0, failed: 0 };

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly recordingsDir: string,
  ) {}

  start(retryMs = 60_000): void {
    if (this.off) return;
    this.off = this.bus.on('segment.indexed', (e) => void this.enqueue(e.cameraId, e.path));
    void this.sealPending();
    this.timer = setInterval(() => void this.sealPending(), retryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = undefined;
    clearInterval(this.timer);
    await Promise.allSettled([...this.queues.values()]);
    await this.hasher.close();
  }

  /** Seal one indexed segment after the camera's earlier ones. */
  enqueue(cameraId: string, path: string): Promise<void> {
    const prev = this.queues.get(cameraId) ?? Promise.resolve();
    const next = prev.then(() => this.sealOne(path)).catch((err: unknown) => {
      this.stats.failed++;
      log.warn('could not seal a segment; will retry', { camera: cameraId, path, err });
    });
    this.queues.set(cameraId, next);
    void next.finally(() => {
      if (this.queues.get(cameraId) === next) this.queues.delete(cameraId);
    });
    return next;
  }

  /** Seal every indexed segment that has no seal yet (start-up, retries), oldest first. */
  async sealPending(cameraId?: string): Promise<number> {
    let rows: SegRow[];
    try {
      rows = (
        cameraId
          ? this.db.prepare('SELECT id, camera_id, path, seal_seq FROM segments WHERE seal_seq IS NULL AND camera_id = ? ORDER BY start_ms').all(cameraId)
          : this.db.prepare('SELECT id, camera_id, path, seal_seq FROM segments WHERE seal_seq IS NULL ORDER BY start_ms').all()
      ) as SegRow[];
    } catch (err) {
      log.warn('cannot list unsealed segments', { err });
      return 0;
    }
    await Promise.all(rows.map((r) => this.enqueue(r.camera_id, r.path)));
    return rows.length;
  }

  private async sealOne(path: string): Promise<void> {
    const row = this.db.prepare('SELECT id, camera_id, path, seal_seq FROM segments WHERE path = ?').get(path) as SegRow | undefined;
    if (!row || row.seal_seq !== null) return;
    const digest = await this.hasher.hash(join(this.recordingsDir, path));
    const cam = row.camera_id;
    this.db
      .transaction(() => {
        const head = this.db
          .prepare(
            `SELECT seq, hash FROM (SELECT seal_seq AS seq, seal_hash AS hash FROM segments WHERE camera_id = @cam AND seal_seq IS NOT NULL
               UNION ALL SELECT seal_seq, seal_hash FROM segment_tombstones WHERE camera_id = @cam) ORDER BY seq DESC LIMIT 1`,
          )
          .get({ cam }) as { seq: number; hash: string } | undefined;
        const seq = (head?.seq ?? 0) + 1;
        const hash = sealHash(head?.hash ?? SEAL_GENESIS, { camera: cam, seq, path, bytes: digest.bytes, sha256: digest.sha256 });
        this.db
          .prepare('UPDATE segments SET sha256 = ?, bytes = ?, seal_seq = ?, seal_hash = ? WHERE id = ? AND seal_seq IS NULL')
          .run(digest.sha256, digest.bytes, seq, hash, row.id);
      })
      .immediate();
    this.stats.sealed++;
    this.stats.bytes += digest.bytes;
  }

  /** Wait until the segments queued so far for a camera are sealed. */
  async idle(cameraId: string): Promise<void> {
    await this.queues.get(cameraId);
  }

  /**
   * Re-hash segments against their seals (before an export). Unsealed ones are sealed first; what still has
   * no seal afterwards (its file vanished) is reported too.
   */
  async verify(segments: Segment[], signal?: AbortSignal): Promise<SealProblemSegment[]> {
    const cams = new Set(segments.map((s) => s.cameraId));
    for (const c of cams) {
      if (segments.some((s) => s.cameraId === c && s.sealSeq === null)) await this.sealPending(c);
      await this.idle(c);
    }
    const byPath = this.db.prepare('SELECT sha256, seal_seq FROM segments WHERE path = ?');
    const problems: SealProblemSegment[] = [];
    const toHash: { s: Segment; sealed: string }[] = [];
    for (const s of segments) {
      const r = byPath.get(s.path) as { sha256: string | null; seal_seq: number | null } | undefined;
      const base = { path: s.path, cameraId: s.cameraId, startMs: s.startMs, actualSha256: null };
      if (!r || r.seal_seq === null || !r.sha256) problems.push({ ...base, problem: 'unsealed', sealedSha256: null });
      else toHash.push({ s, sealed: r.sha256 });
    }
    for (const { s, sealed } of toHash) {
      if (signal?.aborted) throw Object.assign(new Error('aborted'), { code: 'ABORT_ERR' });
      let actual: string | null = null;
      try {
        actual = (await this.hasher.hash(join(this.recordingsDir, s.path))).sha256;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      if (actual === null) problems.push({ path: s.path, cameraId: s.cameraId, startMs: s.startMs, problem: 'missing', sealedSha256: sealed, actualSha256: null });
      else if (actual !== sealed) problems.push({ path: s.path, cameraId: s.cameraId, startMs: s.startMs, problem: 'altered', sealedSha256: sealed, actualSha256: actual });
    }
    return problems;
  }
}
