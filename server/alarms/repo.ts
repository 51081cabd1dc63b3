/**
 * Storage of alarms (table `alarms`) and per-camera zones (table `camera_zones`) on the SQL layer (issue J, Kysely):
 * one code path for the embedded SQLite and PostgreSQL (SQL steps 0023, 0024). Writes take an optional
 * transaction (`in(tx)`), so the alarm service can write an alarm and its MQTT outbox row in one commit.
 */
import { sql, type Kysely, type Updateable } from 'kysely';
import type { Engine, SqlDb } from '../store/sql/db.ts';
import type { AlarmsTable, SqlSchema } from '../store/sql/schema.ts';
import type { AlarmKind, AlarmStatus, AlarmView, ZoneAlarmStats } from './types.ts';
import { toView, type NewAlarm, type Row } from './row.ts';
import { holdsNul } from '../store/sql/filters.ts';

export type { NewAlarm } from './row.ts';

type Exec = Kysely<SqlSchema>;
/** Ids are 32-bit on PostgreSQL (`integer`); a larger one in a URL names no alarm (not a database error). */
const MAX_ID = 2 ** 31 - 1;
const validId = (id: number) => Number.isSafeInteger(id) && id > 0 && id <= MAX_ID;
/** The columns one workflow step sets (acknowledge, dispatch, resolve). */
export type StepColumns = Omit<Updateable<AlarmsTable>, 'id' | 'status'>;

export class AlarmRepo {
  constructor(
    private readonly engine: Engine,
    private readonly db: Exec,
  ) {}

  static of(s: SqlDb): AlarmRepo {
    return new AlarmRepo(s.engine, s.db);
  }

  /** The same repository inside a transaction (writeTransaction). */
  in(tx: Exec): AlarmRepo {
    return new AlarmRepo(this.engine, tx);
  }

  /** `MAX(COALESCE(col, 0), v)`: SQLite's two-argument MAX is PostgreSQL's GREATEST. */
  private atLeast(col: 'last_seen_ms' | 'score', v: number) {
    const c = sql.ref(col);
    return this.engine === 'postgres' ? sql<number>`GREATEST(COALESCE(${c}, 0), ${v})` : sql<number>`MAX(COALESCE(${c}, 0), ${v})`;
  }

