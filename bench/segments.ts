/**
 * The segment index's hot path before and after its port to the SQL layer (issue J, docs/cluster.md "Port: segment
 * index and evidence locks"): index inserts per second, and a review timeline query over 24 h of one camera in an
 * index of 24 h × 60 cameras. "old" is the synchronous better-sqlite3 code the server had (the same SQL, copied
 * here: SegmentRepo.insert, TimelineService.ranges + MAX(end_ms) + LockRepo.overlapping); "ported" is
 * SegmentRepo / TimelineService / LockRepo on Kysely. SQLite: a WAL file opened as the server does (openDb, the
 * SQL layer over the same handle). PostgreSQL: a throwaway cluster (test/support/postgres.ts: loopback, fsync off).
 * The old code exists on SQLite only.
 *
 *   npm run bench:segments
 *   npm run bench:segments -- --cameras 60 --hours 24 --seconds 10 --inserts 3000 --engines sqlite,postgres
 *
 * The timeline query times only what was ported (ranges, newest end, locks); known gaps and markers are the same
 * code before and after. Prints a table, then one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { MERGE_MS } from '../server/record/timeline.ts';
import { LockRepo } from '../server/retention/locks.ts';
import { openDb, type Db } from '../server/store/db.ts';
import { SegmentRepo } from '../server/store/segments.ts';
import { openSql, type SqlDb } from '../server/store/sql/db.ts';
import { migrateSql } from '../server/store/sql/migrations.ts';
import { startPostgres } from '../test/support/postgres.ts';

process.env.WATCHPOST_LOG_LEVEL ??= 'error'; // the legacy migrations' info lines would mix into the table
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const log = (m: string) => process.stderr.write(`[bench:segments] ${m}\n`);
const CAMERAS = Number(args.get('cameras') ?? 60);
const HOURS = Number(args.get('hours') ?? 24);
const SECONDS = Number(args.get('seconds') ?? 10);
const INSERTS = Number(args.get('inserts') ?? 3000);
const ENGINES = (args.get('engines') ?? 'sqlite,postgres').split(',');
const T = Date.UTC(2026, 11, 3, 0);
const DAY = HOURS * 3600_000;
const cam = (c: number) => `cam-${String(c + 1).padStart(2, '0')}`;

type Timeline = { ranges: { start: number; end: number }[]; latest: number | null; locks: number };

/** The synchronous code the server had (store/segments.ts, record/timeline.ts, retention/locks.ts before the port). */
function legacy(db: Db) {
  const ins = db.prepare(
    `INSERT INTO segments (camera_id, path, start_ms, end_ms, bytes, codec, created_at, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(path) DO UPDATE SET start_ms = excluded.start_ms, end_ms = excluded.end_ms,
       bytes = excluded.bytes, codec = excluded.codec`,
  );
  const spans = db.prepare('SELECT start_ms, end_ms FROM segments WHERE camera_id = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms');
  const latest = db.prepare('SELECT MAX(end_ms) AS t FROM segments WHERE camera_id = ?');
  const locks = db.prepare('SELECT * FROM evidence_locks WHERE camera_id = ? AND start_ms < ? AND end_ms > ? AND released_at IS NULL ORDER BY start_ms');
  return {
    insert: (c: string, path: string, s: number, e: number) => Number(ins.run(c, path, s, e, 1_250_000, 'h264', Date.now(), 'recorder').lastInsertRowid),
    timeline(c: string, from: number, to: number): Timeline {
      const ranges: Timeline['ranges'] = [];
      for (const raw of spans.iterate(c, from, to)) {
        const r = raw as { start_ms: number; end_ms: number };
        const last = ranges[ranges.length - 1];
        if (last && r.start_ms <= last.end + MERGE_MS) last.end = Math.max(last.end, r.end_ms);
        else ranges.push({ start: r.start_ms, end: r.end_ms });
      }
      const t = (latest.get(c) as { t: number | null }).t;
      return { ranges, latest: t, locks: locks.all(c, to, from).length };
    },
  };
}

