/**
 * `--profile`: where Chromium's CPU goes during the measurement window.
 *  - Threads: utime+stime of every thread of every Chromium process over the window, grouped by process type
 *    (--type=renderer, gpu-process, utility, browser) and thread name (/proc/<pid>/task/<tid>/comm, digits
 *    dropped): main thread JS vs media decode vs compositor vs hls.js' worker, from the kernel's books.
 *  - Main thread JS: a V8 sampling CPU profile of the page over CDP (Profiler.start/stop, 1 ms), self time
 *    grouped by source (hls.js by its own module names, the bench's frame read-back, GC, native program).
 *    hls.js' transmuxer runs in its Web Worker (enableWorker), which the page's profile does not see; the
 *    thread table does ("DedicatedWorker").
 *  - Performance.getMetrics deltas of the page (TaskDuration, ScriptDuration, Layout, RecalcStyle).
 * The profile runs load hls.js' unminified build (dist/hls.js) so function names are readable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import { clockTicks, processTree, readCmdline } from '../proc.ts';

export interface ProfileResult {
  seconds: number;
  /** % of one core per "process type / thread name", largest first */
  threads: { name: string; pct: number }[];
  /** main-thread JS self time per group, % of one core */
  groups: { name: string; pct: number }[];
  /** top self-time functions, % of one core */
  top: { fn: string; group: string; pct: number }[];
  /** Performance.getMetrics deltas, % of one core */
  metrics: Record<string, number>;
}

interface CallFrame { functionName: string; url: string; lineNumber: number; scriptId: string }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function threadTicks(rootPid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of processTree(rootPid)) {
    const cmd = readCmdline(p.pid);
    const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? (p.pid === rootPid ? 'browser' : p.comm);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const s = readFileSync(`/proc/${p.pid}/task/${tid}/stat`, 'utf8');
        const close = s.lastIndexOf(')');
        const f = s.slice(close + 2).split(' ');
        const comm = readFileSync(`/proc/${p.pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+$/, '').trim();
        const key = `${type} / ${comm}`;
        out.set(key, (out.get(key) ?? 0) + Number(f[11]) + Number(f[12]));
      } catch {
        // thread gone
      }
    }
  }
  return out;
}

/** hls.js module (unminified build keeps class names) or the bench's own code, from a function name + url. */
function groupOf(cf: CallFrame): string {
  const fn = cf.functionName;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'native (program: rendering, media, IPC on the main thread)';
  if (fn === '(idle)') return 'idle';
  if (fn === '(root)') return 'root';
  const bench = /^(drawImage|getImageData|decodeClock|luma|onFrame|requestVideoFrameCallback|catchUp|samplePlayers|measureDrift)$/.test(fn);
  if (bench) return /drawImage|getImageData|decodeClock|luma|onFrame|requestVideoFrameCallback/.test(fn) ? 'bench frame read-back' : 'bench page timers';
  if (cf.scriptId === '0' || !cf.scriptId) {
    if (/^(send|open|XMLHttpRequest|getAllResponseHeaders|getResponseHeader|abort)$/.test(fn)) return 'native XHR (send/open/headers)';
    if (/^(appendBuffer|remove|getBuffered|addSourceBuffer|changeType|endOfStream|setLiveSeekableRange|buffered)$/.test(fn)) return 'native MSE (appendBuffer/buffered/remove)';
    if (fn === 'postMessage') return 'native postMessage (to/from the hls.js worker)';
    if (/^(setTimeout|clearTimeout|setInterval|clearInterval|now)$/.test(fn)) return 'native timers';
    return 'native other';
  }
  if (/parse|M3U8|Playlist|LevelDetails|AttrList|DateRange|attr/i.test(fn)) return 'hls.js playlist load/parse';
  if (/append|Buffer|sourceBuffer|flush|Operation|blockBuffers|TimeRanges|timeRanges/i.test(fn)) return 'hls.js buffer / MSE';
  if (/Loader|xhr|XMLHttp|readystate|loadProgress|onProgress|fetch|stats|Header|Url|Cache/i.test(fn)) return 'hls.js network loaders';
  if (/remux|demux|transmux|mp4|moof|trun|mdat|box|Transmuxer|Worker|postMessage/i.test(fn)) return 'hls.js transmux (main thread side)';
  return 'hls.js other (stream/latency/gap/tick)';
}

export interface Profiler {
  stop(): Promise<ProfileResult>;
}

export async function startProfile(page: Page, chromiumPid: number | undefined): Promise<Profiler> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  const m0 = (await cdp.send('Performance.getMetrics')).metrics;
  const t0 = chromiumPid ? threadTicks(chromiumPid) : new Map<string, number>();
  const at0 = performance.now();
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      const seconds = (performance.now() - at0) / 1000;
      const t1 = chromiumPid ? threadTicks(chromiumPid) : new Map<string, number>();
      const m1 = (await cdp.send('Performance.getMetrics')).metrics;
      await cdp.detach().catch(() => undefined);
      const pct = (ms: number) => Math.round((ms / 1000 / seconds) * 1000) / 10;
      const threads = [...t1].map(([name, v]) => ({ name, pct: Math.round(((v - (t0.get(name) ?? 0)) / clockTicks() / seconds) * 1000) / 10 }))
        .filter((x) => x.pct >= 0.5).sort((a, b) => b.pct - a.pct);
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const selfMs = new Map<number, number>();
      profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000));
      const groups = new Map<string, number>();
      const fns = new Map<string, { group: string; ms: number }>();
      for (const [id, ms] of selfMs) {
        const cf = byId.get(id)!.callFrame;
        const g = groupOf(cf);
        groups.set(g, (groups.get(g) ?? 0) + ms);
        const file = cf.url.split('/').pop() || '-';
        const k = `${cf.functionName || '(anonymous)'} ${file}:${cf.lineNumber + 1}`;
        const e = fns.get(k) ?? { group: g, ms: 0 };
        e.ms += ms;
        fns.set(k, e);
      }
      const metric = (list: { name: string; value: number }[], n: string) => list.find((x) => x.name === n)?.value ?? 0;
      const metrics: Record<string, number> = {};
      for (const n of ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration']) metrics[n] = pct((metric(m1, n) - metric(m0, n)) * 1000);
      return {
        seconds: Math.round(seconds * 10) / 10,
        threads,
        groups: [...groups].filter(([g]) => g !== 'idle' && g !== 'root').map(([name, ms]) => ({ name, pct: pct(ms) })).sort((a, b) => b.pct - a.pct),
        top: [...fns].filter(([, e]) => e.group !== 'idle').map(([fn, e]) => ({ fn, group: e.group, pct: pct(e.ms) })).sort((a, b) => b.pct - a.pct).slice(0, 25),
        metrics,
      };
    },
  };
}

export function profileText(label: string, p: ProfileResult): string {
  const out = [`profile ${label} (${p.seconds} s; % of one core)`, `  page metrics: ${Object.entries(p.metrics).map(([k, v]) => `${k} ${v} %`).join(', ')}`, '  Chromium threads:'];
  for (const t of p.threads.slice(0, 18)) out.push(`    ${t.pct.toFixed(1).padStart(6)}  ${t.name}`);
  out.push('  main-thread JS self time by source:');
  for (const g of p.groups.filter((x) => x.pct >= 0.1)) out.push(`    ${g.pct.toFixed(1).padStart(6)}  ${g.name}`);
  out.push('  top functions (self):');
  for (const f of p.top.slice(0, 15)) out.push(`    ${f.pct.toFixed(1).padStart(6)}  ${f.fn}  [${f.group}]`);
  return out.join('\n');
}
