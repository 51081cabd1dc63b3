/**
 * Shift handover: the outgoing operator writes notes; open items (open alarms, offline cameras, missed rounds
 * since the last handover) are listed automatically; the incoming operator acknowledges. Both steps are
 * chained duty-log entries; the handovers table only indexes them. On the SQL layer (issue J, SQL step 0029): a
 * handover's row is written in the same transaction as its duty-log entry (DutyLog.append's `also`), after the
 * chain head is locked, so two handovers at once — on any node — cannot both pass the "not acknowledged yet" check.
 * Its text is stored as its entry stores it (lone surrogates → U+FFFD: server/integrity/text.ts), on both engines.
 */
import type { Kysely, Selectable } from 'kysely';
import type { HandoversTable, SqlSchema } from '../store/sql/schema.ts';
import { wellFormed, wellFormedDeep } from '../integrity/text.ts';
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

type Row = Selectable<HandoversTable>;

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
  /** the duty log; its SQL layer also counts open alarms when the alarm source does not (patrol/alarms.ts) */
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
    const last = await this.latest();
    const since = Math.max(last?.createdMs ?? 0, now - 24 * 3600_000);
    const alarms = [...(await openAlarmCounts(this.d.alarms, this.d.log.sql))]
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

  private get q(): Kysely<SqlSchema> {
    return this.d.log.sql.db;
  }

  async latest(): Promise<Handover | undefined> {
    const r = await this.q.selectFrom('handovers').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r && this.toHandover(r);
  }

  async get(id: number): Promise<Handover> {
    const r = await this.q.selectFrom('handovers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound(`no handover ${id}`, { what: 'handover', id });
    return this.toHandover(r);
  }

  async list(limit = 50): Promise<Handover[]> {
    const rows = await this.q.selectFrom('handovers').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return Promise.all(rows.map((r) => this.toHandover(r)));
  }

  private async toHandover(r: Row): Promise<Handover> {
    const cp = (await this.d.log.get(r.log_seq))?.data.checkpoint;
    return toHandover(r, cp && typeof cp === 'object' ? (cp as CheckpointRef) : null);
  }

  async create(user: Actor, notes: string): Promise<Handover> {
    if (!notes.trim()) throw new AppError(400, 'invalid_request', 'notes: write what the next shift must know');
    const items = await this.openItems();
    const counts = `${items.openAlarms ?? items.alarms.length} open alarms, ${items.offlineCameras.length} offline cameras, ${items.missedRounds.length} missed rounds`;
    let id = 0;
    await this.d.log.append(
      {
        category: 'handover',
        kind: 'handover',
        text: `Handover by ${user.username} (${counts}): ${notes.trim()}`,
        author: { id: user.id, name: user.username },
        data: { notes: notes.trim(), openItems: items, checkpoint: this.d.checkpoint?.() ?? null },
      },
      async (tx, e) => {
        // checked after the chain head is locked: a second handover at the same time waits here, then sees this one
        const pending = await tx.selectFrom('handovers').select(['id', 'from_username', 'ack_ms']).orderBy('id', 'desc').limit(1).executeTakeFirst();
        if (pending && pending.ack_ms === null) {
          throw conflict(`handover ${pending.id} by ${pending.from_username} is not acknowledged yet`, 'handover_pending', { id: Number(pending.id), from: pending.from_username });
        }
        const row = await tx
          .insertInto('handovers')
          .values({ created_ms: e.ts, from_user_id: user.id, from_username: e.authorName, notes: wellFormed(notes.trim()), open_items_json: JSON.stringify(wellFormedDeep(items)), log_seq: e.seq })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = Number(row.id);
      },
    );
    return this.get(id);
  }

  async acknowledge(user: Actor, id: number, note = ''): Promise<Handover> {
    const h = await this.get(id);
    if (h.ackMs !== null) throw conflict(`handover ${id} was already acknowledged by ${h.ackUsername}`, 'already_acknowledged', { id, by: h.ackUsername ?? '' });
    if (h.fromUserId === user.id) throw forbidden('the incoming operator acknowledges a handover, not the one who wrote it');
    await this.d.log.append(
      {
        category: 'handover',
        kind: 'handover_ack',
        text: `Handover ${id} from ${h.fromUsername} acknowledged by ${user.username}${note.trim() ? `: ${note.trim()}` : ''}`,
        author: { id: user.id, name: user.username },
        refSeq: h.logSeq,
        data: { handoverId: id, from: h.fromUsername, note: note.trim() },
      },
      async (tx, e) => {
        const r = await tx
          .updateTable('handovers')
          .set({ ack_user_id: user.id, ack_username: e.authorName, ack_ms: e.ts, ack_log_seq: e.seq })
          .where('id', '=', id)
          .where('ack_ms', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) {
          // acknowledged by someone else meanwhile: the entry is not written either (same transaction)
          const by = (await tx.selectFrom('handovers').select('ack_username').where('id', '=', id).executeTakeFirst())?.ack_username ?? '';
          throw conflict(`handover ${id} was already acknowledged by ${by}`, 'already_acknowledged', { id, by });
        }
      },
    );
    return this.get(id);
  }
}
