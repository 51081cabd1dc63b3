/**
 * The daily equipment check (监控设备巡检, issue L point 3): per camera and local day — minutes online, offline
 * episodes with their reasons, recording completeness (recorded ÷ expected seconds, the gaps listed with a
 * reason), clock offset, tamper alarms and pipeline restarts. A camera under the completeness threshold
 * (default 99 %) is flagged. Everything is read from what the server already records: the segment index, the
 * duty log's camera offline/online entries, recording gaps, the audit trail's start/stop, alarms and
 * camera_events — all through the SQL layer, one code path for SQLite and PostgreSQL (docs/cluster.md "Port:
 * evidence exports and the equipment report").
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { SqlSchema } from '../store/sql/schema.ts';

import type { EquipmentCamera, EquipmentGap, EquipmentReport } from '../../shared/wire/equipment.ts';
export type { EquipmentCamera, EquipmentGap, EquipmentReport };

export interface EquipmentOptions {
  /** the SQL layer: segments, camera_events, duty_log, audit_log, alarms, recording_gaps */
  sql: SqlDb;
  date: string;
  from: number;
  to: number;
  now: number;
  cameras: { id: string; name: string; clockOffsetMs: number | null }[];
  threshold?: number;
  /** holes shorter than this between segments are not gaps (segment boundaries jitter) */
  toleranceMs?: number;
  /** the newest footage is still being written: today's window ends this long before now (default 30 s) */
  liveEdgeMs?: number;
}

type Interval = [number, number];
type Q = Kysely<SqlSchema>;

/** Offline intervals of a camera from the duty log (offline at data.since → online at data.since). */
async function offlineIntervals(q: Q, cameraId: string, from: number, to: number): Promise<{ iv: Interval; reason: string }[]> {
  const rows = await q
    .selectFrom('duty_log')
    .select(['kind', 'ts_ms', 'data_json'])
    .where('camera_id', '=', cameraId)
    .where('kind', 'in', ['camera_offline', 'camera_online'])
    .where('ts_ms', '<', to + 3600_000)
    .orderBy('seq')
    .execute();
  const out: { iv: Interval; reason: string }[] = [];
  let open: { at: number; reason: string } | undefined;
  for (const r of rows) {
    let d: { since?: number; reason?: string } = {};
    try {
      d = JSON.parse(r.data_json) as typeof d;
    } catch {
      /* keep defaults */
    }
    const at = typeof d.since === 'number' ? d.since : r.ts_ms;
    if (r.kind === 'camera_offline') open ??= { at, reason: d.reason ?? 'offline' };
    else if (open) {
      out.push({ iv: [open.at, at], reason: open.reason });
      open = undefined;
    }
  }
  if (open) out.push({ iv: [open.at, Infinity], reason: open.reason });
  return out.filter((o) => o.iv[1] > from && o.iv[0] < to);
}

/** When the server was not running: audit system.stop → next system.start. */
async function serverDown(q: Q, from: number, to: number): Promise<Interval[]> {
  const rows = await q
    .selectFrom('audit_log')
    .select(['action', 'at_ms'])
    .where('action', 'in', ['system.start', 'system.stop'])
    .where('at_ms', '>=', from - 86_400_000)
    .where('at_ms', '<', to)
    .orderBy('id')
    .execute();
  const out: Interval[] = [];
  let stop: number | undefined;
  for (const r of rows) {
    if (r.action === 'system.stop') stop = r.at_ms;
    else if (stop !== undefined) {
      out.push([stop, r.at_ms]);
      stop = undefined;
    }
  }
  return out;
}

/**
 * Gaps the start-up reconcile recorded overlapping the window, in the order SQLite's legacy query gave them
 * (its index on camera_id, start_ms, then the row id): the first of two gaps overlapping a hole equally names it.
 */
function recordedGaps(q: Q, cameraId: string, from: number, to: number) {
  return q
    .selectFrom('recording_gaps')
    .select(['start_ms', 'end_ms', 'reason'])
    .where('camera_id', '=', cameraId)
    .where('end_ms', '>', from)
    .where('start_ms', '<', to)
    .orderBy('start_ms')
    .orderBy('id')
    .execute();
}

const overlap = (a: Interval, b: Interval) => Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));

