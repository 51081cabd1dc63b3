import { execFileSync } from 'node:child_process';
import type { Watchpost } from './server.ts';

/**
 * SIGKILL a test server itself (the launcher runs it as a child of tsx), then the launcher: no clean stop, so the
 * broker sends its Last Will and nothing is flushed. Throws when the server process is not found.
 */
export function killHard(wp: Watchpost): void {
  const pid = wp.process().pid!;
  const kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  if (!kids.length) throw new Error(`no server process under the launcher ${pid}`);
  for (const k of kids) process.kill(k, 'SIGKILL');
  process.kill(pid, 'SIGKILL');
}
