/**
 * vitest globalSetup for the e2e project: the server serves web/dist, so build the console once before
 * the browser tests when it is missing or older than any file under web/src or shared/ (the wire module the
 * console imports too) or web/index.html (npm install builds it too; this covers edits made since).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './server.ts';

function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
}

export default function buildConsole(): void {
  const index = join(REPO_ROOT, 'web/dist/index.html');
  const srcTime = Math.max(newest(join(REPO_ROOT, 'web/src')), newest(join(REPO_ROOT, 'shared')), statSync(join(REPO_ROOT, 'web/index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= srcTime) return;
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
  });
}
