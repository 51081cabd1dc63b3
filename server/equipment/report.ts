/**
 * The daily equipment check (监控设备巡检, issue L point 3): per camera and local day — minutes online, offline
 * episodes with their reasons, recording completeness (recorded ÷ expected seconds, the gaps listed with a
 * reason), clock offset, tamper alarms and pipeline restarts. A camera under the completeness threshold
 * (default 99 %) is flagged. Everything is read from what the server already records: the segment index, the
 * duty log's camera offline/online entries, recording gaps, the audit trail's start/stop, alarms and
 * camera_events.
 *
 * On the SQL layer (docs/cluster.md "Port: evidence exports and the equipment report"): the segment index and
 * camera_events (step 0032). Still on the legacy handle, their tables being other ports': the duty log, the audit
 * trail, alarms, recording gaps.
 */
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import type { SqlDb } from '../store/sql/db.ts';

import type { EquipmentCamera, EquipmentGap, EquipmentReport } from '../../shared/wire/equipment.ts';
export type { EquipmentCamera, EquipmentGap, EquipmentReport };

export interface EquipmentOptions {
  /** legacy handle: duty_log, audit_log, alarms, recording_gaps (not ported yet) */
  db: Db;
  /** the SQL layer: segments, camera_events */
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

/** Offline intervals of a camera from the duty log (offline at data.since → online at data.since). */
function offlineIntervals(db: Db, cameraId: string, from: number, to: number): { iv: Interval; reason: string }[] {
  const rows = db
    .prepare(`SELECT kind, ts_ms, data_json FROM duty_log WHERE camera_id = ? AND kind IN ('camera_offline', 'camera_online') AND ts_ms < ? ORDER BY seq`)
    .all(cameraId, to + 3600_000) as { kind: string; ts_ms: number; data_json: string }[];
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
function serverDown(db: Db, from: number, to: number): Interval[] {
  const rows = db
    .prepare(`SELECT action, at_ms FROM audit_log WHERE action IN ('system.start', 'system.stop') AND at_ms >= ? AND at_ms < ? ORDER BY id`)
    .all(from - 86_400_000, to) as { action: string; at_ms: number }[];
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

const overlap = (a: Interval, b: Interval) => Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));

/** SUM/COUNT/MIN come back as strings from PostgreSQL for bigint/numeric; null stays null */
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function equipmentReport(o: EquipmentOptions): Promise<EquipmentReport> {
  const threshold = o.threshold ?? 0.99;
  const tol = o.toleranceMs ?? 3000;
  const down = serverDown(o.db, o.from, o.to);
  const q = o.sql.db;
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
    const offline = offlineIntervals(o.db, cam.id, win[0], win[1]);
    const missing = o.db.prepare('SELECT start_ms, end_ms, reason FROM recording_gaps WHERE camera_id = ? AND end_ms > ? AND start_ms < ?').all(cam.id, win[0], win[1]) as { start_ms: number; end_ms: number; reason: string }[];
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
    const count = (text: string, ...args: unknown[]) => (o.db.prepare(text).get(...args) as { n: number }).n;
    const restarts = await q
      .selectFrom('camera_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('camera_id', '=', cam.id)
      .where('kind', '=', 'restart')
      .where('ts_ms', '>=', o.from)
      .where('ts_ms', '<', o.to)
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
      tamperAlarms: count(`SELECT COUNT(*) AS n FROM alarms WHERE camera_id = ? AND kind = 'camera_tamper' AND start_ms >= ? AND start_ms < ?`, cam.id, o.from, o.to),
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
