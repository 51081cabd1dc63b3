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
 *
 * Storage: the SQL layer (issue J; repo.ts). Every write that emits an event is one write transaction that also
 * writes the event's MQTT outbox row when the publisher runs on the same database (`outbox`), so a crash between
 * the alarm and its outbox row cannot lose the event. Events go on the bus after the commit.
 */
import { join } from 'node:path';
import type { SqlDb } from '../store/sql/db.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import { AppError, conflict, notFound } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { DEFAULT_ALARM_COOLDOWN_SECONDS } from '../analytics/episodes.ts';
import { AlarmRepo, type StepColumns } from './repo.ts';
import type { ZoneRepo } from './zone-repo.ts';
import { RECORDING_PREROLL_MS, defaultPriority, saveSnapshot, type AlarmOutbox, type AlarmServiceOptions, type EventKind } from './service-types.ts';
import { LiveAlarms, type LiveAlarm } from './live.ts';
import type { AlarmKind, AlarmOutcome, AlarmPriority, AlarmStatus, AlarmView, BulkAckResult, RaiseInput, ZoneAlarmStats } from './types.ts';
import type { GuardDispatchSummary } from '../../shared/wire/alarms.ts';

const log = createLogger('alarms');

export { RECORDING_PREROLL_MS, defaultPriority, MAX_BULK_ACK, type AlarmOutbox, type AlarmServiceOptions } from './service-types.ts';

export class AlarmService {
  readonly repo: AlarmRepo;
  readonly snapshotDir: string;
  private readonly now: () => number;
  readonly cooldownMs: number;
  /** alarms left holding by the previous run, not confirmed again yet */
  private readonly dangling: Set<number>;
  private danglingTimer: NodeJS.Timeout | undefined;
  /** the newest guard dispatch of an alarm, set by the dispatch service (server/dispatch) when it runs */
  guardDispatchOf?: (alarmId: number) => GuardDispatchSummary | null;
  /** set by the MQTT publisher while it runs on the same database: event rows written in the alarm's transaction */
  outbox?: AlarmOutbox;

  private constructor(
    private readonly o: AlarmServiceOptions,
    private readonly zones: ZoneRepo | undefined,
    private readonly live: LiveAlarms,
    holding: number[],
  ) {
    this.repo = AlarmRepo.of(o.sql);
    this.snapshotDir = join(o.dataDir, 'alarms', 'snapshots');
    this.now = o.now ?? Date.now;
    this.cooldownMs = o.cooldownMs ?? DEFAULT_ALARM_COOLDOWN_SECONDS * 1000;
    this.dangling = new Set(holding);
    if (this.dangling.size) {
      log.info('alarms left holding by the previous run: continued if they fire again within the cool-down', {
        count: this.dangling.size,
        cooldownSeconds: this.cooldownMs / 1000,
      });
      this.danglingTimer = setTimeout(() => {
        this.closeUnconfirmed().catch((err: unknown) => log.error('cannot close the alarms of the previous run', { err }));
      }, this.cooldownMs);
      this.danglingTimer.unref();
    }
  }

  /** The database the alarms are in. */
  get sql(): SqlDb {
    return this.o.sql;
  }

  /** The service over the SQL layer, with the open and holding alarms loaded. */
  static async open(o: AlarmServiceOptions): Promise<AlarmService> {
    const repo = AlarmRepo.of(o.sql);
    const rows = await repo.live();
    return new AlarmService(o, o.zones, new LiveAlarms(rows), rows.filter((r) => r.endMs === null).map((r) => r.id));
  }

  /**
   * One write transaction: `work` writes and names the alarm it changed (undefined: nothing changed); the alarm
   * is read back, its outbox row written (when the publisher is on), committed, then the event goes on the bus.
   */
  private async commit(kindOf: EventKind | (() => EventKind), work: (r: AlarmRepo) => Promise<number | undefined>): Promise<AlarmView | undefined> {
    const ob = this.outbox;
    let kind = 'updated' as EventKind;
    const v = await writeTransaction(this.o.sql, async (tx) => {
      const r = this.repo.in(tx);
      const id = await work(r);
      if (id === undefined) return undefined;
      const row = await r.get(id);
      if (!row) return undefined;
      kind = typeof kindOf === 'function' ? kindOf() : kindOf;
      const out = this.view(row);
      if (ob) await ob.write(tx, out, kind);
      return out;
    });
    if (!v) return undefined;
    this.live.note(v);
    ob?.committed();
    this.o.bus.emit(kind === 'raised' ? 'alarm.raised' : 'alarm.updated', v);
    return v;
  }