/** The ported code: what TimelineService.build awaits (ranges merged the same way, newest end, active locks). */
async function portedTimeline(segments: SegmentRepo, locks: LockRepo, c: string, from: number, to: number): Promise<Timeline> {
  const [rows, l, latest] = await Promise.all([segments.spans(c, from, to), locks.overlapping(c, from, to), segments.latestEnd(c)]);
  const ranges: Timeline['ranges'] = [];
  for (const r of rows) {
    const last = ranges[ranges.length - 1];
    if (last && r.start_ms <= last.end + MERGE_MS) last.end = Math.max(last.end, r.end_ms);
    else ranges.push({ start: r.start_ms, end: r.end_ms });
  }
  return { ranges, latest, locks: l.length };
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

type Timing = { median: number; p95: number; allCamerasMs: number; rows: number };

/**
 * One query per camera with each of `fns`, `rounds` times, the fns taking turns round by round (so neither gets
 * the colder cache or the quieter moment); per-query latency in ms, and the best round over all cameras.
 */
async function timeQueries(fns: ((c: string) => Timeline | Promise<Timeline>)[], rounds = 5): Promise<Timing[]> {
  const lat = fns.map(() => [] as number[]);
  const all = fns.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      for (let c = 0; c < CAMERAS; c++) {
        const q0 = performance.now();
        const tl = await fn(cam(c));
        lat[k]!.push(performance.now() - q0);
        if (tl.ranges.length !== 1 || tl.locks !== 1 || tl.latest !== T + DAY) throw new Error(`wrong timeline for ${cam(c)}: ${JSON.stringify({ ...tl, ranges: tl.ranges.length })}`);
      }
      all[k] = Math.min(all[k]!, performance.now() - t0);
    }
  }
  const rows = Math.floor(DAY / 1000 / SECONDS);
  return fns.map((_, k) => ({ median: r2(pct(lat[k]!, 50)), p95: r2(pct(lat[k]!, 95)), allCamerasMs: Math.round(all[k]!), rows }));
}

/** 24 h of back-to-back segments for every camera, and one evidence lock each. */
async function seed(s: SqlDb, db: Db | undefined): Promise<number> {
  const per = Math.floor(DAY / 1000 / SECONDS);
  const row = (c: number, i: number) => ({ camera_id: cam(c), path: `${cam(c)}/seed/${i}.mp4`, start_ms: T + i * SECONDS * 1000, end_ms: T + (i + 1) * SECONDS * 1000, bytes: 1_250_000, codec: 'h264', created_at: 0, origin: 'recorder' });
  if (db) {
    const ins = db.prepare('INSERT INTO segments (camera_id, path, start_ms, end_ms, bytes, codec, created_at, origin) VALUES (@camera_id, @path, @start_ms, @end_ms, @bytes, @codec, @created_at, @origin)');
    db.transaction(() => {
      for (let c = 0; c < CAMERAS; c++) for (let i = 0; i < per; i++) ins.run(row(c, i));
    })();
  } else {
    for (let c = 0; c < CAMERAS; c++) {
      for (let i = 0; i < per; i += 1000) {
        await s.db.insertInto('segments').values(Array.from({ length: Math.min(1000, per - i) }, (_, k) => row(c, i + k))).execute();
      }
    }
    if (s.engine === 'postgres') await sql`ANALYZE segments`.execute(s.db);
  }
  const locks = new LockRepo(s);
  for (let c = 0; c < CAMERAS; c++) await locks.create({ cameraId: cam(c), startMs: T + DAY / 4, endMs: T + DAY / 4 + 600_000, reason: 'bench', createdBy: 'bench' });
  return per * CAMERAS;
}

interface Result {
  engine: string;
  insertsPerSecOld: number | null;
  insertsPerSecPorted: number;
  insertsPerSecPorted60: number;
  indexRows: number;
  timelineOld: Timing | null;
  timelinePorted: Timing;
}

