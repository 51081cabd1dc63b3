/**
 * Alarms: raised by live analytics (or anything else via raise()), stored with an annotated snapshot, and
 * handled in order: open → acknowledged → (dispatched) → resolved. Every step keeps its time and user;
 * a step out of order is a 409. Pushes `alarm.raised` / `alarm.updated` on the bus (SSE, duty log).
 *
 * One episode, one alarm: a raise for a camera + zone + kind whose newest alarm is still holding, or
 * ended at most `cooldownMs` (analytics.alarmCooldownSeconds) before this start, joins that alarm —
 * occurrences + 1, end cleared, a resolved one re-opened — with `alarm.updated`, so no second alarm
 * and no second duty-log entry. Restart continuity: alarms left holding by the previous run stay
 * holding for cooldownMs after start-up; one that fires again meanwhile is continued, the others are
 * then closed at the last time their condition was confirmed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBus } from '../events/bus.ts';
import type { Db } from '../store/db.ts';
import { AppError, conflict, notFound } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { DEFAULT_ALARM_COOLDOWN_SECONDS } from '../analytics/episodes.ts';
import { AlarmRepo, ZoneRepo } from './repo.ts';
import type { AlarmKind, AlarmOutcome, AlarmPriority, AlarmStatus, AlarmView, BulkAckResult, RaiseInput, ZoneAlarmStats } from './types.ts';
import type { GuardDispatchSummary } from '../../shared/wire/alarms.ts';

const log = createLogger('alarms');

/** The recording is opened this long before the person entered / the obstruction appeared. */
export const RECORDING_PREROLL_MS = 5_000;

/** Priority of an alarm whose zone gives none: exits (and tamper) above loitering. */
export function defaultPriority(kind: AlarmKind): AlarmPriority {
  return kind === 'loitering' ? 2 : 1;
}

/** At most this many ids in one bulk acknowledge: shared/wire/alarms.ts. */
export { MAX_BULK_ACK } from '../../shared/wire/alarms.ts';

export interface AlarmServiceOptions {
  db: Db;
  bus: EventBus;
  dataDir: string;
  cameraName?: (id: string) => string | undefined;
  now?: () => number;
  /** a restart within this long of the previous end joins it (default 120 s) */
  cooldownMs?: number;
}

export class AlarmService {
  readonly repo: AlarmRepo;
  private readonly zones: ZoneRepo;
  readonly snapshotDir: string;
  private readonly now: () => number;
  readonly cooldownMs: number;
  /** alarms left holding by the previous run, not confirmed again yet */
  private readonly dangling: Set<number>;
  private danglingTimer: NodeJS.Timeout | undefined;
  /** the newest guard dispatch of an alarm, set by the dispatch service (server/dispatch) when it runs */
  guardDispatchOf?: (alarmId: number) => GuardDispatchSummary | null;

  constructor(private readonly o: AlarmServiceOptions) {
    this.repo = new AlarmRepo(o.db);
    this.zones = new ZoneRepo(o.db);
    this.snapshotDir = join(o.dataDir, 'alarms', 'snapshots');
    this.now = o.now ?? Date.now;
    this.cooldownMs = o.cooldownMs ?? DEFAULT_ALARM_COOLDOWN_SECONDS * 1000;
    this.dangling = new Set(this.repo.holdingIds());
    if (this.dangling.size) {
      log.info('alarms left holding by the previous run: continued if they fire again within the cool-down', {
        count: this.dangling.size,
        cooldownSeconds: this.cooldownMs / 1000,
      });
      this.danglingTimer = setTimeout(() => this.closeUnconfirmed(), this.cooldownMs);
      this.danglingTimer.unref();
    }
  }

  /** Close the alarms of the previous run that were not confirmed again (called cooldownMs after start-up). */
  closeUnconfirmed(): number {
    clearTimeout(this.danglingTimer);
    let n = 0;
    for (const id of this.dangling) {
      if (this.repo.closeHolding(id)) {
        n++;
        const v = this.get(id);
        if (v) this.o.bus.emit('alarm.updated', v);
      }
    }
    this.dangling.clear();
    if (n) log.info('closed alarms of the previous run that did not fire again', { count: n });
    return n;
  }

  /** The condition of a holding alarm was confirmed at `ms` (live analytics calls it now and then). */
  seen(id: number, ms: number): void {
    this.repo.seen(id, ms);
  }

