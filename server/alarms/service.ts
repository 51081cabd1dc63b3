/**
 * Alarms: raised by live analytics (or anything else via raise()), stored with an annotated snapshot, and
 * handled in order: open → acknowledged → (dispatched) → resolved. Every step keeps its time and user;
 * a step out of order is a 409. Pushes `alarm.raised` / `alarm.updated` on the bus (SSE, duty log).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBus } from '../events/bus.ts';
import type { Db } from '../store/db.ts';
import { conflict, notFound } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { AlarmRepo } from './repo.ts';
import type { AlarmStatus, AlarmView, RaiseInput } from './types.ts';

const log = createLogger('alarms');

/** The recording is opened this long before the person entered / the obstruction appeared. */
export const RECORDING_PREROLL_MS = 5_000;

export interface AlarmServiceOptions {
  db: Db;
  bus: EventBus;
  dataDir: string;
  cameraName?: (id: string) => string | undefined;
  now?: () => number;
}

export class AlarmService {
  readonly repo: AlarmRepo;
  readonly snapshotDir: string;
  private readonly now: () => number;

  constructor(private readonly o: AlarmServiceOptions) {
    this.repo = new AlarmRepo(o.db);
    this.snapshotDir = join(o.dataDir, 'alarms', 'snapshots');
    this.now = o.now ?? Date.now;
    const n = this.repo.closeDangling();
    if (n) log.info('closed alarms left holding by the previous run', { count: n });
  }

  private view(v: AlarmView): AlarmView {
    return { ...v, cameraName: this.o.cameraName?.(v.cameraId) };
  }

  raise(a: RaiseInput): AlarmView {
    const id = this.repo.insert({ ...a, recordingMs: a.sinceMs - RECORDING_PREROLL_MS });
    if (a.jpeg) {
      try {
        mkdirSync(this.snapshotDir, { recursive: true });
        const file = `alarm-${id}.jpg`;
        writeFileSync(join(this.snapshotDir, file), a.jpeg);
        this.repo.setSnapshot(id, file);
      } catch (e) {
        log.warn('cannot store the alarm snapshot', { id, err: e });
      }
    }
    const v = this.require(id);
    log.info('alarm raised', { id, camera: a.cameraId, zone: a.zone, kind: a.kind, score: Number(a.score.toFixed(2)) });
    this.o.bus.emit('alarm.raised', v);
    return v;
  }

  /** The condition stopped holding (the alarm stays in the queue until resolved). */
  ended(id: number, endMs: number, score: number, trackIds: number[]): void {
    this.repo.end(id, endMs, score, trackIds);
    const v = this.get(id);
    if (v) this.o.bus.emit('alarm.updated', v);
  }

  get(id: number): AlarmView | undefined {
    const v = this.repo.get(id);
    return v ? this.view(v) : undefined;
  }

  require(id: number): AlarmView {
    const v = this.get(id);
    if (!v) throw notFound(`no alarm ${id}`);
    return v;
  }

  list(status: 'open' | 'all', cameraId?: string, limit = 200): AlarmView[] {
    return this.repo.list({ status, cameraId, limit }).map((v) => this.view(v));
  }

  /** A camera's alarms whose footage overlaps [fromMs, toMs) (review timeline markers), oldest first. */
  between(cameraId: string, fromMs: number, toMs: number): AlarmView[] {
    return this.repo.between(cameraId, fromMs, toMs).map((v) => this.view(v));
  }

  snapshotPath(id: number): string | undefined {
    const f = this.repo.snapshotFile(id);
    return f && /^alarm-\d+\.jpg$/.test(f) ? join(this.snapshotDir, f) : undefined;
  }

  /** Cameras with an alarm that is not resolved yet (patrol puts them first). */
  openAlarmCameraIds(): Set<string> {
    return this.repo.openCameraIds();
  }

  acknowledge(id: number, by: string, note?: string): AlarmView {
    return this.step(id, 'acknowledge', ['open'], 'acknowledged', { ack_ms: this.now(), ack_by: by, ack_note: note ?? null });
  }

  dispatch(id: number, by: string, to: string, note?: string): AlarmView {
    return this.step(id, 'dispatch', ['acknowledged'], 'dispatched', {
      dispatch_ms: this.now(),
      dispatch_by: by,
      dispatch_to: to,
      dispatch_note: note ?? null,
    });
  }

  resolve(id: number, by: string, note?: string): AlarmView {
    return this.step(id, 'resolve', ['acknowledged', 'dispatched'], 'resolved', { resolve_ms: this.now(), resolve_by: by, resolve_note: note ?? null });
  }

  private step(id: number, action: string, from: AlarmStatus[], to: AlarmStatus, cols: Record<string, string | number | null>): AlarmView {
    const before = this.require(id);
    if (!this.repo.step(id, from, to, cols)) {
      const need = from.join(' or ');
      throw conflict(`cannot ${action} alarm ${id}: it is ${before.status} (needs ${need})`, 'wrong_state');
    }
    const v = this.require(id);
    log.info(`alarm ${to}`, { id, by: cols.ack_by ?? cols.dispatch_by ?? cols.resolve_by });
    this.o.bus.emit('alarm.updated', v);
    return v;
  }
}

