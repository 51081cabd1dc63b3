/**
 * PTZ presets as patrol stops (issue L point 1). When a round reaches a stop with a preset, the camera is moved
 * there (ONVIF GotoPreset) and the stop's view — the dwell and the recorded range — starts only once it has
 * arrived: PTZ GetStatus MoveStatus IDLE, or a settle time when the camera does not report its move status.
 *
 * One round at a time drives a dome: a per-camera lock with a FIFO queue, held from the move until the stop is
 * done (confirmed, skipped, the round closed) so a second round waits ("waiting for the camera") instead of
 * turning the camera away under the first one's eyes. A failed move releases the lock at once.
 *
 * Every move made by a round is an audit entry `ptz.goto` with detail {round, stop, preset}.
 */
import { createLogger } from '../util/log.ts';
import type { Clock } from './clock.ts';
import type { RoundRepo } from './rounds-repo.ts';
import type { Round } from './types.ts';

const log = createLogger('patrol.ptz');

/** What patrol needs of the ONVIF layer to drive a dome. */
export interface PtzMover {
  gotoPreset(cameraId: string, preset: string): Promise<void>;
  /** true = at rest, false = still moving, null = the camera does not report its move status (use the settle time). */
  idle(cameraId: string): Promise<boolean | null>;
}

export interface PtzAuditEntry {
  action: 'ptz.goto';
  actor: { id: number; username: string };
  cameraId: string;
  target: string;
  detail: { round: number; stop: number; preset: string };
}

export interface PtzSettings {
  /** wait this long after GotoPreset when the camera does not report MoveStatus */
  settleMs: number;
  /** give up (stop not verifiable) when the camera has not arrived after this long */
  moveTimeoutMs: number;
  /** GetStatus polling interval */
  pollMs: number;
}

