#!/usr/bin/env node
// Before the tests: are the system packages there? One line naming what is missing and how to install it,
// instead of a failure deep inside a test. Debian/Ubuntu (dpkg); elsewhere it says it cannot check and goes on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const list = readFileSync(fileURLToPath(new URL('./system-packages.txt', import.meta.url)), 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean);

export function missingPackages() {
  let out;
  try {
    out = execFileSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\\n', ...list], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    if (e.code === 'ENOENT') return undefined; // not Debian: cannot check
    out = String(e.stdout ?? ''); // dpkg-query exits 1 when some are unknown; what it printed still counts
  }
  const installed = new Set(out.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0]));
  return list.filter((p) => !installed.has(p));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const missing = missingPackages();
  if (missing === undefined) {
    process.stderr.write('system-check: no dpkg here, cannot check the system packages (see scripts/system-packages.txt)\n');
  } else if (missing.length) {
    process.stderr.write(`system-check: missing system packages: ${missing.join(' ')} — install them with: sudo npm run setup:system\n`);
    process.exit(1);
  }
}
