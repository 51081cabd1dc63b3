/** The equipment report as CSV (Excel-friendly, BOM added by the route) and as a printable bilingual sheet. */
import type { EquipmentReport } from './report.ts';
import { csvLine } from '../util/csv.ts';
import { siteIso } from '../util/site-time.ts';

const row = (...cells: unknown[]) => csvLine(cells);
const iso = siteIso;

export function equipmentCsv(r: EquipmentReport): string {
  const out = [row('equipment report', r.date), row('from', iso(r.from)), row('to', iso(r.to)), row('threshold', r.threshold), ''];
  out.push(row('camera', 'name', 'online_minutes', 'completeness_percent', 'offline_episodes', 'clock_offset_ms', 'tamper_alarms', 'restarts', 'flagged'));
  for (const c of r.cameras) out.push(row(c.id, c.name, c.onlineMinutes, (c.completeness * 100).toFixed(2), c.offlineEpisodes, c.clockOffsetMs ?? '', c.tamperAlarms, c.restarts, c.flagged ? 'yes' : 'no'));
  out.push('', row('gap', 'camera', 'start', 'end', 'seconds', 'reason'));
  for (const c of r.cameras) for (const g of c.gaps) out.push(row('gap', c.id, iso(g.start), iso(g.end), Math.round((g.end - g.start) / 1000), g.reason));
  return out.join('\r\n') + '\r\n';
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function equipmentHtml(r: EquipmentReport, timeZone: string): string {
  const t = (ms: number) => new Date(ms).toLocaleString('zh-CN', { hour12: false, timeZone });
  const rows = r.cameras
    .map(
      (c) => `<tr${c.flagged ? ' class="bad"' : ''} data-testid="equipment-row" data-camera="${esc(c.id)}"><td>${esc(c.name)}<br><small>${esc(c.id)}</small></td><td>${c.onlineMinutes}</td>
<td>${(c.completeness * 100).toFixed(2)} %</td><td>${c.offlineEpisodes}</td><td>${c.clockOffsetMs ?? '—'}</td><td>${c.tamperAlarms}</td><td>${c.restarts}</td>
<td>${c.flagged ? '⚠ 需处理 Check' : '✓'}</td><td>${c.gaps.map((g) => `${esc(t(g.start))} – ${esc(t(g.end))}: ${esc(g.reason)}`).join('<br>') || '—'}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>监控设备巡检 Equipment check ${esc(r.date)}</title>
<style>body{font:13px/1.4 system-ui,sans-serif;margin:2em;color:#000}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}
tr.bad td{background:#fde8e8}.sign{margin-top:3em;display:flex;gap:4em}@media print{button{display:none}}</style></head><body>
<button onclick="print()">打印 Print</button>
<h1>监控设备巡检 Daily equipment check · ${esc(r.date)}</h1>
<p>${esc(t(r.from))} — ${esc(t(r.to))} · 完整率阈值 Completeness threshold ${(r.threshold * 100).toFixed(0)} %</p>
<table><tr><th>摄像机 Camera</th><th>在线分钟 Online min</th><th>录像完整率 Completeness</th><th>离线次数 Offline</th><th>时钟偏差 ms Clock offset</th><th>遮挡报警 Tamper</th><th>重启 Restarts</th><th>状态 Status</th><th>录像缺失 Gaps</th></tr>
${rows}</table>
<div class="sign"><p>值班员签字 Duty operator: ____________</p><p>日期 Date: ____________</p></div>
</body></html>`;
}