export const DEFAULT_PTZ_SETTINGS: PtzSettings = { settleMs: 3000, moveTimeoutMs: 20_000, pollMs: 250 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Per-camera exclusive lock with a FIFO queue of waiters; keys are `round:stop`. */
export class PtzLocks {
  private readonly locks = new Map<string, { holder: string; queue: { key: string; grant: (granted: boolean) => void }[] }>();

  /** Take the camera now if it is free (or already ours). */
  tryAcquire(cameraId: string, key: string): boolean {
    const l = this.locks.get(cameraId);
    if (!l) {
      this.locks.set(cameraId, { holder: key, queue: [] });
      return true;
    }
    return l.holder === key;
  }

  /** Resolves true when `key` holds the camera (queued behind the others), false when it gave up its place. */
  wait(cameraId: string, key: string): Promise<boolean> {
    if (this.tryAcquire(cameraId, key)) return Promise.resolve(true);
    const l = this.locks.get(cameraId)!;
    return new Promise((grant) => l.queue.push({ key, grant }));
  }

  /** Keys waiting for the camera, in order. */
  queued(cameraId: string): string[] {
    return this.locks.get(cameraId)?.queue.map((w) => w.key) ?? [];
  }

  holder(cameraId: string): string | undefined {
    return this.locks.get(cameraId)?.holder;
  }

  /** Give up the camera (or the place in its queue); the next waiter gets it. */
  release(cameraId: string, key: string): void {
    const l = this.locks.get(cameraId);
    if (!l) return;
    if (l.holder !== key) {
      for (const w of l.queue) if (w.key === key) w.grant(false);
      l.queue = l.queue.filter((w) => w.key !== key);
      return;
    }
    const next = l.queue.shift();
    if (!next) {
      this.locks.delete(cameraId);
      return;
    }
    l.holder = next.key;
    next.grant(true);
  }

  /** Everything a round holds or waits for. */
  releaseRound(roundId: number): void {
    for (const [cameraId, l] of [...this.locks]) {
      for (const w of [...l.queue]) if (w.key.startsWith(`${roundId}:`)) this.release(cameraId, w.key);
      if (l.holder.startsWith(`${roundId}:`)) this.release(cameraId, l.holder);
    }
  }
}

export interface PatrolPtzDeps {
  rounds: RoundRepo;
  clock: Clock;
  /** absent: preset stops fail with "PTZ is not available" */
  mover?: PtzMover;
  audit?: (e: PtzAuditEntry) => void;
  settings?: Partial<PtzSettings>;
}

export class PatrolPtz {
  readonly locks = new PtzLocks();
  private readonly active = new Set<string>();
  private readonly s: PtzSettings;

  constructor(private readonly d: PatrolPtzDeps) {
    this.s = { ...DEFAULT_PTZ_SETTINGS, ...d.settings };
  }

  /**
   * The round has reached stop `idx`: move its camera to the preset (no-op for a stop without one, or when the
   * move is already under way). Runs in the background; the stop's ptzState says where it is. The waiting /
   * moving state is recorded when the returned promise resolves (the move goes on).
   */
  reach(round: Round, idx: number): Promise<void> {
    const stop = round.stops[idx];
    if (!stop?.preset || stop.outcome !== null) return Promise.resolve();
    if (stop.ptzState === 'arrived' || stop.ptzState === 'failed') return Promise.resolve();
    const key = `${round.id}:${idx}`;
    if (this.active.has(key)) return Promise.resolve();
    this.active.add(key);
    let recorded!: () => void;
    const first = new Promise<void>((resolve) => (recorded = resolve));
    void this.drive(round, idx, stop.cameraId, stop.preset, key, recorded)
      .catch((e: unknown) => log.error('ptz: recording the move failed', { round: round.id, stop: idx, err: e }))
      .finally(() => {
        this.active.delete(key);
        recorded();
      });
    return first;
  }

  /** The stop is done (or the round closed): the camera is free for the next round. */
  done(roundId: number, idx: number, cameraId: string): void {
    this.locks.release(cameraId, `${roundId}:${idx}`);
  }

  closed(roundId: number): void {
    this.locks.releaseRound(roundId);
  }

  /** After a restart: drive the current preset stop of every round in progress that has not got there. */
  async resume(): Promise<void> {
    for (const r of await this.d.rounds.list({ status: 'in_progress', from: 0, limit: 5000 })) {
      if (r.currentIdx !== null) await this.reach(r, r.currentIdx);
    }
  }

  private async stillOpen(roundId: number, idx: number): Promise<boolean> {
    const r = await this.d.rounds.get(roundId);
    return r?.status === 'in_progress' && r.stops[idx]?.outcome === null;
  }

  private async drive(round: Round, idx: number, cameraId: string, preset: string, key: string, recorded: () => void): Promise<void> {
    const { rounds, clock } = this.d;
    if (!this.locks.tryAcquire(cameraId, key)) {
      await rounds.setPtz(round.id, idx, { state: 'waiting' });
      recorded();
      log.info('ptz: waiting for the camera', { round: round.id, stop: idx, camera: cameraId, holder: this.locks.holder(cameraId) });
      const granted = await this.locks.wait(cameraId, key);
      if (!granted) return; // the round was closed or the stop skipped while it waited
      if (!(await this.stillOpen(round.id, idx))) {
        this.locks.release(cameraId, key);
        return;
      }
    }
    const gotoMs = clock.now();
    await rounds.setPtz(round.id, idx, { state: 'moving', gotoMs });
    recorded();
    try {
      if (!this.d.mover) throw new Error('PTZ control is not available');
      this.d.audit?.({
        action: 'ptz.goto',
        actor: { id: round.userId, username: round.username },
        cameraId,
        target: preset,
        detail: { round: round.id, stop: idx, preset },
      });
      const mover = this.d.mover;
      const deadline = Date.now() + this.s.moveTimeoutMs;
      const late = () => new Error(`the camera did not reach preset "${preset}" within ${Math.round(this.s.moveTimeoutMs / 1000)} s`);
      await Promise.race([mover.gotoPreset(cameraId, preset), sleep(this.s.moveTimeoutMs).then(() => Promise.reject(late()))]);
      for (;;) {
        if (!(await this.stillOpen(round.id, idx))) return;
        const idle = await mover.idle(cameraId).catch((e: unknown) => {
          throw new Error(`the camera did not report its position: ${(e as Error).message}`);
        });
        if (idle === null) {
          await sleep(Math.max(0, Math.min(this.s.settleMs, deadline - Date.now())));
          break;
        }
        if (idle) break;
        if (Date.now() >= deadline) throw late();
        await sleep(this.s.pollMs);
      }
      const arrivedMs = clock.now();
      await rounds.setPtz(round.id, idx, { state: 'arrived', arrivedMs, viewStartedMs: arrivedMs });
      log.info('ptz: at preset', { round: round.id, stop: idx, camera: cameraId, preset, moveMs: arrivedMs - gotoMs });
    } catch (e) {
      const reason = (e as Error).message || String(e);
      this.locks.release(cameraId, key);
      await rounds.setPtz(round.id, idx, { state: 'failed', error: reason, viewStartedMs: clock.now() });
      log.warn('ptz: move failed', { round: round.id, stop: idx, camera: cameraId, preset, reason });
    }
  }
}
