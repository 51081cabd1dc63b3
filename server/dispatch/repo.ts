/** SQLite storage of dispatches to guards (table `dispatches`) and their photos (`dispatch_photos`, append-only). */
import type { Db } from '../store/db.ts';
import type { DispatchPhotoView, DispatchState, DispatchStepName, DispatchView } from '../../shared/wire/dispatch.ts';

interface Row {
  id: number;
  alarm_id: number;
  camera_id: string;
  guard_id: number;
  by_name: string;
  note: string | null;
  state: DispatchState;
  sent_ms: number;
  accept_by_ms: number;
  on_way_ms: number | null;
  on_way_note: string | null;
  arrived_ms: number | null;
  arrived_note: string | null;
  handled_ms: number | null;
  handled_note: string | null;
  overdue_ms: number | null;
  // joined
  username: string;
  display_name: string | null;
  zone: string;
  kind: string;
  snapshot: string | null;
}

interface PhotoRow {
  dispatch_id: number;
  n: number;
  file: string;
  mime: 'image/jpeg' | 'image/png';
  bytes: number;
  sha256: string;
  created_ms: number;
}

export interface StoredPhoto extends DispatchPhotoView {
  file: string;
}

const SELECT = `SELECT d.*, u.username, u.display_name, a.zone, a.kind, a.snapshot
  FROM dispatches d JOIN users u ON u.id = d.guard_id JOIN alarms a ON a.id = d.alarm_id`;

const step = (at: number | null, note: string | null) => (at === null ? null : { at, ...(note ? { note } : {}) });

export class DispatchRepo {
  constructor(private readonly db: Db) {}

  private toView(r: Row): DispatchView {
    return {
      id: r.id,
      alarmId: r.alarm_id,
      cameraId: r.camera_id,
      zone: r.zone,
      alarmKind: r.kind,
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
      photos: this.photos(r.id).map(({ file: _f, ...p }) => p),
      snapshotUrl: r.snapshot ? `/api/dispatches/${r.id}/snapshot.jpg` : null,
      arrivedAfterMs: r.arrived_ms !== null ? r.arrived_ms - r.sent_ms : null,
      handledAfterMs: r.handled_ms !== null ? r.handled_ms - r.sent_ms : null,
    };
  }

  insert(d: { alarmId: number; cameraId: string; guardId: number; by: string; note: string | null; sentMs: number; acceptByMs: number }): number {
    const info = this.db
      .prepare(
        `INSERT INTO dispatches (alarm_id, camera_id, guard_id, by_name, note, state, sent_ms, accept_by_ms)
         VALUES (?, ?, ?, ?, ?, 'sent', ?, ?)`,
      )
      .run(d.alarmId, d.cameraId, d.guardId, d.by, d.note, d.sentMs, d.acceptByMs);
    return Number(info.lastInsertRowid);
  }

  get(id: number): DispatchView | undefined {
    const r = this.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as Row | undefined;
    return r && this.toView(r);
  }

  /** The newest dispatch of an alarm. */
  latestOfAlarm(alarmId: number): DispatchView | undefined {
    const r = this.db.prepare(`${SELECT} WHERE d.alarm_id = ? ORDER BY d.sent_ms DESC, d.id DESC LIMIT 1`).get(alarmId) as Row | undefined;
    return r && this.toView(r);
  }

  /** A guard's dispatches: not handled first (newest first), then the handled ones of the last `handledSinceMs`. */
  ofGuard(guardId: number, handledSinceMs: number, limit = 50): DispatchView[] {
    const rows = this.db
      .prepare(
        `${SELECT} WHERE d.guard_id = ? AND (d.state != 'handled' OR d.handled_ms >= ?)
         ORDER BY (d.state = 'handled'), d.sent_ms DESC, d.id DESC LIMIT ?`,
      )
      .all(guardId, handledSinceMs, limit) as Row[];
    return rows.map((r) => this.toView(r));
  }

  /** Dispatches sent in [fromMs, toMs), oldest first. */
  between(fromMs: number, toMs: number, limit = 5000): DispatchView[] {
    const rows = this.db.prepare(`${SELECT} WHERE d.sent_ms >= ? AND d.sent_ms < ? ORDER BY d.sent_ms, d.id LIMIT ?`).all(fromMs, toMs, limit) as Row[];
    return rows.map((r) => this.toView(r));
  }

  /** Still waiting to be accepted and not flagged yet: [id, accept_by_ms]. */
  waiting(): { id: number; acceptByMs: number }[] {
    return (this.db.prepare(`SELECT id, accept_by_ms FROM dispatches WHERE state = 'sent' AND overdue_ms IS NULL`).all() as { id: number; accept_by_ms: number }[]).map(
      (r) => ({ id: r.id, acceptByMs: r.accept_by_ms }),
    );
  }

  /** One step, only from the expected state (atomic); false when the state did not match. */
  step(id: number, from: DispatchState, to: DispatchStepName, atMs: number, note: string | null): boolean {
    const col = to === 'on_way' ? 'on_way' : to;
    return this.db.prepare(`UPDATE dispatches SET state = ?, ${col}_ms = ?, ${col}_note = ? WHERE id = ? AND state = ?`).run(to, atMs, note, id, from).changes === 1;
  }

  /** Flag as not accepted in time (once). */
  flagOverdue(id: number, atMs: number): boolean {
    return this.db.prepare(`UPDATE dispatches SET overdue_ms = ? WHERE id = ? AND state = 'sent' AND overdue_ms IS NULL`).run(atMs, id).changes === 1;
  }

  photos(dispatchId: number): StoredPhoto[] {
    const rows = this.db.prepare('SELECT * FROM dispatch_photos WHERE dispatch_id = ? ORDER BY n').all(dispatchId) as PhotoRow[];
    return rows.map((p) => ({ n: p.n, mime: p.mime, bytes: p.bytes, sha256: p.sha256, at: p.created_ms, file: p.file, url: `/api/dispatches/${dispatchId}/photos/${p.n}` }));
  }

  addPhoto(p: { dispatchId: number; n: number; file: string; mime: 'image/jpeg' | 'image/png'; bytes: number; sha256: string; atMs: number }): void {
    this.db
      .prepare('INSERT INTO dispatch_photos (dispatch_id, n, file, mime, bytes, sha256, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(p.dispatchId, p.n, p.file, p.mime, p.bytes, p.sha256, p.atMs);
  }
}
