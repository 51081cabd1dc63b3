/**
 * CPU and memory over a window: utime+stime (incl. reaped children, see proc.ts) of the Watchpost tree
 * (tsx launcher, node server, every ffmpeg), of the clock source and of Chromium, and the machine's busy
 * time; RSS of the node server sampled every second.
 */
import { clockTicks, machineBusyTicks, ownTicks, processTree, readRss, treeTicks, type ProcStat } from '../proc.ts';

export interface CpuWindow {
  /** % of one core, averaged over the window */
  serverTotalPct: number;
  perCameraPct: number;
  nodePct: number;
  /** ffmpeg children (and the tsx launcher's share is in serverTotalPct only) */
  ffmpegPct: number;
  sourcePct: number;
  chromiumPct: number;
  machineBusyPct: number;
  /** machine busy − server − source − Chromium − this bench: everything else on the box */
  otherPct: number;
  serverRssMB: number;
  serverRssMaxMB: number;
  ffmpegProcesses: number;
  seconds: number;
}

export interface CpuTargets {
  serverRoot: number;
  sourcePid: number;
  chromiumPid: number | undefined;
  cameras: number;
  /** called with every process of the server's tree seen (for the cleanup's safety net) */
  seen?(p: ProcStat): void;
}

const MB = 1024 * 1024;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** The node server inside the launcher's tree: the node process that owns the ffmpegs. */
function findServer(tree: ProcStat[], rootPid: number): ProcStat | undefined {
  const nodes = tree.filter((p) => p.pid !== rootPid && p.comm.startsWith('node'));
  const ffParents = new Set(tree.filter((p) => p.comm === 'ffmpeg').map((p) => p.ppid));
  return nodes.find((p) => ffParents.has(p.pid)) ?? nodes[0];
}

function snapshot(t: CpuTargets) {
  const tree = processTree(t.serverRoot);
  for (const p of tree) t.seen?.(p);
  const server = findServer(tree, t.serverRoot);
  return {
    at: performance.now(),
    tree: treeTicks(tree),
    server: ownTicks(server),
    serverPid: server?.pid,
    ffmpeg: tree.filter((p) => p.comm === 'ffmpeg').reduce((a, p) => a + ownTicks(p) + p.cutime + p.cstime, 0),
    ffmpegProcs: tree.filter((p) => p.comm === 'ffmpeg' && p.state !== 'Z').length,
    source: treeTicks(processTree(t.sourcePid)),
    chromium: t.chromiumPid ? treeTicks(processTree(t.chromiumPid)) : 0,
    machine: machineBusyTicks(),
    bench: process.cpuUsage(),
  };
}

/** Start a window now; the returned function ends it and gives the numbers. */
export function startCpuWindow(t: CpuTargets): () => CpuWindow {
  const s0 = snapshot(t);
  const rss: number[] = [];
  const timer = setInterval(() => {
    if (s0.serverPid) rss.push(readRss(s0.serverPid));
    for (const p of processTree(t.serverRoot)) t.seen?.(p);
  }, 1000);
  return () => {
    clearInterval(timer);
    const s1 = snapshot(t);
    const dt = (s1.at - s0.at) / 1000;
    const pct = (d: number) => (d / clockTicks() / dt) * 100;
    const bench = process.cpuUsage(s0.bench);
    const total = pct(s1.tree - s0.tree);
    const source = pct(s1.source - s0.source);
    const chromium = pct(s1.chromium - s0.chromium);
    const machine = pct(s1.machine - s0.machine);
    const benchPct = ((bench.user + bench.system) / 1e6 / dt) * 100;
    if (s0.serverPid) rss.push(readRss(s0.serverPid));
    return {
      serverTotalPct: r1(total),
      perCameraPct: Math.round((total / t.cameras) * 100) / 100,
      nodePct: r1(pct(s1.server - s0.server)),
      ffmpegPct: r1(pct(s1.ffmpeg - s0.ffmpeg)),
      sourcePct: r1(source),
      chromiumPct: r1(chromium),
      machineBusyPct: r1(machine),
      otherPct: r1(Math.max(0, machine - total - source - chromium - benchPct)),
      serverRssMB: r1(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length) / MB),
      serverRssMaxMB: r1(Math.max(0, ...rss) / MB),
      ffmpegProcesses: s1.ffmpegProcs,
      seconds: r1(dt),
    };
  };
}
