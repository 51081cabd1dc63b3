/** The real Watchpost server with N cameras on one RTSP URL, live HLS on tmpfs. */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { login, startWatchpost, type Watchpost } from '../../test/support/server.ts';
import type { Cleanup } from '../cleanup.ts';
import { killIfSame, processTree, type ProcStat } from '../proc.ts';
import { sleep } from '../stats.ts';
import { log } from './log.ts';

export interface BenchServer {
  wp: Watchpost;
  cookie: string;
  rootPid: number;
  cameraIds: string[];
  online: number;
  /** remember a process of the tree so that stop() can make sure it is gone */
  remember(p: ProcStat): void;
  stop(): Promise<void>;
}

interface CameraView {
  id: string;
  status: string;
}

export async function cameraStatuses(baseUrl: string, cookie: string): Promise<CameraView[]> {
  const res = await fetch(`${baseUrl}/api/cameras`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET /api/cameras: ${res.status} ${await res.text()}`);
  return (await res.json()) as CameraView[];
}

export function countBy(list: CameraView[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of list) out[c.status] = (out[c.status] ?? 0) + 1;
  return out;
}

function configYaml(n: number, rtspUrl: string, liveDir: string): string {
  const lines = ['server:', '  host: 127.0.0.1', 'storage:', '  segmentSeconds: 10', `  liveDir: ${JSON.stringify(liveDir)}`, 'cameras:'];
  for (let i = 1; i <= n; i++) lines.push(`  - id: cam-${i}`, `    name: "Cam ${i}"`, `    url: "${rtspUrl}"`);
  return lines.join('\n') + '\n';
}

function liveDirRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** Start Watchpost with cam-1…cam-N on rtspUrl and wait (≤ 60 s) until all are online. */
export async function startServer(n: number, rtspUrl: string, cleanup: Cleanup, verbose: boolean): Promise<BenchServer> {
  const liveDir = mkdtempSync(join(liveDirRoot(), 'wp-bench-live-'));
  const seen: ProcStat[] = [];
  const wp = await startWatchpost({ configYaml: configYaml(n, rtspUrl, liveDir), verbose });
  const stop = cleanup.add('Watchpost', async () => {
    const all = [...seen, ...processTree(wp.process().pid ?? -1)];
    await wp.dispose();
    let killed = 0;
    for (const p of all) if (killIfSame(p.pid, p.starttime)) killed++; // nothing of the tree may outlive it
    if (killed) log(`killed ${killed} leftover process(es) of the Watchpost tree`);
    rmSync(liveDir, { recursive: true, force: true });
  });
  try {
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    const deadline = Date.now() + 60_000;
    let views: CameraView[] = [];
    while (Date.now() < deadline) {
      views = await cameraStatuses(wp.url, cookie);
      if (views.length >= n && views.every((v) => v.status === 'online')) break;
      await sleep(500);
    }
    const online = views.filter((v) => v.status === 'online').length;
    log(`N=${n}: ${online}/${n} cameras online (${JSON.stringify(countBy(views))})`);
    if (online === 0) throw new Error(`no camera came online in 60 s:\n${wp.output().slice(-2000)}`);
    return {
      wp,
      cookie,
      rootPid: wp.process().pid!,
      cameraIds: Array.from({ length: n }, (_, i) => `cam-${i + 1}`),
      online,
      remember: (p) => {
        if (!seen.some((q) => q.pid === p.pid && q.starttime === p.starttime)) seen.push(p);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
