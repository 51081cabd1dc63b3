import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../server/config/load.ts';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'w.yml');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('config', () => {
  it('fills defaults for an empty file', () => {
    const c = parseConfig('', 'w.yml');
    expect(c.server.port).toBe(8080);
    expect(c.storage).toMatchObject({ dataDir: './recordings', retentionDays: 30, diskQuotaGb: 0, segmentSeconds: 10 });
    expect(c.cameras).toEqual([]);
  });

  it('accepts a full camera section', () => {
    const c = parseConfig(
      [
        'server: {port: 9000}',
        'storage: {dataDir: /var/lib/wp, retentionDays: 14, diskQuotaGb: 500}',
        'cameras:',
        '  - id: gate-1',
        '    name: 东门 East gate',
        '    url: rtsp://10.0.0.5:554/Streaming/Channels/101',
        '    subUrl: rtsp://10.0.0.5:554/Streaming/Channels/102',
        '    username: admin',
        '    password: "12345"',
        '  - id: lobby',
        '    name: Lobby',
        '    file: demo.mp4',
        '    enabled: false',
      ].join('\n'),
    );
    expect(c.server.port).toBe(9000);
    expect(c.cameras).toHaveLength(2);
    expect(c.cameras[0]).toMatchObject({ id: 'gate-1', username: 'admin', password: '12345', enabled: true });
    expect(c.cameras[1]).toMatchObject({ id: 'lobby', file: 'demo.mp4', enabled: false });
  });

  it('rejects unknown keys with their path and line', () => {
    expect(problems('server:\n  port: 80\n  prot: 3\n')).toEqual(['w.yml:3: server.prot: unknown key "prot"']);
    expect(problems('cameras:\n  - id: a\n    name: A\n    file: x\n    colour: red\n')).toEqual([
      'w.yml:5: cameras.0.colour: unknown key "colour"',
    ]);
    expect(problems('extra: 1\n')).toEqual(['w.yml:1: extra: unknown key "extra"']);
    // a lone surrogate escape in a double-quoted YAML string is not text (it would break the chained records)
    expect(problems('cameras:\n  - id: a\n    name: "Gate \\udc00"\n    file: x\n')).toEqual([
      'w.yml: cameras.0.name: contains a lone surrogate escape (e.g. "\\udc00"), which is not text; remove it',
    ]);
  });

  it('reports wrong types and bad values with path and line, all at once', () => {
    const p = problems('server:\n  port: "eighty"\ncameras:\n  - id: Bad Id\n    name: x\n    url: http://cam/\n');
    expect(p).toContain('w.yml:2: server.port: Invalid input: expected number, received string');
    expect(p.some((l) => l.startsWith('w.yml:4: cameras.0.id:'))).toBe(true);
    expect(p).toContain('w.yml:6: cameras.0.url: must be an rtsp:// or rtsps:// URL');
  });

  it('needs exactly one of url or file, and unique ids', () => {
    expect(problems('cameras:\n  - id: a\n    name: A\n')[0]).toMatch(/cameras\.0: give exactly one of url/);
    expect(problems('cameras:\n  - {id: a, name: A, file: x}\n  - {id: a, name: B, file: y}\n')).toEqual([
      'w.yml:3: cameras.1.id: duplicate camera id "a"',
    ]);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(problems('server:\n  port: [1, 2\n')[0]).toMatch(/^w\.yml:\d+: YAML:/);
  });

  it('applies WATCHPOST_PORT and WATCHPOST_DATA_DIR and turns on the demo without a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cfg-'));
    const file = join(dir, 'w.yml');
    writeFileSync(file, 'server: {port: 9000}\n');
    const a = loadConfig(file, { WATCHPOST_PORT: '8181', WATCHPOST_DATA_DIR: '/tmp/x' });
    expect(a.config.server.port).toBe(8181);
    expect(a.config.storage.dataDir).toBe('/tmp/x');
    expect(a.config.demo).toBe(false);
    expect(() => loadConfig(file, { WATCHPOST_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig(join(dir, 'missing.yml'), {})).toThrow(/not found/);
  });
});
