/**
 * Dispatches to guards (table `dispatches`) and their photos (`dispatch_photos`, append-only) on the SQL layer
 * (Kysely, both engines; SQL step 0027, docs/cluster.md). The alarm a dispatch belongs to (zone, kind, snapshot)
 * comes from `alarmFacts` — the alarms table is another repository's — and a dispatch whose alarm is unknown is
 * not listed (as the former JOIN did).
 */
import type { Selectable } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { DispatchesTable } from '../store/sql/schema.ts';
import type { DispatchPhotoView, DispatchState, DispatchStepName, DispatchView } from '../../shared/wire/dispatch.ts';

type Row = Selectable<DispatchesTable> & { username: string; display_name: string | null };

export interface StoredPhoto extends DispatchPhotoView {
  file: string;
}

/** What a dispatch shows of its alarm. */
export interface AlarmFacts {
  zone: string;
  kind: string;
  hasSnapshot: boolean;
}

export type AlarmFactsOf = (alarmId: number) => AlarmFacts | undefined | Promise<AlarmFacts | undefined>;

const step = (at: number | null, note: string | null) => (at === null ? null : { at, ...(note ? { note } : {}) });

/** the step's columns (one column pair per step, never taken from input) */
const STEP_COLUMNS = {
  on_way: { ms: 'on_way_ms', note: 'on_way_note' },
  arrived: { ms: 'arrived_ms', note: 'arrived_note' },
  handled: { ms: 'handled_ms', note: 'handled_note' },
} as const satisfies Record<DispatchStepName, { ms: keyof DispatchesTable; note: keyof DispatchesTable }>;

export class DispatchRepo {
  constructor(
    private readonly s: SqlDb,
    private readonly alarmFacts: AlarmFactsOf,
  ) {}

  private select() {
    return this.s.db.selectFrom('dispatches as d').innerJoin('users as u', 'u.id', 'd.guard_id').selectAll('d').select(['u.username', 'u.display_name']);
  }

  /** Views of rows, their photos in one query; rows of an unknown alarm are left out. */
  private async views(rows: Row[]): Promise<DispatchView[]> {
    if (!rows.length) return [];
    const photos = await this.photosOf(rows.map((r) => r.id));
    const out: DispatchView[] = [];
    for (const r of rows) {
      const a = await this.alarmFacts(r.alarm_id);
      if (!a) continue;
      out.push({
        id: r.id,
        alarmId: r.alarm_id,
        cameraId: r.camera_id,
        zone: a.zone,
        alarmKind: a.kind,
        guardId: r.guard_id,
        guard: r.username,
        guardName: r.display_name,
        by: r.by_name,
        ...(r.note ? { note: r.note } : {}),
        state: r.state,
        sentAt: r.sent_ms,
        onWay: step(r.on_way_ms, r.on_way_note),
        arrived: step(r.arrived_ms, r.arrived_note),
        handled: step(r.handled_ms, r.handled_note),
        overdueAt: r.overdue_ms,
        acceptBy: r.accept_by_ms,
        photos: (photos.get(r.id) ?? []).map(({ file: _f, ...p }) => p),
        snapshotUrl: a.hasSnapshot ? `/api/dispatches/${r.id}/snapshot.jpg` : null,
        arrivedAfterMs: r.arrived_ms !== null ? r.arrived_ms - r.sent_ms : null,
        handledAfterMs: r.handled_ms !== null ? r.handled_ms - r.sent_ms : null,
      });
    }
    return out;
  }

