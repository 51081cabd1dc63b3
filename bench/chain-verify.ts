/**
 * Streaming verification of the hash chains on the SQL layer (issue J, docs/cluster.md): time and peak memory
 * to verify N entries (default 100 000) of the duty log, the audit trail and one camera's seal chain, on
 * PostgreSQL (a throwaway cluster, test/support/postgres.ts) and on an SQLite WAL file.
 *
 *   npm run bench:chains                         # 100 000 entries, both engines
 *   npm run bench:chains -- --entries 20000 --engines sqlite
 *
 * The chains are filled with valid entries built by the server's own functions (chainContent + entryHash,
 * auditRowBase + rowHash, sealHash) in bulk inserts. Each verification runs in its own process (so one heap
 * does not inherit another's garbage): `stream` is the stores' verify() (pages of 2000); `all` is the old way
 * (every page read into one array, then verified) for comparison. Memory: the process's RSS just before
 * verifying and its peak RSS (getrusage); the V8 heap above the start, sampled around every page read (garbage
 * included); and the same with a full GC before each sample (a second run): what the verification retains.
 * Prints a table, then one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditChainStore } from '../server/audit/chain-store.ts';
import { auditRowBase, rowHash, verifyAuditRows } from '../server/audit/log.ts';
import { GENESIS_HASH, entryHash, verifyChain } from '../server/dutylog/chain.ts';
import { ChainStore, chainContent } from '../server/dutylog/chain-store.ts';
import { SealChainStore } from '../server/seal/chain-store.ts';
import { sealHash, verifySeals } from '../server/seal/chain.ts';
import { openSql, type SqlDb, type SqlTarget } from '../server/store/sql/db.ts';
import { migrateSql } from '../server/store/sql/migrations.ts';
import { sealChainLog } from '../server/store/sql/migrations-chains.ts';
import { startPostgres } from '../test/support/postgres.ts';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const log = (m: string) => process.stderr.write(`[bench:chains] ${m}\n`);
const CAM = 'cam-1';
const T = 1_764_835_200_000;
const CHAINS = ['duty_log', 'audit_log', 'seal'] as const;
type Chain = (typeof CHAINS)[number];

async function fill(s: SqlDb, n: number): Promise<void> {
  const batch = 1000;
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i += batch) {
    const rows = [];
    for (let seq = i + 1; seq <= Math.min(n, i + batch); seq++) {
      const c = chainContent({ category: 'other', kind: 'manual', text: `entry ${seq} 🚨 שלום e\u0301`, cameraId: CAM, author: { id: 7, name: '值班员' }, data: { seq } }, seq, T + seq);
      const hash = entryHash(prev, c);
      rows.push({ seq, ts_ms: c.ts, camera_id: c.cameraId, category: c.category, kind: c.kind, text: c.text, author_id: c.authorId, author_name: c.authorName, ref_seq: null, data_json: JSON.stringify(c.data), prev_hash: prev, hash });
      prev = hash;
    }
    await s.db.insertInto('duty_log').values(rows).execute();
  }
  await s.db.updateTable('chain_heads').set({ seq: n, hash: prev }).where('log', '=', 'duty_log').execute();
  prev = GENESIS_HASH;
  for (let i = 0; i < n; i += batch) {
    const rows = [];
    for (let id = i + 1; id <= Math.min(n, i + batch); id++) {
      const base = auditRowBase({ action: 'live.view.start', actor: { id: 7, username: 'operator 操作员', role: 'operator', ip: '127.0.0.1' }, cameraId: CAM, target: `view ${id}`, detail: { id } }, id, T + id);
      const hash = rowHash(prev, base);
      rows.push({ ...base, prev_hash: prev, hash });
      prev = hash;
    }
    await s.db.insertInto('audit_log').values(rows).execute();
  }
  await s.db.updateTable('chain_heads').set({ seq: n, hash: prev }).where('log', '=', 'audit_log').execute();
  prev = GENESIS_HASH;
  for (let i = 0; i < n; i += batch) {
    const rows = [];
    for (let seq = i + 1; seq <= Math.min(n, i + batch); seq++) {
      const path = `${CAM}/2026-12-04/${String(seq).padStart(7, '0')}.mp4`;
      const sha256 = seq.toString(16).padStart(64, '0');
      const hash = sealHash(prev, { camera: CAM, seq, path, bytes: 4_000_000, sha256 });
      rows.push({ camera_id: CAM, path, start_ms: T + seq * 10_000, end_ms: T + (seq + 1) * 10_000, bytes: 4_000_000, codec: 'h264', created_at: T, sha256, seal_seq: seq, seal_hash: hash });
      prev = hash;
    }
    await s.db.insertInto('segments').values(rows).execute();
  }
  await s.db.insertInto('chain_heads').values({ log: sealChainLog(CAM), seq: n, hash: prev }).execute();
}

/** Child: verify one chain one way, print {seconds, ok, entries, rssBeforeMiB, rssPeakMiB, heapPeakMiB}. */
async function child(t: SqlTarget, chain: Chain, mode: 'stream' | 'all', retained: boolean): Promise<void> {
  const s = openSql(t, { poolSize: 1 });
  await s.db.selectFrom('chain_heads').select('seq').execute(); // connected, schema touched
  const duty = new ChainStore(s);
  const audit = new AuditChainStore(s);
  const seals = new SealChainStore(s);
  let heapPeak = 0;
  // `retained`: a full GC before each sample, so the peak is what verification holds, not garbage not yet collected
  const sample = () => {
    if (retained) globalThis.gc?.();
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  const readDuty = duty.page.bind(duty);
  duty.page = async (a, l) => (sample(), await readDuty(a, l).finally(sample));
  const readAudit = audit.page.bind(audit);
  audit.page = async (a, l) => (sample(), await readAudit(a, l).finally(sample));
  const readSeals = seals.page.bind(seals);
  seals.page = async (c, a, l) => (sample(), await readSeals(c, a, l).finally(sample));
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  heapPeak = heapBefore;
  const t0 = performance.now();
  let ok: boolean;
  let entries: number;
  if (mode === 'stream') {
    if (chain === 'duty_log') ({ ok, entries } = await duty.verify());
    else if (chain === 'audit_log') ({ ok, count: entries } = await audit.verify());
    else ({ ok, seals: entries } = await seals.verify(CAM));
  } else {
    const all: unknown[] = [];
    const page = (a: number, l: number) => (chain === 'duty_log' ? duty.page(a, l) : chain === 'audit_log' ? audit.page(a, l) : seals.page(CAM, a, l));
    for (let after = 0; ; ) {
      const p = (await page(after, 2000)) as { seq?: number; id?: number }[];
      if (!p.length) break;
      all.push(...p);
      after = p.at(-1)!.seq ?? p.at(-1)!.id!;
    }
    sample();
    if (chain === 'duty_log') ({ ok, entries } = verifyChain(all as never));
    else if (chain === 'audit_log') ({ ok, count: entries } = verifyAuditRows(all as never));
    else {
      ok = verifySeals(CAM, all as never).ok;
      entries = all.length;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const rssPeak = process.resourceUsage().maxRSS * 1024;
  await s.close();
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  process.stdout.write(JSON.stringify({ seconds, ok, entries, rssBeforeMiB: mib(rssBefore), rssPeakMiB: mib(rssPeak), heapPeakMiB: mib(heapPeak - heapBefore) }) + '\n');
}

async function main(): Promise<void> {
  const n = Number(args.get('entries') ?? 100_000);
  const engines = (args.get('engines') ?? 'sqlite,postgres').split(',');
  const results: Record<string, unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'wp-bench-chains-'));
  try {
    for (const engine of engines) {
      const pg = engine === 'postgres' ? await startPostgres() : undefined;
      try {
        const t: SqlTarget = pg ? { engine: 'postgres', url: pg.url } : { engine: 'sqlite', file: join(dir, 'watchpost.db') };
        const s = openSql(t);
        await migrateSql(s);
        const f0 = performance.now();
        await fill(s, n);
        log(`${engine}: filled 3 chains × ${n} entries in ${((performance.now() - f0) / 1000).toFixed(1)} s`);
        await s.close();
        for (const chain of CHAINS) {
          for (const mode of ['stream', 'all'] as const) {
            const target = pg ? ['--url', pg.url] : ['--file', t.engine === 'sqlite' ? t.file : ''];
            const run = (retained: boolean) => {
              const argv = ['--import', 'tsx', '--expose-gc', import.meta.filename, '--child', '1', '--engine', engine, ...target, '--chain', chain, '--mode', mode, '--retained', retained ? '1' : '0'];
              const out = execFileSync(process.execPath, argv, { encoding: 'utf8' });
              return JSON.parse(out.trim().split('\n').at(-1)!) as { heapPeakMiB: number };
            };
            // timing, RSS and the sampled heap from a plain run; the retained heap from a second run with forced GCs
            const r = { engine, chain, mode, ...run(false), retainedMiB: run(true).heapPeakMiB };
            log(JSON.stringify(r));
            results.push(r);
          }
        }
      } finally {
        await pg?.dispose();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('engine    chain      mode    entries  ok    seconds  entries/s  RSS before  RSS peak  heap peak  retained (MiB)');
  for (const r of results as { engine: string; chain: string; mode: string; entries: number; ok: boolean; seconds: number; rssBeforeMiB: number; rssPeakMiB: number; heapPeakMiB: number; retainedMiB: number }[]) {
    console.log(
      `${r.engine.padEnd(9)} ${r.chain.padEnd(10)} ${r.mode.padEnd(7)} ${String(r.entries).padStart(7)}  ${String(r.ok).padEnd(5)} ${r.seconds.toFixed(2).padStart(7)}  ${String(Math.round(r.entries / r.seconds)).padStart(9)}  ${String(r.rssBeforeMiB).padStart(10)}  ${String(r.rssPeakMiB).padStart(8)}  ${String(r.heapPeakMiB).padStart(9)}  ${String(r.retainedMiB).padStart(8)}`,
    );
  }
  console.log(JSON.stringify({ entries: n, results }));
}

if (args.get('child') === '1') {
  const engine = args.get('engine');
  const t: SqlTarget = engine === 'postgres' ? { engine: 'postgres', url: args.get('url')! } : { engine: 'sqlite', file: args.get('file')! };
  await child(t, args.get('chain') as Chain, args.get('mode') as 'stream' | 'all', args.get('retained') === '1');
} else await main();
