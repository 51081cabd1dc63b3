/**
 * `npm test` first runs scripts/system-check.mjs (pretest, issue K): on Debian/Ubuntu it asks dpkg which of
 * scripts/system-packages.txt are installed and says in ONE line what is missing and how to install it, exiting 1
 * before any test runs. A fake dpkg-query first on PATH plays the package database.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server.ts';

const SCRIPT = join(REPO_ROOT, 'scripts/system-check.mjs');
const PACKAGES = readFileSync(join(REPO_ROOT, 'scripts/system-packages.txt'), 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean);

/** Runs the check with a fake dpkg-query that reports `installed` as installed and the rest as unknown. */
function check(installed: string[] | 'no dpkg') {
  const bin = mkdtempSync(join(tmpdir(), 'wp-syscheck-'));
  if (installed !== 'no dpkg') {
    const lines = installed.map((p) => `echo '${p} installed'`).join('\n');
    // like dpkg-query -W: prints the known packages, exits 1 when some are unknown
    writeFileSync(join(bin, 'dpkg-query'), `#!/bin/sh\n${lines}\n[ ${installed.length} -eq ${PACKAGES.length} ] || exit 1\n`);
    chmodSync(join(bin, 'dpkg-query'), 0o755);
  }
  const r = spawnSync(process.execPath, [SCRIPT], { env: { PATH: installed === 'no dpkg' ? bin : `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
  return { code: r.status, err: r.stderr, out: r.stdout };
}

describe('system check before the tests', () => {
  it('lists the missing packages in one line with the command that installs them, and fails', () => {
    const r = check(PACKAGES.filter((p) => p !== 'chromium' && p !== 'iproute2'));
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/missing system packages: chromium iproute2 — install them with: sudo npm run setup:system/);
  });

  it('says nothing and passes when everything is installed', () => {
    const r = check(PACKAGES);
    expect(r.code).toBe(0);
    expect(r.err + r.out).toBe('');
  });

  it('without dpkg (not Debian) it says it cannot check and goes on', () => {
    const r = check('no dpkg');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/cannot check the system packages/);
  });

  it('npm test runs it first, and setup:system installs the same list with apt', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe('node scripts/system-check.mjs');
    expect(pkg.scripts['setup:system']).toBe('bash scripts/setup-system.sh');
    const setup = readFileSync(join(REPO_ROOT, 'scripts/setup-system.sh'), 'utf8');
    expect(setup).toMatch(/apt-get[^\n]*install/);
    expect(setup).toContain('system-packages.txt');
    expect(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^bash scripts\/setup-system\.sh/m);
  });
});