  private view(v: AlarmView): AlarmView {
    const out: AlarmView = { ...v, cameraName: this.o.cameraName?.(v.cameraId) };
    if (this.guardDispatchOf) out.guardDispatch = this.guardDispatchOf(v.id);
    return out;
  }

  raise(a: RaiseInput): AlarmView {
    const prev = this.repo.latestEpisode(a.cameraId, a.zone, a.kind);
    if (prev && (prev.endMs === null || (a.startMs >= prev.endMs - 1000 && a.startMs - prev.endMs <= this.cooldownMs))) {
      this.repo.rejoin(prev.id, { seenMs: a.startMs, score: a.score, trackIds: a.trackIds, nowMs: this.now() });
      const continued = this.dangling.delete(prev.id);
      const v = this.require(prev.id);
      log.info(continued ? 'alarm of the previous run continued' : 'alarm restarted within the cool-down: joined', {
        id: v.id,
        camera: a.cameraId,
        zone: a.zone,
        kind: a.kind,
        occurrences: v.occurrences,
      });
      this.o.bus.emit('alarm.updated', v);
      return v;
    }
    const id = this.repo.insert({ ...a, recordingMs: a.sinceMs - RECORDING_PREROLL_MS, priority: a.priority ?? this.zonePriority(a.cameraId, a.zone, a.kind) });
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

  /** The priority set on the camera's zone of that name, else the default of the alarm's kind. */
  zonePriority(cameraId: string, zone: string, kind: AlarmKind): AlarmPriority {
    try {
      const z = this.zones.get(cameraId).zones.find((x) => x.name === zone);
      if (z?.priority) return z.priority;
    } catch (e) {
      log.warn('cannot read the zone priority', { camera: cameraId, zone, err: e });
    }
    return defaultPriority(kind);
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
    if (!v) throw notFound(`no alarm ${id}`, { what: 'alarm', id });
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

  /**
   * Acknowledge several alarms at once; each id gets its own result (404 unknown or not visible, 409 not open),
   * the others go through. `visible` (per-camera rights) makes an alarm of a hidden camera look unknown.
   */
  acknowledgeMany(ids: readonly number[], by: string, note?: string, visible: (cameraId: string) => boolean = () => true): BulkAckResult[] {
    return [...new Set(ids)].map((id): BulkAckResult => {
      const a = this.get(id);
      if (!a || !visible(a.cameraId)) return { id, ok: false, status: 404, code: 'not_found', error: `no alarm ${id}` };
      try {
        return { id, ok: true, alarm: this.acknowledge(id, by, note) };
      } catch (e) {
        if (e instanceof AppError) return { id, ok: false, status: e.status, code: e.code, error: e.message };
        throw e;
      }
    });
  }

  dispatch(id: number, by: string, to: string, note?: string): AlarmView {
    return this.step(id, 'dispatch', ['acknowledged'], 'dispatched', {
      dispatch_ms: this.now(),
      dispatch_by: by,
      dispatch_to: to,
      dispatch_note: note ?? null,
    });
  }

  /** Resolve with what the alarm turned out to be (null: not given, e.g. an older client; counted as unclassified). */
  resolve(id: number, by: string, note?: string, outcome: AlarmOutcome | null = null): AlarmView {
    return this.step(id, 'resolve', ['acknowledged', 'dispatched'], 'resolved', {
      resolve_ms: this.now(),
      resolve_by: by,
      resolve_note: note ?? null,
      outcome,
      outcome_note: outcome ? (note ?? null) : null,
    });
  }

  /** Per camera + zone over the last `days` days: total, genuine, false_alarm, test, falseAlarmRate. */
  stats(o: { days: number; cameraId?: string }): ZoneAlarmStats[] {
    return this.repo.stats({ sinceMs: this.now() - o.days * 86_400_000, cameraId: o.cameraId });
  }

  private step(id: number, action: string, from: AlarmStatus[], to: AlarmStatus, cols: Record<string, string | number | null>): AlarmView {
    const before = this.require(id);
    if (!this.repo.step(id, from, to, cols)) {
      const need = from.join(' or ');
      throw conflict(`cannot ${action} alarm ${id}: it is ${before.status} (needs ${need})`, 'wrong_state', { what: 'alarm', id, action, status: before.status, need: from.join(', ') });
    }
    const v = this.require(id);
    log.info(`alarm ${to}`, { id, by: cols.ack_by ?? cols.dispatch_by ?? cols.resolve_by });
    this.o.bus.emit('alarm.updated', v);
    return v;
  }
}

