/**
 * A full disk during an export: the exports directory is a 1 MB tmpfs (we run as root in CI), the footage is
 * several MB. The export must fail cleanly with `disk_full` — no bundle, no partial file, no temporary
 * directory left behind — and a small export into the same directory must then still succeed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needCapability } from '../support/capability.ts';
import { AuditLog } from '../../server/audit/log.ts';
import { migratedSqlOver, sqlOver } from '../support/sql-over.ts';
import { Exporter } from '../../server/evidence/exporter.ts';
import { SigningKey } from '../../server/evidence/keys.ts';
import { verifyBundle } from '../../server/evidence/verify.ts';
import { checkFfmpeg } from '../../server/media/ffmpeg-check.ts';
import { PRESETS } from '../../server/media/ffmpeg-args.ts';
import { LockRepo } from '../../server/retention/locks.ts';
import { openDb, type Db } from '../../server/store/db.ts';
import { SegmentRepo } from '../../server/store/segments.ts';

const dir = mkdtempSync(join(tmpdir(), 'wp-diskfull-it-'));
const rec = join(dir, 'rec');
const out = join(dir, 'exports');
let mounted = false;
let mountError = '';
let db: Db;
let exporter: Exporter;
const T = Date.now() - 3600_000;

/** 20 s of 320x240 H.264 at ~2 Mbit/s as 2 s fragmented-MP4 recording segments, indexed from time T. */
async function makeFootage(ffmpeg: string, segments: SegmentRepo): Promise<void> {
  const staging = join(rec, 'gate', '.incoming');
  mkdirSync(staging, { recursive: true });
  execFileSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10,noise=alls=30:allf=t',
    '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '2M', '-g', '10', '-pix_fmt', 'yuv420p',
    // the recorder's own segment format
    '-f', 'segment', '-segment_time', '2', '-segment_format', 'mp4',
    '-segment_format_options', PRESETS.fmp4Options, '-reset_timestamps', '1',
    join(staging, 'gen-%06d.mp4'),
  ], { stdio: 'pipe' });
  const day = join(rec, 'gate', '2025-01-01');
  mkdirSync(day, { recursive: true });
  for (const [i, f] of readdirSync(staging).sort().entries()) {
    const rel = `gate/2025-01-01/${String(i).padStart(2, '0')}.mp4`;
    renameSync(join(staging, f), join(rec, rel));
    await segments.insert({ cameraId: 'gate', path: rel, startMs: T + i * 2000, endMs: T + (i + 1) * 2000, bytes: statSync(join(rec, rel)).size, codec: 'h264' });
  }
}

async function waitJob(id: string) {
  for (let i = 0; i < 300; i++) {
    const j = (await exporter.get(id))!;
    if (j.status === 'done' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('export did not finish');
}

beforeAll(async () => {
  const ff = await checkFfmpeg();
  db = openDb(':memory:');
  const sql = sqlOver(db);
  const segments = new SegmentRepo(sql);
  await makeFootage(ff.ffmpegPath, segments);
  mkdirSync(out, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', out], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    mountError = String((e as { stderr?: Buffer }).stderr ?? e);
  }
  exporter = new Exporter({
    sql,
    segments,
    locks: new LockRepo(sql),
    audit: new AuditLog(await migratedSqlOver(db)),
    bundle: { ffmpegPath: ff.ffmpegPath, ffprobePath: ff.ffprobePath, recordingsDir: rec, outDir: out, key: SigningKey.generate(), version: 'test' },
    camera: async (id) => (id === 'gate' ? { id, name: 'Gate', source: 'rtsp://10.0.0.1/x', clockOffset: { ms: 0, known: false, source: null } } : undefined),
  });
}, 60_000);

afterAll(() => {
  if (mounted) execFileSync('umount', [out]);
  rmSync(dir, { recursive: true, force: true });
});

describe('export onto a full disk', () => {
  it('has several MB of footage to export', () => {
    const total = readdirSync(join(rec, 'gate', '2025-01-01')).reduce((n, f) => n + statSync(join(rec, 'gate', '2025-01-01', f)).size, 0);
    expect(total).toBeGreaterThan(3 << 20);
  });

  it('fails cleanly with disk_full and leaves nothing behind', async () => {
    needCapability('evidence-diskfull: mount a tmpfs', mounted, mountError);
    const job = await exporter.request({ cameraIds: ['gate'], fromMs: T, toMs: T + 20_000, reason: 'disk full test' }, { id: 1, username: 'inv', role: 'investigator' });
    const j = await waitJob(job.id);
    expect(j).toMatchObject({ status: 'failed', errorCode: 'disk_full' });
    expect(j.error).toMatch(/disk is full/);
    expect(readdirSync(out)).toEqual([]);
    expect(exporter.bundlePath(j)).toBeUndefined();
  });

  it('still exports what fits, into the same directory', async () => {
    needCapability('evidence-diskfull: mount a tmpfs', mounted, mountError);
    const job = await exporter.request({ cameraIds: ['gate'], fromMs: T + 4000, toMs: T + 5000, reason: 'small export' }, { id: 1, username: 'inv', role: 'investigator' });
    const j = await waitJob(job.id);
    expect(j.status, j.error ?? '').toBe('done');
    expect(readdirSync(out)).toEqual([j.file]);
    const v = await verifyBundle(join(out, j.file!));
    expect(v.ok).toBe(true);
    expect(readFileSync(join(out, j.file!)).length).toBe(j.bytes);
  });
});
