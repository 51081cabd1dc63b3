import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../server/startup/node-flags.ts';
import { REPO_ROOT } from '../support/server.ts';

describe('server node flags', () => {
  it('npm start passes the same V8 flags as the test and bench launcher', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const start = pkg.scripts.start!;
    const launch = start.slice(start.indexOf('tsx '));
    for (const f of SERVER_NODE_FLAGS) expect(launch).toContain(` ${f} `);
    expect(launch.indexOf('server/main.ts')).toBeGreaterThan(Math.max(...SERVER_NODE_FLAGS.map((f) => launch.indexOf(f))));
  });
});
