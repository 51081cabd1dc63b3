/**
 * The daily equipment check (issue L point 3; names fixed):
 *   GET  /api/reports/equipment?date=YYYY-MM-DD[&format=json|csv|html]
 *        → {date, cameras:[{id, onlineMinutes, completeness, gaps:[{start,end,reason}], offlineEpisodes,
 *           clockOffsetMs, tamperAlarms, restarts, flagged}]}
 *   POST /api/reports/equipment/sign {date, note?} → the duty operator signs the day's check off: a chained
 *        duty-log entry naming the flagged cameras.
 * Only the cameras the user may see.
 */
import { Router, type Response } from 'express';
import type { DutyLog } from '../../dutylog/log.ts';
import { equipmentCsv, equipmentHtml } from '../../equipment/format.ts';
import { equipmentReport, type EquipmentReport } from '../../equipment/report.ts';
import { reportRange } from '../../patrol/reports.ts';
import { dayKey } from '../../patrol/compliance.ts';
import type { SqlDb } from '../../store/sql/db.ts';
import { badRequest } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../errors.ts';
import { signSchema } from '../../../shared/wire/requests/equipment.ts';

export interface EquipmentDeps {
  /** the SQL layer: segments, camera events, duty log, audit trail, alarms, recording gaps */
  sql: SqlDb;
  cameras: () => { id: string; name: string; clockOffsetMs: number | null }[];
  duty: DutyLog;
  now: () => number;
  threshold: number;
  timeZone: string;
  /** 2 segments + slack: the footage still being written is not a gap */
  liveEdgeMs: number;
}


export function equipmentRouter(d: EquipmentDeps): Router {
  const r = Router();
  const build = (res: Response, date: string): Promise<EquipmentReport> => {
    const visible = res.locals.visibleCamera as ((id: string) => boolean) | undefined;
    const { from, to } = reportRange(date);
    return equipmentReport({ sql: d.sql, date, from, to, now: d.now(), threshold: d.threshold, liveEdgeMs: d.liveEdgeMs, cameras: d.cameras().filter((c) => !visible || visible(c.id)) });
  };
  const dateOf = (v: unknown) => {
    const s = typeof v === 'string' && v ? v : dayKey(d.now());
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(s))) throw badRequest('date: must be YYYY-MM-DD');
    return s;
  };
  r.get('/', requireRole('operator', 'supervisor', 'investigator', 'admin'), async (req, res) => {
    const date = dateOf(req.query.date);
    const rep = await build(res, date);
    const f = req.query.format;
    if (f === 'csv') {
      res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="watchpost-equipment-${date}.csv"` }).send('\ufeff' + equipmentCsv(rep));
    } else if (f === 'html') {
      res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'" }).send(equipmentHtml(rep, d.timeZone));
    } else if (f === undefined || f === 'json') res.set('Cache-Control', 'no-store').json(rep);
    else throw badRequest('format: json, csv or html');
  });
  r.post('/sign', requireRole('operator', 'supervisor', 'admin'), async (req, res) => {
    const body = parseBody(signSchema, req.body);
    const rep = await build(res, dateOf(body.date));
    const flagged = rep.cameras.filter((c) => c.flagged);
    const u = req.user!;
    const e = await d.duty.append({
      category: 'patrol',
      kind: 'equipment_check',
      text: `Equipment check ${rep.date} signed by ${u.username}: ${rep.cameras.length} cameras, ${flagged.length} flagged${flagged.length ? ` (${flagged.map((c) => c.name).join(', ')})` : ''}${body.note ? `: ${body.note}` : ''}`,
      author: { id: u.id, name: u.username },
      data: { date: rep.date, cameras: rep.cameras.length, flagged: flagged.map((c) => ({ id: c.id, completeness: c.completeness })), note: body.note ?? null },
    });
    res.status(201).json({ entry: e, report: rep });
  });
  return r;
}
