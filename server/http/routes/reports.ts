/** GET /api/reports/daily?date=YYYY-MM-DD and /api/reports/shift?date=…&shift=day, as json | csv | html. */
import { Router, type Response } from 'express';
import type { Patrol } from '../../patrol/index.ts';
import { buildReport, reportCsv, reportHtml, reportRange, type Report } from '../../patrol/reports.ts';
import { dayKey } from '../../patrol/compliance.ts';
import { badRequest } from '../../util/errors.ts';
import { requireRole } from '../auth.ts';
import { filterVisible } from '../../access/rights.ts';

function send(res: Response, report: Report, format: unknown, name: string): void {
  // CSV and HTML do not pass res.json: drop the records of cameras the user may not see here (access/rights.ts)
  const visible = res.locals.visibleCamera as ((id: string) => boolean) | undefined;
  const r = visible ? (filterVisible(report, visible) as Report) : report;
  if (format === 'csv') {
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}.csv"` });
    res.send('\ufeff' + reportCsv(r)); // BOM: Excel opens UTF-8 Chinese text correctly
  } else if (format === 'html') {
    res.set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'" });
    res.send(reportHtml(r));
  } else if (format === undefined || format === 'json') res.json(r);
  else throw badRequest('format: json, csv or html');
}

export function reportsRouter(patrol: Patrol): Router {
  const r = Router();
  r.use(requireRole('supervisor', 'admin', 'investigator'));
  const dateOf = (v: unknown) => {
    const d = typeof v === 'string' && v ? v : dayKey(patrol.clock.now());
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw badRequest('date: must be YYYY-MM-DD');
    return d;
  };
  r.get('/daily', async (req, res) => {
    const date = dateOf(req.query.date);
    const { from, to } = reportRange(date);
    send(res, await buildReport(patrol, `监控日报 Daily report ${date}`, from, to), req.query.format, `watchpost-daily-${date}`);
  });
  r.get('/shift', async (req, res) => {
    const date = dateOf(req.query.date);
    const shift = patrol.compliance.shiftList.find((s) => s.id === req.query.shift);
    if (!shift) throw badRequest(`shift: one of ${patrol.compliance.shiftList.map((s) => s.id).join(', ')}`, 'invalid_request', { field: 'shift', values: patrol.compliance.shiftList.map((s) => s.id).join(', ') });
    const { from, to } = reportRange(date, shift);
    send(res, await buildReport(patrol, `交接班报告 Shift report ${date} ${shift.name}`, from, to), req.query.format, `watchpost-shift-${date}-${shift.id}`);
  });
  return r;
}
