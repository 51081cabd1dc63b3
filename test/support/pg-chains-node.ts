/**
 * One writer "node" for test/integration/pg-chains.test.ts, run as its own process (`node --import tsx`, started
 * by runNodes of pg-chain-run.ts): opens the database, says `ready`, waits for `go`, then `--count` times appends
 * an audit entry (AuditChainStore) and seals its own next segment of one of the two cameras, alternating
 * (SealChainStore); every 10th round it also tries to seal a segment every node tries (`shared-K`: exactly one
 * may win). The segment rows were indexed by the test (indexSegments). Prints one JSON line (ChainsNodeResult).
 * Any failure: message on stderr, exit 1.
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { AuditChainStore } from '../../server/audit/chain-store.ts';
import { SealChainStore } from '../../server/seal/chain-store.ts';
import { openSql, type SqlDb, type SqlTarget } from '../../server/store/sql/db.ts';
import { oddData, oddText } from './pg-odd-text.ts';

/** two cameras whose ids are hostile too: emoji, combining marks, RTL, U+2028 */
export const SEAL_CAMS = ['cam-🎥-e\u0301\u0323', 'מצלמה\u2028ב-\u202Eevil\u202C'];

export const ownPath = (node: string, i: number) => `${SEAL_CAMS[i % 2]}/2026-12-04/${node} ${i} 🚨.mp4`;
export const sharedPath = (k: number) => `${SEAL_CAMS[k % 2]}/2026-12-04/shared ${k} ‏עברית‎.mp4`;
/** the digest a node seals a path with (no files: the store links what the hash worker would report) */
export const fakeDigest = (path: string) => ({ path, bytes: 1000 + path.length, sha256: createHash('sha256').update(path).digest('hex') });

export interface ChainsNodeResult {
  node: string;
  /** [id, hash] of each audit entry appended */
  audit: [number, string][];
  /** [camera, seq, hash, path] of each seal made */
  seals: [string, number, string, string][];
  ms: number;
}

/** Index the segment rows the nodes will seal (the recorder's part, not ported yet: plain inserts). */
export async function indexSegments(s: SqlDb, nodes: string[], count: number): Promise<void> {
  const paths = [...nodes.flatMap((n) => Array.from({ length: count }, (_, i) => ownPath(n, i))), ...Array.from({ length: Math.ceil(count / 10) }, (_, k) => sharedPath(k))];
  for (let i = 0; i < paths.length; i += 200) {
    await s.db
      .insertInto('segments')
      .values(paths.slice(i, i + 200).map((path, j) => ({ camera_id: path.split('/')[0]!, path, start_ms: 1_764_835_200_000 + (i + j) * 1000, end_ms: 1_764_835_201_000 + (i + j) * 1000, bytes: 0, codec: 'h264', created_at: 1 })))
      .execute();
  }
}

const isMain = process.argv[1]?.endsWith('pg-chains-node.ts');
if (isMain) await main();

async function main(): Promise<void> {
  const args = new Map<string, string>();
  for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
  const node = args.get('node') ?? 'node';
  const count = Number(args.get('count') ?? '150');
  const jitterMs = Number(args.get('jitter-ms') ?? '0');
  const target: SqlTarget = args.get('engine') === 'postgres' ? { engine: 'postgres', url: args.get('url')! } : { engine: 'sqlite', file: args.get('file')! };
  const s = openSql(target, { poolSize: 2 });
  const audit = new AuditChainStore(s);
  const seals = new SealChainStore(s);
  await s.db.selectFrom('chain_heads').select('seq').execute();
  process.stdout.write('ready\n');
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => rl.once('line', () => resolve()));
  rl.close();

  const out: ChainsNodeResult = { node, audit: [], seals: [], ms: 0 };
  const t0 = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const e = await audit.append({
        action: i % 2 ? 'live.view.start' : 'export.create',
        actor: { id: i % 5 ? 7 : null, username: `${node} 操作员 ‏עברית‎`, role: 'operator', ip: '127.0.0.1' },
        cameraId: SEAL_CAMS[i % 2],
        target: oddText(node, i),
        atMs: 1_764_835_200_000 + i,
        detail: oddData(node, i),
      });
      out.audit.push([e.id, e.hash]);
      const paths = i % 10 === 0 ? [ownPath(node, i), sharedPath(i / 10)] : [ownPath(node, i)];
      for (const path of paths) {
        const seal = await seals.seal(fakeDigest(path));
        if (seal) out.seals.push([seal.camera, seal.seq, seal.hash, seal.path]);
      }
      if (jitterMs > 0) await new Promise((r) => setTimeout(r, Math.random() * jitterMs));
    }
  } catch (err) {
    process.stderr.write(`${node}: round ${out.audit.length + 1} failed: ${(err as Error).stack ?? String(err)}\n`);
    await s.close();
    process.exit(1);
  }
  out.ms = performance.now() - t0;
  await s.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}
