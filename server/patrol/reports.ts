/** Daily and per-shift reports: rounds with grades, compliance, anomalies, alarms, equipment faults, handovers. */
import type { LogEntry } from '../dutylog/chain.ts';
import { csvLine } from '../util/csv.ts';
import { siteIso } from '../util/site-time.ts';
import type { CheckpointRef, Patrol } from './index.ts';
import type { GradedSlot, Shift } from './compliance.ts';
import { parseHHMM, type Tally } from './schedule.ts';

export interface Report {
  title: string;
  from: number;
  to: number;
  generatedMs: number;
  compliance: Tally;
  byRoute: Record<string, Tally & { routeName: string }>;
  byOperator: Record<string, Tally>;
  rounds: GradedSlot[];
  anomalies: LogEntry[];
  alarms: LogEntry[];
  faults: LogEntry[];
  handovers: LogEntry[];
  /** the newest signed checkpoint of the duty log / audit trail when the report was made: a paper copy pins it */
  checkpoint: CheckpointRef | null;
}

/** [from, to) of a local date ("2025-01-31"), or of a shift that starts on that date. */
export function reportRange(date: string, shift?: Shift): { from: number; to: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error('date must be YYYY-MM-DD');
  const day = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!shift) {
    const end = new Date(day);
    end.setDate(end.getDate() + 1);
    return { from: day.getTime(), to: end.getTime() };
  }
  const a = parseHHMM(shift.start);
  const b = parseHHMM(shift.end);
  const start = new Date(day);
  start.setHours(Math.floor(a / 60), a % 60, 0, 0);
  const end = new Date(day);
  if (b <= a) end.setDate(end.getDate() + 1);
  end.setHours(Math.floor(b / 60), b % 60, 0, 0);
  return { from: start.getTime(), to: end.getTime() };
}

export async function buildReport(p: Patrol, title: string, from: number, to: number): Promise<Report> {
  const c = await p.compliance.compliance(from, to);
  const entries = (await p.log.list({ from, to, limit: 5000 })).reverse();
  return {
    title,
    from,
    to,
    generatedMs: p.clock.now(),
    compliance: c.total,
    byRoute: c.byRoute,
    byOperator: c.byOperator,
    rounds: c.slots,
    anomalies: entries.filter((e) => e.category === 'anomaly' && !e.kind.startsWith('alarm')),
    // detection alarms and their handling (raised, dispatched, resolved) and manual dispatch entries
    alarms: entries.filter((e) => e.kind.startsWith('alarm') || e.category === 'dispatch'),
    faults: entries.filter((e) => e.category === 'equipment_fault'),
    handovers: entries.filter((e) => e.category === 'handover'),
    checkpoint: p.checkpoint(),
  };
}

const iso = siteIso;
const row = (...cells: unknown[]) => csvLine(cells);

export function reportCsv(r: Report): string {
  const out = [row('report', r.title), row('from', iso(r.from)), row('to', iso(r.to)), row('generated', iso(r.generatedMs)),
    row('checkpoint', r.checkpoint ? `${r.checkpoint.log}#${r.checkpoint.seq}` : '', r.checkpoint ? iso(r.checkpoint.time) : '', r.checkpoint?.hash ?? ''), ''];
  out.push(row('section', 'scope', 'due', 'on_time', 'late', 'incomplete', 'missed', 'compliance_percent'));
  const t = (scope: string, x: Tally) => row('compliance', scope, x.due, x.on_time, x.late, x.incomplete, x.missed, x.compliance ?? '');
  out.push(t('total', r.compliance));
  for (const x of Object.values(r.byRoute)) out.push(t(`route:${x.routeName}`, x));
  for (const [u, x] of Object.entries(r.byOperator)) out.push(t(`operator:${u}`, x));
  out.push('', row('section', 'route', 'due', 'grade', 'operator', 'round_id', 'shift', 'day'));
  for (const s of r.rounds) out.push(row('round', s.routeName, iso(s.slotMs), s.grade, s.username ?? '', s.roundId ?? '', s.shift, s.day));
  out.push('', row('section', 'seq', 'time', 'camera', 'category', 'kind', 'author', 'text'));
  for (const [name, list] of [['anomaly', r.anomalies], ['alarm', r.alarms], ['fault', r.faults], ['handover', r.handovers]] as const) {
    for (const e of list) out.push(row(name, e.seq, iso(e.ts), e.cameraId ?? '', e.category, e.kind, e.authorName, e.text));
  }
  return out.join('\r\n') + '\r\n';
}

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const local = (ms: number) => new Date(ms).toLocaleString('zh-CN', { hour12: false });