  /** Close the alarms of the previous run that were not confirmed again (called cooldownMs after start-up). */
  async closeUnconfirmed(): Promise<number> {
    clearTimeout(this.danglingTimer);
    let n = 0;
    for (const id of [...this.dangling]) {
      this.dangling.delete(id);
      const v = await this.commit('updated', async (r) => ((await r.closeHolding(id)) ? id : undefined));
      if (v) n++;
    }
    if (n) log.info('closed alarms of the previous run that did not fire again', { count: n });
    return n;
  }

  /** The condition of a holding alarm was confirmed at `ms` (live analytics calls it now and then). */
  async seen(id: number, ms: number): Promise<void> {
    await this.repo.seen(id, ms);
  }

  private view(v: AlarmView): AlarmView {
    const out: AlarmView = { ...v, cameraName: this.o.cameraName?.(v.cameraId) };
    if (this.guardDispatchOf) out.guardDispatch = this.guardDispatchOf(v.id);
    return out;
  }

  async raise(a: RaiseInput): Promise<AlarmView> {
    let continued = false;
    let joined = false;
    const v = await this.commit(() => (joined ? 'updated' : 'raised'), async (r) => {
      // the episode read and the write in one transaction (SQLite: under the write lock)
      const prev = await r.latestEpisode(a.cameraId, a.zone, a.kind);
      if (prev && (prev.endMs === null || (a.startMs >= prev.endMs - 1000 && a.startMs - prev.endMs <= this.cooldownMs))) {
        await r.rejoin(prev.id, { seenMs: a.startMs, score: a.score, trackIds: a.trackIds, nowMs: this.now() });
        continued = this.dangling.has(prev.id);
        joined = true;
        return prev.id;
      }
      const id = await r.insert({ ...a, recordingMs: a.sinceMs - RECORDING_PREROLL_MS, priority: a.priority ?? this.zonePriority(a.cameraId, a.zone, a.kind) });
      const file = a.jpeg && saveSnapshot(this.snapshotDir, id, a.jpeg);
      if (file) await r.setSnapshot(id, file);
      return id;
    });
    if (!v) throw new Error('the raised alarm was not found after its write');
    if (joined) {
      if (continued) this.dangling.delete(v.id);
      log.info(continued ? 'alarm of the previous run continued' : 'alarm restarted within the cool-down: joined', {
        id: v.id,
        camera: a.cameraId,
        zone: a.zone,
        kind: a.kind,
        occurrences: v.occurrences,
      });
    } else log.info('alarm raised', { id: v.id, camera: a.cameraId, zone: a.zone, kind: a.kind, score: Number(a.score.toFixed(2)) });
    return v;
  }

  /** The priority set on the camera's zone of that name, else the default of the alarm's kind. */
  zonePriority(cameraId: string, zone: string, kind: AlarmKind): AlarmPriority {
    try {
      const z = this.zones?.get(cameraId).zones.find((x) => x.name === zone);
      if (z?.priority) return z.priority;
    } catch (e) {
      log.warn('cannot read the zone priority', { camera: cameraId, zone, err: e });
    }
    return defaultPriority(kind);
  }

  /** The condition stopped holding (the alarm stays in the queue until resolved). */
  async ended(id: number, endMs: number, score: number, trackIds: number[]): Promise<void> {
    await this.commit('updated', async (r) => {
      await r.end(id, endMs, score, trackIds);
      return id;
    });
  }

  async get(id: number): Promise<AlarmView | undefined> {
    const v = await this.repo.get(id);
    return v ? this.view(v) : undefined;
  }

  /** The camera of an alarm (per-camera rights: server/access/guard.ts). */
  cameraOf(id: number): Promise<string | undefined> {
    return this.repo.cameraOf(id);
  }

  async require(id: number): Promise<AlarmView> {
    const v = await this.get(id);
    if (!v) throw notFound(`no alarm ${id}`, { what: 'alarm', id });
    return v;
  }

  async list(status: 'open' | 'all', cameraId?: string, limit = 200): Promise<AlarmView[]> {
    return (await this.repo.list({ status, cameraId, limit })).map((v) => this.view(v));
  }

