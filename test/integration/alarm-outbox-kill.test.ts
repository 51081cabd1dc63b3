/**
 * Issue J: an alarm and its MQTT outbox row commit together. A node process raises and acknowledges alarms in a
 * tight loop, its broker away (every event stays in the outbox), and is killed with SIGKILL — most likely inside
 * or right after a write transaction. Afterwards every stored alarm has exactly its events in the outbox: one
 * "raised", and one acknowledged "updated" when the stored alarm is acknowledged — none lost, none for an alarm
 * that was rolled back.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';

const NODE = join(import.meta.dirname, '..', 'support', 'alarm-outbox-node.ts');
const dir = mkdtempSync(join(tmpdir(), 'wp-alarm-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the node on a fresh file, kill it after `killAt` alarms; what the file holds then. */
async function killedRun(name: string, killAt: number, extra: string[] = []) {
  const file = join(dir, `${name}.db`);
  const p = spawn(process.execPath, ['--import', 'tsx', NODE, '--file', file, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => p.once('exit', (_code, signal) => resolve(signal)));
  createInterface({ input: p.stdout }).on('line', (l) => {
    if (l === `at ${killAt}`) p.kill('SIGKILL');
  });
  const signal = await exited;
  expect(signal, err).toBe('SIGKILL');
  const db = new Database(file, { readonly: true });
  const alarms = db.prepare('SELECT id, status FROM alarms ORDER BY id').all() as { id: number; status: string }[];
  const events = (db.prepare('SELECT payload FROM mqtt_outbox ORDER BY seq').all() as { payload: string }[]).map(
    (r) => JSON.parse(r.payload) as { event: string; alarm: { id: number; status: string } },
  );
  db.close();
  const expected = alarms.flatMap((a) => [`${a.id} raised open`, ...(a.status === 'acknowledged' ? [`${a.id} updated acknowledged`] : [])]);
  const got = events.map((e) => `${e.alarm.id} ${e.event} ${e.alarm.status}`);
  return { alarms, expected, got };
}

test('SIGKILL in a tight loop of alarm writes: every stored alarm has exactly its outbox events', { timeout: 120_000 }, async () => {
  for (const [i, killAt] of [150, 233].entries()) {
    const r = await killedRun(`tx-${i}`, killAt);
    expect(r.alarms.length).toBeGreaterThanOrEqual(killAt);
    expect(r.got).toEqual(r.expected);
  }
});