/** A self-contained printable page (bilingual headings). */
export function reportHtml(r: Report): string {
  const tally = (label: string, x: Tally) =>
    `<tr><td>${esc(label)}</td><td>${x.due}</td><td>${x.on_time}</td><td>${x.late}</td><td>${x.incomplete}</td><td>${x.missed}</td><td><b>${x.compliance ?? '—'}${x.compliance === null ? '' : ' %'}</b></td></tr>`;
  const entries = (title: string, list: LogEntry[]) =>
    `<h2>${title}</h2>${list.length ? `<table><tr><th>#</th><th>时间 Time</th><th>摄像机 Camera</th><th>记录人 Author</th><th>内容 Text</th></tr>${list
      .map((e) => `<tr><td>${e.seq}</td><td>${esc(local(e.ts))}</td><td>${esc(e.cameraId ?? '')}</td><td>${esc(e.authorName)}</td><td>${esc(e.text)}</td></tr>`)
      .join('')}</table>` : '<p>—</p>'}`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font:13px/1.4 system-ui,sans-serif;margin:2em;color:#000}table{border-collapse:collapse;width:100%;margin-bottom:1em}
td,th{border:1px solid #999;padding:3px 6px;text-align:left}h1{font-size:20px}h2{font-size:15px;margin-top:1.5em}
@media print{button{display:none}}</style></head><body>
<button onclick="print()">打印 Print</button>
<h1 data-testid="report-title">${esc(r.title)}</h1>
<p>${esc(local(r.from))} — ${esc(local(r.to))} · 生成 Generated ${esc(local(r.generatedMs))}</p>
<p data-testid="report-checkpoint">签名检查点 Signed checkpoint: ${r.checkpoint ? `<code>${esc(r.checkpoint.hash)}</code> (${esc(r.checkpoint.log)} #${r.checkpoint.seq}, ${esc(local(r.checkpoint.time))})` : '— 尚无 none yet'}</p>
<h2>合规率 Compliance</h2><table><tr><th></th><th>应巡 Due</th><th>准时 On time</th><th>迟到 Late</th><th>未完成 Incomplete</th><th>漏巡 Missed</th><th>%</th></tr>
${tally('合计 Total', r.compliance)}${Object.values(r.byRoute).map((x) => tally(x.routeName, x)).join('')}${Object.entries(r.byOperator).map(([u, x]) => tally(u, x)).join('')}</table>
<h2>巡查 Rounds</h2><table><tr><th>路线 Route</th><th>应巡时间 Due</th><th>结果 Grade</th><th>值班员 Operator</th><th>班次 Shift</th></tr>
${r.rounds.map((s) => `<tr><td>${esc(s.routeName)}</td><td>${esc(local(s.slotMs))}</td><td>${esc(s.grade)}</td><td>${esc(s.username ?? '')}</td><td>${esc(s.shift)}</td></tr>`).join('')}</table>
${entries('异常 Anomalies', r.anomalies)}${entries('报警 / 派警 Alarms & dispatch', r.alarms)}${entries('设备故障 Equipment faults', r.faults)}${entries('交接班 Handovers', r.handovers)}
</body></html>`;
}
