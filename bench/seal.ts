/**
 * Recording seal benchmark (issue F point 3).
 *
 *   npm run bench:seal                              # 4 and 16 cameras, 4 Mbit/s, 10 s segments
 *   npm run bench:seal -- --segments 6 --bitrate 4000 --seconds 10
 *
 * 1. Sealing CPU: for N cameras, `--segments` finished segments per camera (files of bitrate × seconds bytes,
 *    written just before, so in the page cache as ffmpeg leaves them) are sealed by the real Sealer (hash
 *    worker + SQLite chain update). process.cpuUsage() covers every thread of the process, so the worker's
 *    hashing is counted. CPU per segment × the real-time segment rate (N / seconds) = % of one core.
 *    Goal: < 0.1 % of one core per camera.
 * 2. verify-recordings throughput: the same store re-hashed by verifyRecordings (one hash worker, what
 *    `npm run verify-recordings` runs; two workers shown too) against `sha256sum` over the same files, in the same run, warm cache.
 *    Goal: ≥ 80 % of sha256sum.
 * Prints a table, then one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../server/events/bus.ts';
import { SigningKey } from '../server/evidence/keys.ts';
import { createIntegrity } from '../server/integrity/index.ts';
import { Sealer } from '../server/seal/sealer.ts';
import { verifyRecordings } from '../server/seal/verify.ts';
import { openDb } from '../server/store/db.ts';
import { migrateSql } from '../server/store/sql/migrations.ts';
import { SegmentRepo } from '../server/store/segments.ts';
import { openSql } from '../server/store/sql/db.ts';

const log = (m: string) => process.stderr.write(`[bench:seal] ${m}\n`);
const r2 = (x: number) => Math.round(x * 100) / 100;

function parse(argv: string[]) {
  const o = { segments: 6, bitrateKbps: 4000, seconds: 10, cameras: [4, 16] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = Number(argv[++i]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
    if (a === '--segments') o.segments = Math.round(v);
    else if (a === '--bitrate') o.bitrateKbps = Math.round(v);
    else if (a === '--seconds') o.seconds = v;
    else throw new Error(`unknown option ${a} (see bench/seal.ts)`);
  }
  return o;
}

async function run(n: number, o: ReturnType<typeof parse>) {
  const dir = mkdtempSync(join(tmpdir(), 'wp-bench-seal-'));
  try {
    const rec = join(dir, 'rec');
    const db = openDb(join(dir, 'watchpost.db'));
    const bus = new EventBus();
    const sql = openSql({ engine: 'sqlite', file: db.name }, { sqlite: db });
    await migrateSql(sql);
    const segments = new SegmentRepo(sql);
    const sealer = new Sealer(sql, segments, bus, rec);
    sealer.start();
    const bytes = Math.round((o.bitrateKbps * 1000 * o.seconds) / 8);
    const chunk = randomBytes(bytes); // incompressible, like H.264
    const T = new Date(2026, 11, 2, 8).getTime();
    const files: string[] = [];
    const work: { cam: string; rel: string }[] = [];
    for (let c = 0; c < n; c++) {
      const cam = `cam${c + 1}`;
      mkdirSync(join(rec, cam, '2026-12-02'), { recursive: true });
      for (let i = 0; i < o.segments; i++) {
        const rel = `${cam}/2026-12-02/08-${String(Math.floor(i / 6)).padStart(2, '0')}-${String((i % 6) * 10).padStart(2, '0')}.mp4`;
        chunk[0] = c;
        chunk[1] = i;
        writeFileSync(join(rec, rel), chunk);
        await segments.insert({ cameraId: cam, path: rel, startMs: T + i * o.seconds * 1000, endMs: T + (i + 1) * o.seconds * 1000, bytes, codec: 'h264' });
        files.push(join(rec, rel));
        work.push({ cam, rel });
      }
    }
    // interleaved like live cameras; each segment.indexed triggers one seal
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < o.segments; i++) {
      for (let c = 0; c < n; c++) {
        const w = work[c * o.segments + i]!;
        bus.emit('segment.indexed', { cameraId: w.cam, path: w.rel, startMs: 0, endMs: 0 });
      }
    }
    for (let c = 0; c < n; c++) await sealer.idle(`cam${c + 1}`);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const sealedCount = (db.prepare('SELECT COUNT(*) AS n FROM segments WHERE seal_seq IS NOT NULL').get() as { n: number }).n;
    if (sealedCount !== n * o.segments) throw new Error(`sealed ${sealedCount} of ${n * o.segments}`);
    await sealer.stop();
    const cpuMsPerSeg = (cpu.user + cpu.system) / 1000 / sealedCount;
    const segPerSecond = n / o.seconds;
    const corePercent = (cpuMsPerSeg * segPerSecond) / 10; // ms per s → % of one core

    const key = SigningKey.generate();
    const integrity = await createIntegrity({ sql, key, checkpointsDir: join(dir, 'checkpoints'), intervalMs: 60_000 });
    await integrity.sealNow();
    const totalMB = (bytes * files.length) / 1e6;
    // warm the cache for both readers alike
    execFileSync('cat', files, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
    const v0 = performance.now();
    const v = await verifyRecordings({ sql, recordingsDir: rec, store: integrity.store, key });
    const verifyS = (performance.now() - v0) / 1000;
    if (!v.ok) throw new Error('the bench store did not verify');
    const w0 = performance.now();
    await verifyRecordings({ sql, recordingsDir: rec, store: integrity.store, key, workers: 2 });
    const verify2S = (performance.now() - w0) / 1000;
    const s0 = performance.now();
    execFileSync('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
    const shaS = (performance.now() - s0) / 1000;
    db.close();
    return {
      cameras: n,
      segments: sealedCount,
      segmentMB: r2(bytes / 1e6),
      sealCpuMsPerSegment: r2(cpuMsPerSeg),
      sealWallMs: Math.round(wallMs),
      corePercent: r2(corePercent),
      corePercentPerCamera: r2(corePercent / n),
      verifyMBps: Math.round(totalMB / verifyS),
      verifyTwoWorkersMBps: Math.round(totalMB / verify2S),
      sha256sumMBps: Math.round(totalMB / shaS),
      verifyVsSha256sum: r2(shaS / verifyS),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  log(`${cpus().length} cores; ${o.bitrateKbps} kbit/s, ${o.seconds} s segments, ${o.segments} per camera`);
  const rows = [];
  for (const n of o.cameras) {
    log(`${n} cameras …`);
    rows.push(await run(n, o));
  }
  const head = ['cameras', 'segments', 'MB/seg', 'CPU ms/seg', '% core', '% core/cam', 'goal <0.1', 'verify MB/s', '2 workers', 'sha256sum MB/s', 'ratio', 'goal ≥0.8'];
  const lines = rows.map((r) => [r.cameras, r.segments, r.segmentMB, r.sealCpuMsPerSegment, r.corePercent, r.corePercentPerCamera, r.corePercentPerCamera < 0.1 ? 'met' : 'NOT met', r.verifyMBps, r.verifyTwoWorkersMBps, r.sha256sumMBps, r.verifyVsSha256sum, r.verifyVsSha256sum >= 0.8 ? 'met' : 'NOT met'].map(String));
  const width = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(width[i]!)).join('  ');
  process.stdout.write(`${fmt(head)}\n${lines.map(fmt).join('\n')}\n`);
  process.stdout.write(JSON.stringify({ bench: 'seal', options: o, results: rows }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:seal: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