async function runEngine(engine: string, dir: string): Promise<Result> {
  const pg = engine === 'postgres' ? await startPostgres() : undefined;
  const db = pg ? undefined : openDb(join(dir, 'watchpost.db'));
  const s = pg ? openSql({ engine: 'postgres', url: pg.url }, { poolSize: 4 }) : openSql({ engine: 'sqlite', file: join(dir, 'watchpost.db') }, { sqlite: db });
  try {
    await migrateSql(s);
    const segments = new SegmentRepo(s);
    const locks = new LockRepo(s);
    const old = db && legacy(db);
    // inserts: one at a time (what one recorder does), then 60 cameras at once (each camera one at a time); the
    // three take turns in 3 blocks (so none gets only the quiet or only the busy moments of a shared machine)
    const ms = { old: 0, ported: 0, ported60: 0 };
    const block = Math.ceil(INSERTS / 3);
    const each = Math.ceil(block / CAMERAS);
    const seg = (c: string, i: number) => ({ cameraId: c, path: `${c}/${i}.mp4`, startMs: T + i * 10_000, endMs: T + (i + 1) * 10_000, bytes: 1_250_000, codec: 'h264' });
    for (let b = 0; b < 3; b++) {
      if (old) {
        const t0 = performance.now();
        for (let i = b * block; i < (b + 1) * block; i++) old.insert('ins-old', `ins-old/${i}.mp4`, T + i * 10_000, T + (i + 1) * 10_000);
        ms.old += performance.now() - t0;
      }
      let t0 = performance.now();
      for (let i = b * block; i < (b + 1) * block; i++) await segments.insert(seg('ins-new', i));
      ms.ported += performance.now() - t0;
      t0 = performance.now();
      await Promise.all(Array.from({ length: CAMERAS }, async (_, c) => {
        for (let i = b * each; i < (b + 1) * each; i++) await segments.insert(seg(`ins-${c}`, i));
      }));
      ms.ported60 += performance.now() - t0;
    }
    const insertsPerSecOld = old ? rate(3 * block, ms.old) : null;
    const insertsPerSecPorted = rate(3 * block, ms.ported);
    const insertsPerSecPorted60 = rate(3 * each * CAMERAS, ms.ported60);
    log(`${engine}: inserts/s old ${insertsPerSecOld ?? '—'}, ported ${insertsPerSecPorted}, ported 60 cameras at once ${insertsPerSecPorted60}`);
    await s.db.deleteFrom('segments').execute();
    const f0 = performance.now();
    const indexRows = await seed(s, db);
    log(`${engine}: seeded ${indexRows} segments in ${((performance.now() - f0) / 1000).toFixed(1)} s`);
    const ported = (c: string) => portedTimeline(segments, locks, c, T, T + DAY);
    const [a, b] = await timeQueries(old ? [(c) => old.timeline(c, T, T + DAY), ported] : [ported]);
    const [timelineOld, timelinePorted] = old ? [a!, b!] : [null, a!];
    log(`${engine}: timeline old ${JSON.stringify(timelineOld)}, ported ${JSON.stringify(timelinePorted)}`);
    return { engine, insertsPerSecOld, insertsPerSecPorted, insertsPerSecPorted60, indexRows, timelineOld, timelinePorted };
  } finally {
    await s.close();
    await pg?.dispose();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wp-bench-segments-'));
  const results: Result[] = [];
  try {
    for (const engine of ENGINES) results.push(await runEngine(engine, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const v = (x: number | null | undefined) => (x === null || x === undefined ? '—' : String(x));
  console.log(`${CAMERAS} cameras × ${HOURS} h of ${SECONDS} s segments; ${INSERTS} inserts per run`);
  console.log('engine    inserts/s old  ported  ported, 60 cams at once | timeline 24 h, 1 camera (rows)  old median/p95 ms  ported median/p95 ms | all cameras old ms  ported ms');
  for (const r of results) {
    const o = r.timelineOld;
    const p = r.timelinePorted;
    console.log(
      `${r.engine.padEnd(9)} ${v(r.insertsPerSecOld).padStart(13)}  ${v(r.insertsPerSecPorted).padStart(6)}  ${v(r.insertsPerSecPorted60).padStart(23)} | ${String(p.rows).padStart(31)}  ${(o ? `${o.median}/${o.p95}` : '—').padStart(17)}  ${`${p.median}/${p.p95}`.padStart(20)} | ${v(o?.allCamerasMs).padStart(18)}  ${String(p.allCamerasMs).padStart(9)}`,
    );
  }
  console.log(JSON.stringify({ cameras: CAMERAS, hours: HOURS, segmentSeconds: SECONDS, inserts: INSERTS, results }));
}

await main();
