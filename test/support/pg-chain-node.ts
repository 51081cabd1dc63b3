/**
 * One writer "node" for test/integration/pg-chain.test.ts, run as its own process (`node --import tsx`):
 * opens the database (PostgreSQL URL or SQLite file), says `ready`, waits for `go` on stdin, migrates it if told
 * (`--migrate 1`: nodes starting at once on an empty database), appends `--count` entries through ChainStore
 * (server/dutylog/chain-store.ts; pausing up to `--jitter-ms` after each, printing `at N` every `--progress`)
 * and prints one JSON line: { node, entries: [[seq, hash], …], ms }. Any failure: message on stderr, exit 1.
 */
import { createInterface } from 'node:readline';
import { openSql, type SqlTarget } from '../../server/store/sql/db.ts';
import { ChainStore } from '../../server/dutylog/chain-store.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { oddData, oddText } from './pg-odd-text.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const node = args.get('node') ?? 'node';
const count = Number(args.get('count') ?? '200');
/** pause up to this many ms after each append (0: a tight loop) */
const jitterMs = Number(args.get('jitter-ms') ?? '0');
const target: SqlTarget = args.get('engine') === 'postgres' ? { engine: 'postgres', url: args.get('url')! } : { engine: 'sqlite', file: args.get('file')! };

/** print `at N` after every N-th entry (lets a test kill the node in the middle) */
const progress = Number(args.get('progress') ?? '0');

const migrate = args.get('migrate') === '1';

const s = openSql(target, { poolSize: 2 });
const store = new ChainStore(s);
// connect (and touch the schema) before the start signal, so the timed part is appends only
if (migrate) await s.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
else await s.db.selectFrom('chain_heads').select('seq').execute();
process.stdout.write('ready\n');
const rl = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => rl.once('line', () => resolve()));
rl.close();
if (migrate) await migrateSql(s);

const entries: [number, string][] = [];
const t0 = performance.now();
try {
  for (let i = 0; i < count; i++) {
    const e = await store.append({
      category: 'other',
      kind: 'manual',
      text: oddText(node, i),
      cameraId: i % 3 === 0 ? `cam-${node}-🎥` : null,
      author: { id: i % 5 === 0 ? null : 7, name: `${node} 操作员 ‏עברית‎` },
      refSeq: i > 0 && i % 50 === 0 ? entries[0]![0] : null,
      data: oddData(node, i),
    });
    entries.push([e.seq, e.hash]);
    if (progress > 0 && entries.length % progress === 0) process.stdout.write(`at ${entries.length}\n`);
    if (jitterMs > 0) await new Promise((r) => setTimeout(r, Math.random() * jitterMs));
  }
} catch (err) {
  process.stderr.write(`${node}: append ${entries.length + 1} failed: ${(err as Error).stack ?? String(err)}\n`);
  await s.close();
  process.exit(1);
}
const ms = performance.now() - t0;
await s.close();
process.stdout.write(JSON.stringify({ node, entries, ms }) + '\n');