  async insert(a: NewAlarm): Promise<number> {
    const r = await this.db
      .insertInto('alarms')
      .values({
        camera_id: a.cameraId,
        zone: a.zone,
        kind: a.kind,
        status: 'open',
        since_ms: a.sinceMs,
        start_ms: a.startMs,
        recording_ms: a.recordingMs,
        score: a.score,
        track_ids: JSON.stringify(a.trackIds),
        last_seen_ms: a.startMs,
        priority: a.priority,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async setSnapshot(id: number, file: string): Promise<void> {
    await this.db.updateTable('alarms').set({ snapshot: file }).where('id', '=', id).execute();
  }

  async snapshotFile(id: number): Promise<string | undefined> {
    if (!validId(id)) return undefined;
    const r = await this.db.selectFrom('alarms').select('snapshot').where('id', '=', id).executeTakeFirst();
    return r?.snapshot ?? undefined;
  }

  async end(id: number, endMs: number, score: number, trackIds: number[]): Promise<void> {
    await this.db
      .updateTable('alarms')
      .set({ end_ms: endMs, last_seen_ms: this.atLeast('last_seen_ms', endMs), score: this.atLeast('score', score), track_ids: JSON.stringify(trackIds) })
      .where('id', '=', id)
      .execute();
  }

  /** The condition was confirmed again at `ms` (restart continuity: where a dangling alarm is closed). */
  async seen(id: number, ms: number): Promise<void> {
    await this.db.updateTable('alarms').set({ last_seen_ms: this.atLeast('last_seen_ms', ms) }).where('id', '=', id).where('end_ms', 'is', null).execute();
  }

  /** The newest alarm of one camera + zone + kind (index alarms_episode). */
  async latestEpisode(cameraId: string, zone: string, kind: AlarmKind): Promise<AlarmView | undefined> {
    const r = await this.db
      .selectFrom('alarms')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('zone', '=', zone)
      .where('kind', '=', kind)
      .orderBy('start_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? toView(r as Row) : undefined;
  }

  /**
   * The same episode fired again: the alarm holds again (end_ms NULL), one more occurrence when it had
   * ended (not when it is continued across a restart), score and track ids merged; a resolved one is
   * open again (reopened_ms = now; the previous handling stays in its columns and in the duty log).
   */
  async rejoin(id: number, o: { seenMs: number; score: number; trackIds: number[]; nowMs: number }): Promise<void> {
    const r = await this.db.selectFrom('alarms').select('track_ids').where('id', '=', id).executeTakeFirst();
    const ids = [...new Set([...(JSON.parse(r?.track_ids ?? '[]') as number[]), ...o.trackIds])];
    await this.db
      .updateTable('alarms')
      .set({
        occurrences: sql<number>`occurrences + CASE WHEN end_ms IS NOT NULL THEN 1 ELSE 0 END`,
        end_ms: null,
        last_seen_ms: this.atLeast('last_seen_ms', o.seenMs),
        score: this.atLeast('score', o.score),
        track_ids: JSON.stringify(ids),
        reopened_ms: sql<number | null>`CASE WHEN status = 'resolved' THEN ${o.nowMs} ELSE reopened_ms END`,
        status: sql<AlarmStatus>`CASE WHEN status = 'resolved' THEN 'open' ELSE status END`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Ids of alarms still marked as holding (left by a previous run, at start-up). */
  async holdingIds(): Promise<number[]> {
    return (await this.db.selectFrom('alarms').select('id').where('end_ms', 'is', null).execute()).map((r) => Number(r.id));
  }

  /** End an alarm left holding by a previous run at the last time its condition was confirmed. */
  async closeHolding(id: number): Promise<boolean> {
    const r = await this.db
      .updateTable('alarms')
      .set({ end_ms: sql<number>`COALESCE(last_seen_ms, start_ms)` })
      .where('id', '=', id)
      .where('end_ms', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async cameraOf(id: number): Promise<string | undefined> {
    if (!validId(id)) return undefined;
    return (await this.db.selectFrom('alarms').select('camera_id').where('id', '=', id).executeTakeFirst())?.camera_id;
  }

  async get(id: number): Promise<AlarmView | undefined> {
    if (!validId(id)) return undefined;
    const r = await this.db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toView(r as Row) : undefined;
  }

  /** Open (not resolved) first, by priority (1 high first), newest first; then resolved ones, newest first. */
  async list(o: { status: 'open' | 'all'; cameraId?: string; limit: number }): Promise<AlarmView[]> {
    if (holdsNul(o.cameraId)) return []; // no camera id holds U+0000 (filters.ts)
    const rows = await this.db
      .selectFrom('alarms')
      .selectAll()
      .$if(o.status === 'open', (q) => q.where('status', '!=', 'resolved'))
      .$if(o.cameraId !== undefined && o.cameraId !== '', (q) => q.where('camera_id', '=', o.cameraId!))
      .orderBy(sql`CASE WHEN status = 'resolved' THEN 1 ELSE 0 END`)
      .orderBy(sql`CASE WHEN status = 'resolved' THEN 0 ELSE priority END`)
      .orderBy('start_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(o.limit)
      .execute();
    return rows.map((r) => toView(r as Row));
  }

  /**
   * A camera's alarms whose footage overlaps [fromMs, toMs): from `recording_ms` (the pre-roll) to `end_ms`
   * (still holding: open-ended), oldest first. Uses the (camera_id, start_ms) index: `start_ms` is never
   * before `recording_ms`, and an alarm is raised at most `maxRaiseAfterMs` after it began.
   */
  async between(cameraId: string, fromMs: number, toMs: number, limit = 1000, maxRaiseAfterMs = 3600_000): Promise<AlarmView[]> {
    const rows = await this.db
      .selectFrom('alarms')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<', toMs + maxRaiseAfterMs)
      .where('recording_ms', '<', toMs)
      .where((eb) => eb.or([eb('end_ms', 'is', null), eb('end_ms', '>', fromMs)]))
      .orderBy('start_ms')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => toView(r as Row));
  }

  /** Per camera + zone, alarms that started at or after `sinceMs`: how they were resolved. Sorted by camera, zone. */
  async stats(o: { sinceMs: number; cameraId?: string }): Promise<ZoneAlarmStats[]> {
    if (holdsNul(o.cameraId)) return [];
    const n = (cond: ReturnType<typeof sql>) => sql<number>`SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
    const rows = await this.db
      .selectFrom('alarms')
      .select((eb) => [
        'camera_id',
        'zone',
        eb.fn.countAll<number>().as('total'),
        n(sql`status = 'resolved' AND outcome = 'genuine'`).as('genuine'),
        n(sql`status = 'resolved' AND outcome = 'false_alarm'`).as('false_alarm'),
        n(sql`status = 'resolved' AND outcome = 'test'`).as('test'),
        n(sql`status = 'resolved' AND outcome IS NULL`).as('unclassified'),
        n(sql`status != 'resolved'`).as('open'),
      ])
      .where('start_ms', '>=', o.sinceMs)
      .$if(o.cameraId !== undefined && o.cameraId !== '', (q) => q.where('camera_id', '=', o.cameraId!))
      .groupBy(['camera_id', 'zone'])
      .orderBy('camera_id')
      .orderBy('zone')
      .execute();
    return rows.map((r) => {
      const [genuine, falseAlarm] = [Number(r.genuine), Number(r.false_alarm)];
      const judged = genuine + falseAlarm;
      return {
        cameraId: r.camera_id,
        zone: r.zone,
        total: Number(r.total),
        genuine,
        false_alarm: falseAlarm,
        test: Number(r.test),
        unclassified: Number(r.unclassified),
        open: Number(r.open),
        falseAlarmRate: judged ? falseAlarm / judged : null,
      };
    });
  }

  /** Not resolved alarms per camera (every camera that has one). */
  async openCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('alarms')
      .select((eb) => ['camera_id', eb.fn.countAll<number>().as('n')])
      .where('status', '!=', 'resolved')
      .groupBy('camera_id')
      .execute();
    return new Map(rows.map((r) => [r.camera_id, Number(r.n)]));
  }

  /** Every alarm not resolved yet or still holding: id, camera, zone, kind, status, end (the service's cache). */
  async live(): Promise<{ id: number; cameraId: string; zone: string; kind: AlarmKind; status: AlarmStatus; endMs: number | null }[]> {
    const rows = await this.db
      .selectFrom('alarms')
      .select(['id', 'camera_id', 'zone', 'kind', 'status', 'end_ms'])
      .where((eb) => eb.or([eb('status', '!=', 'resolved'), eb('end_ms', 'is', null)]))
      .execute();
    return rows.map((r) => ({ id: Number(r.id), cameraId: r.camera_id, zone: r.zone, kind: r.kind, status: r.status, endMs: r.end_ms === null ? null : Number(r.end_ms) }));
  }

  /** One workflow step, only from the expected status (the WHERE makes it atomic); false when the status did not match. */
  async step(id: number, from: readonly AlarmStatus[], to: AlarmStatus, cols: StepColumns): Promise<boolean> {
    const r = await this.db
      .updateTable('alarms')
      .set({ ...cols, status: to })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}

export { ZoneRepo } from './zone-repo.ts';
