/** The printed tables (results, LL ÷ plain ratios, goals) and the JSON file in bench/results/. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/support/server.ts';
import { HLS_CONFIGS, PATH_LABEL } from './hls-config.ts';
import type { Options } from './options.ts';
import type { ConfigResult } from './run.ts';

const s2 = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'n/a' : (ms / 1000).toFixed(2));

function grid(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)];
}

function resultRows(results: ConfigResult[]): string[] {
  const head = ['cameras', 'GOP s', 'path', 'g2g p50 / p95 s', 'worst tile p50 / p95 s', 'now − PDT p50 s', 'stalls', 'CPU %/cam idle ¹', 'CPU %/cam playing ²', 'node + ffmpeg % ²', 'server RSS MB ²', 'Chromium %', 'source %', 'other %'];
  const rows = results.map((r) => {
    const p = r.playback;
    const c = p?.cpu;
    return [
      `${r.cameras}${r.stallRun ? ` (${Math.round((c?.seconds ?? 0) / 60)} min)` : ''}${r.ok ? '' : ' FAILED'}`,
      String(r.gopSeconds),
      PATH_LABEL[r.path],
      p ? `${s2(p.g2gMs.p50)} / ${s2(p.g2gMs.p95)}` : 'n/a',
      p ? `${s2(p.worstPlayerP50Ms)} / ${s2(p.worstPlayerP95Ms)}` : 'n/a',
      p ? s2(p.pdtLagMs.p50) : 'n/a',
      p ? `${p.stalls}${p.jumps ? ` (${p.jumps} jumps)` : ''}` : 'n/a',
      r.ingestCpu ? r.ingestCpu.perCameraPct.toFixed(2) : 'n/a',
      c ? c.perCameraPct.toFixed(2) : 'n/a',
      c ? `${c.nodePct} + ${c.ffmpegPct}` : 'n/a',
      c ? c.serverRssMB.toFixed(0) : 'n/a',
      c ? c.chromiumPct.toFixed(0) : 'n/a',
      c ? c.sourcePct.toFixed(0) : 'n/a',
      c ? c.otherPct.toFixed(0) : 'n/a',
    ];
  });
  return grid(head, rows);
}

function ratioRows(results: ConfigResult[]): string[] {
  const rows: string[][] = [];
  for (const ll of results.filter((r) => r.path === 'll' && !r.stallRun && r.playback)) {
    const pl = results.find((r) => r.path === 'plain' && !r.stallRun && r.cameras === ll.cameras && r.gopSeconds === ll.gopSeconds && r.playback);
    if (!pl) continue;
    const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? 'n/a' : (a / b).toFixed(2));
    const a = ll.playback!;
    const b = pl.playback!;
    rows.push([String(ll.cameras), String(ll.gopSeconds), ratio(a.g2gMs.p50, b.g2gMs.p50), ratio(a.g2gMs.p95, b.g2gMs.p95), ratio(a.cpu.perCameraPct, b.cpu.perCameraPct), `${a.stalls} / ${b.stalls}`]);
  }
  return rows.length ? grid(['cameras', 'GOP s', 'LL ÷ plain g2g p50', 'LL ÷ plain g2g p95', 'LL ÷ plain CPU/cam', 'stalls LL / plain'], rows) : [];
}

function goals(results: ConfigResult[]): string[] {
  const out: string[] = [];
  const ll16 = results.filter((r) => r.path === 'll' && r.cameras === 16 && !r.stallRun && r.playback);
  for (const r of ll16) {
    const g = r.playback!.g2gMs;
    const ok = g.p50 !== null && g.p95 !== null && g.p50 <= 1000 && g.p95 <= 1500;
    out.push(`${ok ? 'MET    ' : 'NOT MET'} 16 tiles LL-HLS GOP ${r.gopSeconds} s: p50 ${s2(g.p50)} s (≤ 1.0), p95 ${s2(g.p95)} s (≤ 1.5)`);
  }
  for (const n of [...new Set(results.map((r) => r.cameras))]) {
    const idle = results.filter((r) => r.cameras === n && r.ingestCpu).map((r) => r.ingestCpu!.perCameraPct);
    const playing = results.filter((r) => r.cameras === n && r.playback && !r.stallRun).map((r) => r.playback!.cpu.perCameraPct);
    if (!idle.length) continue;
    const worst = Math.max(...idle);
    out.push(`${worst <= 1 ? 'MET    ' : 'NOT MET'} server CPU per camera ≤ 1 % of a core, ${n} camera(s), no players: worst ${worst.toFixed(2)} %` +
      (playing.length ? ` (with ${n} player(s) playing: up to ${Math.max(...playing).toFixed(2)} %)` : ''));
  }
  for (const r of results.filter((x) => x.stallRun && x.playback)) {
    const p = r.playback!;
    const min = p.cpu.seconds / 60;
    out.push(`${p.stalls === 0 && min >= 10 ? 'MET    ' : 'NOT MET'} 0 stalls in a 10-minute ${r.cameras}-tile LL-HLS run: ${p.stalls} stall(s) in ${min.toFixed(1)} min`);
  }
  if (!results.some((r) => r.stallRun)) out.push('(no stall run: --stall-minutes 10)');
  return out;
}

export function table(results: ConfigResult[], o: Options): string {
  const out = [...resultRows(results), ''];
  for (const r of results) {
    const bits: string[] = [];
    if (r.error) bits.push(`ERROR: ${r.error.split('\n')[0]}`);
    if (r.playback) {
      const p = r.playback;
      bits.push(`${p.g2gMs.n} frames read (${p.framesUndecoded} unreadable), dropped ${p.droppedFrames}/${p.totalFrames}`,
        `stalls: ${p.bufferStalls} BUFFER_STALLED_ERROR + ${p.waiting} 'waiting'`,
        `hls.latency p50 ${p.hlsLatencyS.p50 ?? 'n/a'} s, hls.targetLatency p50 ${p.targetLatencyS?.p50 ?? 'n/a'} s`);
      if (p.errors.length) bits.push(`hls.js errors: ${p.errors.join(', ')}`);
    }
    bits.push(`online ${r.online}/${r.cameras}`, `source ${r.source.fpsDelivered ?? '?'} fps`);
    out.push(`  ${r.cameras} cam, GOP ${r.gopSeconds} s, ${PATH_LABEL[r.path]}: ${bits.join('; ')}`);
  }
  const ratios = ratioRows(results);
  if (ratios.length) out.push('', ...ratios);
  out.push('', 'Goals:', ...goals(results).map((g) => '  ' + g));
  out.push(
    '',
    `g2g: glass-to-glass, camera clock drawn into the frame → frame presented in Chromium (performance.timeOrigin + expectedDisplayTime),`,
    `  every presented frame of every tile over ${o.seconds} s (stall run: ${o.stallMinutes} min) after ${o.settle} s of playing, pooled; "worst tile" = the highest per-tile p50 / p95.`,
    'now − PDT: Date.now() − hls.playingDate every 500 ms per tile (the server\'s PDT clock → playhead; g2g − this ≈ camera → PDT).',
    `CPU: % of one core (${cpus().length} cores), utime+stime of the server's tree (node + ffmpeg + tsx launcher), ÷ cameras:`,
    `  ¹ over ${o.idleSeconds} s with no player, before the paths (the ingest cost; same window on both rows); ² during the g2g window,`,
    '  serving the N players. Chromium, the clock source and "other" (everything else on the box) are in the ² window. RSS: node server, mean.',
  );
  return out.join('\n');
}

function environment(): Record<string, unknown> {
  const cmd = (file: string, args: string[]) => {
    try {
      return execFileSync(file, args, { encoding: 'utf8', cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
    } catch {
      return null;
    }
  };
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return null;
    }
  };
  return {
    cpu: cpus()[0]?.model ?? null,
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    ffmpeg: cmd('ffmpeg', ['-version']),
    gstreamer: cmd('gst-inspect-1.0', ['--version']),
    chromium: cmd('/usr/bin/chromium', ['--version']),
    hlsjs: pkg('hls.js'),
    gitHead: cmd('git', ['rev-parse', '--short', 'HEAD']),
  };
}

export function writeJson(results: ConfigResult[], o: Options, startedAt: Date): string {
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `ingest-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const doc = {
    benchmark: 'ingest',
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    options: o,
    hlsConfigs: HLS_CONFIGS,
    environment: environment(),
    goals: goals(results),
    results,
  };
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return file;
}