/** SUM/COUNT/MIN come back as strings from PostgreSQL for bigint/numeric; null stays null */
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function equipmentReport(o: EquipmentOptions): Promise<EquipmentReport> {
  const threshold = o.threshold ?? 0.99;
  const tol = o.toleranceMs ?? 3000;
  const q = o.sql.db;
  const down = await serverDown(q, o.from, o.to);
  const cameras: EquipmentCamera[] = [];
  for (const cam of o.cameras) {
    const first = numOrNull((await q.selectFrom('segments').select(sql<number | null>`MIN(start_ms)`.as('t')).where('camera_id', '=', cam.id).executeTakeFirst())?.t);
    const winEnd = Math.min(o.to, o.now - (o.liveEdgeMs ?? 30_000));
    const winStart = Math.max(o.from, first ?? o.from);
    const win: Interval = [winStart, Math.max(winStart, winEnd)];
    const expected = win[1] - win[0];
    const segs = await q
      .selectFrom('segments')
      .select(['start_ms', 'end_ms'])
      .where('camera_id', '=', cam.id)
      .where('end_ms', '>', win[0])
      .where('start_ms', '<', win[1])
      .orderBy('start_ms')
      .execute();
    const offline = await offlineIntervals(q, cam.id, win[0], win[1]);
    const missing = await recordedGaps(q, cam.id, win[0], win[1]);
    const reasonOf = (g: Interval): string => {
      const best = <T>(list: T[], iv: (t: T) => Interval) => list.map((x) => [x, overlap(g, iv(x))] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])[0]?.[0];
      if (best(down, (d) => d)) return 'server not running';
      const off = best(offline, (x) => x.iv);
      if (off) return `camera offline: ${off.reason}`;
      const m = best(missing, (x) => [x.start_ms, x.end_ms]);
      if (m) return m.reason;
      return first === null ? 'never recorded' : 'no recording';
    };
    let recorded = 0;
    const gaps: EquipmentGap[] = [];
    let cursor = win[0];
    for (const s of segs) {
      const a = Math.max(s.start_ms, win[0]);
      const b = Math.min(s.end_ms, win[1]);
      if (a - cursor > tol) gaps.push({ start: cursor, end: a, reason: reasonOf([cursor, a]) });
      if (b > cursor) {
        recorded += b - Math.max(a, cursor);
        cursor = b;
      }
    }
    if (win[1] - cursor > tol) gaps.push({ start: cursor, end: win[1], reason: reasonOf([cursor, win[1]]) });
    const offMs = offline.reduce((n, x) => n + overlap(win, [x.iv[0], Math.min(x.iv[1], win[1])]), 0);
    const restarts = await q
      .selectFrom('camera_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('camera_id', '=', cam.id)
      .where('kind', '=', 'restart')
      .where('ts_ms', '>=', o.from)
      .where('ts_ms', '<', o.to)
      .executeTakeFirst();
    const tamper = await q
      .selectFrom('alarms')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('camera_id', '=', cam.id)
      .where('kind', '=', 'camera_tamper')
      .where('start_ms', '>=', o.from)
      .where('start_ms', '<', o.to)
      .executeTakeFirst();
    const completeness = expected > 0 ? Math.min(1, recorded / expected) : first === null ? 0 : 1;
    cameras.push({
      id: cam.id,
      name: cam.name,
      onlineMinutes: Math.round(Math.max(0, expected - offMs) / 60_000),
      completeness: Math.round(completeness * 10_000) / 10_000,
      gaps,
      offlineEpisodes: offline.filter((x) => x.iv[0] >= o.from && x.iv[0] < o.to).length,
      clockOffsetMs: cam.clockOffsetMs,
      tamperAlarms: Number(tamper?.n ?? 0),
      restarts: Number(restarts?.n ?? 0),
      flagged: completeness < threshold,
    });
  }
  return { date: o.date, from: o.from, to: o.to, threshold, cameras };
}

/** Record pipeline restarts (offline → starting) for the report; never rejects. */
export async function recordRestart(s: SqlDb, cameraId: string, at: number, detail: string | null): Promise<void> {
  try {
    await s.db.insertInto('camera_events').values({ camera_id: cameraId, ts_ms: at, kind: 'restart', detail }).execute();
    await s.db.deleteFrom('camera_events').where('ts_ms', '<', at - 90 * 86_400_000).execute();
  } catch {
    /* a full disk: the count for today is short by one */
  }
}