  /** A camera's alarms whose footage overlaps [fromMs, toMs) (review timeline markers), oldest first. */
  async between(cameraId: string, fromMs: number, toMs: number): Promise<AlarmView[]> {
    return (await this.repo.between(cameraId, fromMs, toMs)).map((v) => this.view(v));
  }

  async snapshotPath(id: number): Promise<string | undefined> {
    const f = await this.repo.snapshotFile(id);
    return f && /^alarm-\d+\.jpg$/.test(f) ? join(this.snapshotDir, f) : undefined;
  }

  /** Cameras with an alarm that is not resolved yet (patrol puts them first). From memory. */
  openAlarmCameraIds(): Set<string> {
    return this.live.openCameraIds();
  }

  /**
   * Not resolved alarms per camera (handover open items): read from the table, so alarms another process wrote
   * are counted too (a handover must not miss one).
   */
  openAlarmCounts(): Promise<Map<string, number>> {
    return this.repo.openCounts();
  }

  /** How many alarms are not resolved (/metrics): from the table. */
  async openAlarmCount(): Promise<number> {
    let n = 0;
    for (const c of (await this.repo.openCounts()).values()) n += c;
    return n;
  }

  /** Alarms whose condition holds (the MQTT publisher's zone states). From memory. */
  holding(): LiveAlarm[] {
    return this.live.holding();
  }

  acknowledge(id: number, by: string, note?: string): Promise<AlarmView> {
    return this.step(id, 'acknowledge', ['open'], 'acknowledged', { ack_ms: this.now(), ack_by: by, ack_note: note ?? null });
  }

  /**
   * Acknowledge several alarms at once; each id gets its own result (404 unknown or not visible, 409 not open),
   * the others go through. `visible` (per-camera rights) makes an alarm of a hidden camera look unknown.
   */
  async acknowledgeMany(ids: readonly number[], by: string, note?: string, visible: (cameraId: string) => boolean = () => true): Promise<BulkAckResult[]> {
    const out: BulkAckResult[] = [];
    for (const id of new Set(ids)) {
      const a = await this.get(id);
      if (!a || !visible(a.cameraId)) {
        out.push({ id, ok: false, status: 404, code: 'not_found', error: `no alarm ${id}` });
        continue;
      }
      try {
        out.push({ id, ok: true, alarm: await this.acknowledge(id, by, note) });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        out.push({ id, ok: false, status: e.status, code: e.code, error: e.message });
      }
    }
    return out;
  }

  dispatch(id: number, by: string, to: string, note?: string): Promise<AlarmView> {
    return this.step(id, 'dispatch', ['acknowledged'], 'dispatched', {
      dispatch_ms: this.now(),
      dispatch_by: by,
      dispatch_to: to,
      dispatch_note: note ?? null,
    });
  }

  /** Resolve with what the alarm turned out to be (null: not given, e.g. an older client; counted as unclassified). */
  resolve(id: number, by: string, note?: string, outcome: AlarmOutcome | null = null): Promise<AlarmView> {
    return this.step(id, 'resolve', ['acknowledged', 'dispatched'], 'resolved', {
      resolve_ms: this.now(),
      resolve_by: by,
      resolve_note: note ?? null,
      outcome,
      outcome_note: outcome ? (note ?? null) : null,
    });
  }

  /** Per camera + zone over the last `days` days: total, genuine, false_alarm, test, falseAlarmRate. */
  stats(o: { days: number; cameraId?: string }): Promise<ZoneAlarmStats[]> {
    return this.repo.stats({ sinceMs: this.now() - o.days * 86_400_000, cameraId: o.cameraId });
  }

  /**
   * Only from the expected status (the UPDATE's WHERE: of two requests at once, one wins, the other is a 409
   * naming the status the winner left).
   */
  private async step(id: number, action: string, from: AlarmStatus[], to: AlarmStatus, cols: StepColumns): Promise<AlarmView> {
    await this.require(id);
    const v = await this.commit('updated', async (r) => ((await r.step(id, from, to, cols)) ? id : undefined));
    if (!v) {
      const now = await this.require(id);
      throw conflict(`cannot ${action} alarm ${id}: it is ${now.status} (needs ${from.join(' or ')})`, 'wrong_state', { what: 'alarm', id, action, status: now.status, need: from.join(', ') });
    }
    log.info(`alarm ${to}`, { id, by: cols.ack_by ?? cols.dispatch_by ?? cols.resolve_by });
    return v;
  }
}
