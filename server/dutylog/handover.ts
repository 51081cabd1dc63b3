/**
 * Shift handover: the outgoing operator writes notes; open items (open alarms, offline cameras, missed rounds
 * since the last handover) are listed automatically; the incoming operator acknowledges. Both steps are
 * chained duty-log entries; the handovers table only indexes them.
 */
import type { Db } from '../store/db.ts';
import { openAlarmCounts, type AlarmSource } from '../patrol/alarms.ts';
import type { Clock } from '../patrol/clock.ts';
import type { ComplianceService } from '../patrol/compliance.ts';
import type { Actor } from '../patrol/types.ts';
import { AppError, conflict, forbidden, notFound } from '../util/errors.ts';
import type { DutyLog } from './log.ts';
import type { CheckpointRef } from '../../shared/wire/patrol.ts';

/** Handovers on the wire: shared/wire/patrol.ts (the console imports the same module). */
export type { Handover, OpenItems } from '../../shared/wire/patrol.ts';
import type { Handover, OpenItems } from '../../shared/wire/patrol.ts';

interface Row {
  id: number;
  created_ms: number;
  from_user_id: number;
  from_username: string;
  notes: string;
  open_items_json: string;
  log_seq: number;
  ack_user_id: number | null;
  ack_username: string | null;
  ack_ms: number | null;
  ack_log_seq: number | null;
}

const toHandover = (r: Row, checkpoint: CheckpointRef | null): Handover => ({
  id: r.id,
  createdMs: r.created_ms,
  fromUserId: r.from_user_id,
  fromUsername: r.from_username,
  notes: r.notes,
  openItems: JSON.parse(r.open_items_json) as OpenItems,
  logSeq: r.log_seq,
  ackUserId: r.ack_user_id,
  ackUsername: r.ack_username,
  ackMs: r.ack_ms,
  ackLogSeq: r.ack_log_seq,
  checkpoint,
});

export interface HandoverDeps {
  db: Db;
  log: DutyLog;
  clock: Clock;
  alarms: AlarmSource;
  compliance: ComplianceService;
  cameras: () => { id: string; name: string; status: string; statusReason: string | null; statusSince: number | null }[];
  checkpoint?: () => CheckpointRef | null;
  /** today's flagged cameras from the equipment check (server/equipment/report.ts) */
  equipmentProblems?: () => NonNullable<OpenItems['equipmentProblems']> | Promise<NonNullable<OpenItems['equipmentProblems']>>;
}

export class HandoverService {
  constructor(private readonly d: HandoverDeps) {}

  async openItems(): Promise<OpenItems> {
    const cams = this.d.cameras();
    const nameOf = (id: string) => cams.find((c) => c.id === id)?.name ?? id;
    const now = this.d.clock.now();
    const last = this.latest();
    const since = Math.max(last?.createdMs ?? 0, now - 24 * 3600_000);
    const alarms = [...openAlarmCounts(this.d.alarms, this.d.db)]
      .map(([id, count]) => ({ cameraId: id, cameraName: nameOf(id), count }))
      .sort((a, b) => b.count - a.count || a.cameraName.localeCompare(b.cameraName));
    return {
      openAlarms: alarms.reduce((n, a) => n + a.count, 0),
      alarms,
      offlineCameras: cams
        .filter((c) => c.status === 'offline')
        .map((c) => ({ cameraId: c.id, cameraName: c.name, reason: c.statusReason, since: c.statusSince })),
      missedRounds: (await this.d.compliance.slots(since, now))
        .filter((s) => s.grade === 'missed')
        .map((s) => ({ routeId: s.routeId, routeName: s.routeName, slotMs: s.slotMs })),
      equipmentProblems: (await this.d.equipmentProblems?.()) ?? [],
    };
  }

  latest(): Handover | undefined {
    const r = this.d.db.prepare('SELECT * FROM handovers ORDER BY id DESC LIMIT 1').get() as Row | undefined;
    return r && this.toHandover(r);
  }

  get(id: number): Handover {
    const r = this.d.db.prepare('SELECT * FROM handovers WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw notFound(`no handover ${id}`, { what: 'handover', id });
    return this.toHandover(r);
  }

  list(limit = 50): Handover[] {
    return (this.d.db.prepare('SELECT * FROM handovers ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map((r) => this.toHandover(r));
  }

  private toHandover(r: Row): Handover {
    const cp = this.d.log.get(r.log_seq)?.data.checkpoint;
    return toHandover(r, cp && typeof cp === 'object' ? (cp as CheckpointRef) : null);
  }

  async create(user: Actor, notes: string): Promise<Handover> {
    if (!notes.trim()) throw new AppError(400, 'invalid_request', 'notes: write what the next shift must know');
    const items = await this.openItems();
    const pending = this.list(1)[0];
    if (pending && pending.ackMs === null) {
      throw conflict(`handover ${pending.id} by ${pending.fromUsername} is not acknowledged yet`, 'handover_pending', { id: pending.id, from: pending.fromUsername });
    }
    const counts = `${items.openAlarms ?? items.alarms.length} open alarms, ${items.offlineCameras.length} offline cameras, ${items.missedRounds.length} missed rounds`;
    const run = this.d.db.transaction(() => {
      const e = this.d.log.append({
        category: 'handover',
        kind: 'handover',
        text: `Handover by ${user.username} (${counts}): ${notes.trim()}`,
        author: { id: user.id, name: user.username },
        data: { notes: notes.trim(), openItems: items, checkpoint: this.d.checkpoint?.() ?? null },
      });
      const info = this.d.db
        .prepare(`INSERT INTO handovers (created_ms, from_user_id, from_username, notes, open_items_json, log_seq) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(e.ts, user.id, user.username, notes.trim(), JSON.stringify(items), e.seq);
      return Number(info.lastInsertRowid);
    });
    return this.get(run());
  }

  acknowledge(user: Actor, id: number, note = ''): Handover {
    const h = this.get(id);
    if (h.ackMs !== null) throw conflict(`handover ${id} was already acknowledged by ${h.ackUsername}`, 'already_acknowledged', { id, by: h.ackUsername ?? '' });
    if (h.fromUserId === user.id) throw forbidden('the incoming operator acknowledges a handover, not the one who wrote it');
    const run = this.d.db.transaction(() => {
      const e = this.d.log.append({
        category: 'handover',
        kind: 'handover_ack',
        text: `Handover ${id} from ${h.fromUsername} acknowledged by ${user.username}${note.trim() ? `: ${note.trim()}` : ''}`,
        author: { id: user.id, name: user.username },
        refSeq: h.logSeq,
        data: { handoverId: id, from: h.fromUsername, note: note.trim() },
      });
      this.d.db
        .prepare('UPDATE handovers SET ack_user_id = ?, ack_username = ?, ack_ms = ?, ack_log_seq = ? WHERE id = ? AND ack_ms IS NULL')
        .run(user.id, user.username, e.ts, e.seq, id);
    });
    run();
    return this.get(id);
  }
}
