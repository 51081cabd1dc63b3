/**
 * Seals recordings when they are written: every `segment.indexed` segment is hashed once in the hash worker
 * and linked into its camera's seal chain (seal/chain.ts) through the SQL layer's SealChainStore (chain-store.ts:
 * one transaction per seal, the camera's head row locked — any number of writers, SQLite or PostgreSQL, one
 * chain). A chain whose newest seals were deleted or altered is extended from its head, with an error logged:
 * new footage is never left unsealed, and the damage stays for verification to name. The same checkpoints that sign the duty log sign
 * each camera's chain head (integrity/chains.ts `recordings/<camera>`). Per camera, seals are made strictly
 * in order, one at a time. A seal that cannot be written (full disk, file gone) is retried by the next
 * `sealPending()` pass (every minute); it never throws into the recorder.
 *
 * `verify()` re-hashes segments against their seals before an export: a segment whose bytes changed is
 * "altered", one whose file is gone is "missing".
 */
import { join } from 'node:path';
import type { EventBus } from '../events/bus.ts';
import type { Segment, SegmentRepo } from '../store/segments.ts';
import type { SqlDb } from '../store/sql/db.ts';
import { createLogger } from '../util/log.ts';
import { SealChainStore } from './chain-store.ts';
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

export class Sealer {
  private readonly hasher = new HashWorker();
  private readonly queues = new Map<string, Promise<void>>();
  private off: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** bytes hashed and segments sealed since start; seals made over a damaged chain tip (bench, status) */
  readonly stats = { sealed: 0, bytes: 0, failed: 0, overDamage: 0 };
  private readonly store: SealChainStore;

  constructor(
    private readonly s: SqlDb,
    private readonly segments: SegmentRepo,
    private readonly bus: EventBus,
    private readonly recordingsDir: string,
  ) {
    this.store = new SealChainStore(s, undefined, {
      onDamagedTip: (err, camera) => {
        this.stats.overDamage++;
        log.error('seal chain damaged (newest seals deleted or altered): sealing goes on from the chain head, the damage stays for verify-recordings to name', { camera, err: err.message });
      },
    });
  }

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
    let rows: { camera_id: string; path: string }[];
    try {
      rows = await this.s.db
        .selectFrom('segments')
        .select(['camera_id', 'path'])
        .where('seal_seq', 'is', null)
        .$if(cameraId !== undefined, (q) => q.where('camera_id', '=', cameraId!))
        .orderBy('start_ms')
        .execute();
    } catch (err) {
      log.warn('cannot list unsealed segments', { err });
      return 0;
    }
    await Promise.all(rows.map((r) => this.enqueue(r.camera_id, r.path)));
    return rows.length;
  }

  private async sealOne(path: string): Promise<void> {
    const row = await this.segments.byPath(path);
    if (!row || row.sealSeq != null) return;
    const digest = await this.hasher.hash(join(this.recordingsDir, path));
    const sealed = await this.store.seal({ path, bytes: digest.bytes, sha256: digest.sha256 });
    if (!sealed) return; // sealed meanwhile (another writer)
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
    const problems: SealProblemSegment[] = [];
    const toHash: { s: Segment; sealed: string }[] = [];
    for (const s of segments) {
      const r = await this.segments.byPath(s.path);
      const base = { path: s.path, cameraId: s.cameraId, startMs: s.startMs, actualSha256: null };
      if (!r || r.sealSeq == null || !r.sha256) problems.push({ ...base, problem: 'unsealed', sealedSha256: null });
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
