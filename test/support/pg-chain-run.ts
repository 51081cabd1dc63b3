/**
 * Runs the writer "nodes" of test/integration/pg-chain.test.ts: NODES separate processes of pg-chain-node.ts
 * (or another node script: `script`, e.g. pg-chains-node.ts of pg-chains.test.ts) against one database, started
 * together once all are connected; optionally one is SIGKILLed mid-run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SqlTarget } from '../../server/store/sql/db.ts';

export const NODES = ['node-a', 'node-b', 'node-c'];
export const PER_NODE = 200;
const NODE_SCRIPT = join(import.meta.dirname, 'pg-chain-node.ts');

export interface NodeResult {
  node: string;
  entries: [number, string][];
  ms: number;
}

function targetArgs(t: SqlTarget): string[] {
  return t.engine === 'postgres' ? ['--engine', 'postgres', '--url', t.url] : ['--engine', 'sqlite', '--file', t.file];
}

export interface NodeOptions {
  count?: number;
  jitterMs?: number;
  /** migrate the database after the start signal (nodes starting at once on an empty database) */
  migrate?: boolean;
  /** SIGKILL this node once it reports this many entries appended */
  killAt?: Record<string, number>;
  /** the node script (default pg-chain-node.ts) and extra arguments for it */
  script?: string;
  args?: string[];
}

/**
 * Start the node processes, wait until all are connected, start them together; their results (a killed node:
 * none) and the wall time.
 */
export async function runNodes<R extends { node: string } = NodeResult>(t: SqlTarget, o: NodeOptions = {}): Promise<{ results: R[]; seconds: number }> {
  const procs = NODES.map((node) => {
    const killAt = o.killAt?.[node];
    const count = killAt ? 100_000 : (o.count ?? PER_NODE);
    const argv = [...targetArgs(t), '--node', node, '--count', String(count), '--jitter-ms', String(o.jitterMs ?? 0)];
    if (o.migrate) argv.push('--migrate', '1');
    if (killAt) argv.push('--progress', String(killAt));
    argv.push(...(o.args ?? []));
    const p = spawn(process.execPath, ['--import', 'tsx', o.script ?? NODE_SCRIPT, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const lines: string[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: p.stdout }).on('line', (l) => {
        lines.push(l);
        if (l === 'ready') resolve();
        if (killAt && l === `at ${killAt}`) p.kill('SIGKILL');
      });
      p.once('exit', (code) => reject(new Error(`${node} exited (${code}) before it was ready:\n${err}`)));
    });
    const done = new Promise<R | undefined>((resolve, reject) =>
      p.once('exit', (code, signal) => {
        if (killAt && signal === 'SIGKILL') return resolve(undefined);
        if (code !== 0) return reject(new Error(`${node} failed (exit ${code ?? signal}):\n${err}`));
        resolve(JSON.parse(lines.at(-1)!) as R);
      }),
    );
    done.catch(() => undefined);
    return { p, ready, done };
  });
  await Promise.all(procs.map((x) => x.ready));
  const t0 = performance.now();
  for (const x of procs) x.p.stdin.end('go\n');
  const done: (R | undefined)[] = await Promise.all(procs.map((x) => x.done));
  const results = done.filter((r): r is R => r !== undefined);
  return { results, seconds: (performance.now() - t0) / 1000 };
}