  async insert(d: { alarmId: number; cameraId: string; guardId: number; by: string; note: string | null; sentMs: number; acceptByMs: number }): Promise<number> {
    const r = await this.s.db
      .insertInto('dispatches')
      .values({ alarm_id: d.alarmId, camera_id: d.cameraId, guard_id: d.guardId, by_name: d.by, note: d.note, state: 'sent', sent_ms: d.sentMs, accept_by_ms: d.acceptByMs })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async get(id: number): Promise<DispatchView | undefined> {
    return (await this.views(await this.select().where('d.id', '=', id).execute()))[0];
  }

  /** The newest dispatch of an alarm. */
  async latestOfAlarm(alarmId: number): Promise<DispatchView | undefined> {
    const rows = await this.select().where('d.alarm_id', '=', alarmId).orderBy('d.sent_ms', 'desc').orderBy('d.id', 'desc').limit(1).execute();
    return (await this.views(rows))[0];
  }

  /** The newest dispatch of every alarm that has one (the alarm list's summaries, loaded at start). */
  async latestOfEveryAlarm(): Promise<DispatchView[]> {
    const rows = await this.select().orderBy('d.sent_ms').orderBy('d.id').execute();
    const newest = new Map<number, Row>();
    for (const r of rows) newest.set(r.alarm_id, r);
    return this.views([...newest.values()]);
  }

  /** A guard's dispatches: not handled first (newest first), then the handled ones of the last `handledSinceMs`. */
  async ofGuard(guardId: number, handledSinceMs: number, limit = 50): Promise<DispatchView[]> {
    const rows = await this.select()
      .where('d.guard_id', '=', guardId)
      .where((eb) => eb.or([eb('d.state', '!=', 'handled'), eb('d.handled_ms', '>=', handledSinceMs)]))
      .orderBy((eb) => eb.case().when('d.state', '=', 'handled').then(1).else(0).end())
      .orderBy('d.sent_ms', 'desc')
      .orderBy('d.id', 'desc')
      .limit(limit)
      .execute();
    return this.views(rows);
  }

  /** Dispatches sent in [fromMs, toMs), oldest first. */
  async between(fromMs: number, toMs: number, limit = 5000): Promise<DispatchView[]> {
    const rows = await this.select().where('d.sent_ms', '>=', fromMs).where('d.sent_ms', '<', toMs).orderBy('d.sent_ms').orderBy('d.id').limit(limit).execute();
    return this.views(rows);
  }

  /** Still waiting to be accepted and not flagged yet: [id, accept_by_ms]. */
  async waiting(): Promise<{ id: number; acceptByMs: number }[]> {
    const rows = await this.s.db.selectFrom('dispatches').select(['id', 'accept_by_ms']).where('state', '=', 'sent').where('overdue_ms', 'is', null).execute();
    return rows.map((r) => ({ id: r.id, acceptByMs: r.accept_by_ms }));
  }

  /**
   * One step, only from the expected state: one UPDATE … WHERE state = from, so of two answers at once (two
   * phones, two nodes) exactly one changes the row, on both engines. false when the state did not match.
   */
  async step(id: number, from: DispatchState, to: DispatchStepName, atMs: number, note: string | null): Promise<boolean> {
    const c = STEP_COLUMNS[to];
    const r = await this.s.db
      .updateTable('dispatches')
      .set({ state: to, [c.ms]: atMs, [c.note]: note })
      .where('id', '=', id)
      .where('state', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Flag as not accepted in time (once). */
  async flagOverdue(id: number, atMs: number): Promise<boolean> {
    const r = await this.s.db.updateTable('dispatches').set({ overdue_ms: atMs }).where('id', '=', id).where('state', '=', 'sent').where('overdue_ms', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private async photosOf(ids: number[]): Promise<Map<number, StoredPhoto[]>> {
    const out = new Map<number, StoredPhoto[]>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.s.db.selectFrom('dispatch_photos').selectAll().where('dispatch_id', 'in', ids.slice(i, i + 500)).orderBy('dispatch_id').orderBy('n').execute();
      for (const p of rows) {
        const list = out.get(p.dispatch_id) ?? [];
        list.push({ n: p.n, mime: p.mime, bytes: p.bytes, sha256: p.sha256, at: p.created_ms, file: p.file, url: `/api/dispatches/${p.dispatch_id}/photos/${p.n}` });
        out.set(p.dispatch_id, list);
      }
    }
    return out;
  }

  async photos(dispatchId: number): Promise<StoredPhoto[]> {
    return (await this.photosOf([dispatchId])).get(dispatchId) ?? [];
  }

  /** A photo's row; a second photo with one number (two uploads at once) is a unique violation. */
  async addPhoto(p: { dispatchId: number; n: number; file: string; mime: 'image/jpeg' | 'image/png'; bytes: number; sha256: string; atMs: number }): Promise<void> {
    await this.s.db
      .insertInto('dispatch_photos')
      .values({ dispatch_id: p.dispatchId, n: p.n, file: p.file, mime: p.mime, bytes: p.bytes, sha256: p.sha256, created_ms: p.atMs })
      .execute();
  }
}
