/**
 * Linux /proc helpers for the benchmarks: process trees, CPU time (utime+stime) and memory.
 *
 * CPU of a process tree over a window is measured as the change of
 *   Σ over the tree's live processes of (utime + stime + cutime + cstime)
 * cutime/cstime hold the CPU of children that already exited and were reaped, so an ffmpeg that
 * is restarted during the window is still counted (its time moves into the parent's cutime).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clkTck = 0;
/** Kernel clock ticks per second (USER_HZ), normally 100. */
export function clockTicks(): number {
  if (clkTck) return clkTck;
  try {
    clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    clkTck = 100;
  }
  return clkTck;
}

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
  /** ticks */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  /** start time in ticks since boot: with pid it identifies a process even if the pid is reused */
  starttime: number;
}

export function readStat(pid: number): ProcStat | undefined {
  let s: string;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const open = s.indexOf('(');
  const close = s.lastIndexOf(')');
  if (open < 0 || close < 0) return undefined;
  // fields after "pid (comm) ": state is field 3 of proc(5), i.e. index 0 here
  const f = s.slice(close + 2).split(' ');
  const n = (i: number) => Number(f[i] ?? 0);
  return {
    pid,
    comm: s.slice(open + 1, close),
    state: f[0] ?? '?',
    ppid: n(1),
    utime: n(11),
    stime: n(12),
    cutime: n(13),
    cstime: n(14),
    starttime: n(19),
  };
}

export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** VmRSS in bytes (0 if the process is gone). */
export function readRss(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size in bytes (shared pages split between the processes sharing them). */
export function readPss(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (st) out.push(st);
  }
  return out;
}

/** The process rootPid and all its live descendants (root first, parents before children). */
export function processTree(rootPid: number): ProcStat[] {
  const stats = allStats();
  const byParent = new Map<number, ProcStat[]>();
  let root: ProcStat | undefined;
  for (const st of stats) {
    if (st.pid === rootPid) root = st;
    const list = byParent.get(st.ppid);
    if (list) list.push(st);
    else byParent.set(st.ppid, [st]);
  }
  if (!root) return [];
  const out: ProcStat[] = [];
  const queue: ProcStat[] = [root];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(byParent.get(p.pid) ?? []));
  }
  return out;
}

/** Total CPU ticks of a tree including reaped children (see the file comment). */
export function treeTicks(tree: ProcStat[]): number {
  return tree.reduce((a, p) => a + p.utime + p.stime + p.cutime + p.cstime, 0);
}

export function ownTicks(p: ProcStat | undefined): number {
  return p ? p.utime + p.stime : 0;
}

export const procKey = (p: ProcStat): string => `${p.pid}:${p.starttime}`;

/** Machine-wide busy ticks (all CPUs) from /proc/stat: everything but idle and iowait. */
export function machineBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal (guest is inside user)
  return total - (v[3] ?? 0) - (v[4] ?? 0);
}

/** Send a signal to a pid if that exact process (pid + start time) still exists. */
export function killIfSame(pid: number, starttime: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  const st = readStat(pid);
  if (!st || st.starttime !== starttime || st.state === 'Z') return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
