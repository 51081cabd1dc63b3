/**
 * Media layer against real ffmpeg and a real GStreamer RTSP server (127.0.0.1 only).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CameraConfig, CameraState } from '../../server/cameras/types.ts';
import { EventBus, type BusEvents } from '../../server/events/bus.ts';
import { checkFfmpeg } from '../../server/media/ffmpeg-check.ts';
import { MediaManager, type MediaOptions } from '../../server/media/manager.ts';
import { openDb, type Db } from '../../server/store/db.ts';
import { SegmentRepo } from '../../server/store/segments.ts';
import { sqlOver } from '../support/users.ts';
import { freePort, startRtspServer, type RtspServer } from '../support/rtsp.ts';

const tmp = mkdtempSync(join(os.tmpdir(), 'watchpost-media-'));
let ffmpegPath = '';
let ffprobePath = '';

interface Rig {
  manager: MediaManager;
  bus: EventBus;
  db: Db;
  segments: SegmentRepo;
  states: BusEvents['camera.state'][];
  indexed: BusEvents['segment.indexed'][];
  opts: MediaOptions;
}
const rigs: Rig[] = [];
const servers: RtspServer[] = [];

function rig(over: Partial<MediaOptions> = {}): Rig {
  const dir = mkdtempSync(join(tmp, 'rig-'));
  const db = openDb(':memory:');
  const bus = new EventBus();
  const segments = new SegmentRepo(sqlOver(db));
  const opts: MediaOptions = {
    ffmpegPath,
    ffprobePath,
    recordingsDir: join(dir, 'rec'),
    liveDir: join(dir, 'live'),
    segmentSeconds: 2,
    hlsSegmentSeconds: 1,
    hlsListSize: 6,
    stallSegments: 3,
    rtspTimeoutSeconds: 5,
    segments,
    bus,
    backoff: { initialMs: 200, maxMs: 1000 },
    ...over,
  };
  const r: Rig = { manager: new MediaManager(opts), bus, db, segments, states: [], indexed: [], opts };
  bus.on('camera.state', (e) => r.states.push(e));
  bus.on('segment.indexed', (e) => r.indexed.push(e));
  rigs.push(r);
  return r;
}

async function server(opts: Parameters<typeof startRtspServer>[0] = {}): Promise<RtspServer> {
  const s = await startRtspServer({ width: 640, height: 360, fps: 10, gop: 10, ...opts });
  servers.push(s);
  return s;
}

const cam = (id: string, source: CameraConfig['source'], enabled = true): CameraConfig => ({
  id, name: id, enabled, source, origin: 'db',
});

async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const waitState = (r: Rig, id: string, pred: (s: CameraState) => boolean, ms: number, what: string) =>
  waitFor(what, () => {
    const s = r.manager.state(id);
    return s && pred(s) ? s : undefined;
  }, ms);

function ffprobe(file: string): { streams: { codec_name: string; width: number; height: number }[]; format: { duration?: string } } {
  const out = execFileSync(ffprobePath, [
    '-v', 'error', '-show_entries', 'stream=codec_name,width,height:format=duration', '-of', 'json', file,
  ]);
  return JSON.parse(out.toString());
}

/** ffmpeg/ffprobe processes that are children of this test process. */
function mediaChildren(): string[] {
  try {
    const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,comm=']).toString();
    return out.split('\n').filter((l) => /ffmpeg|ffprobe/.test(l));
  } catch {
    return []; // ps exits 1 when there is no child at all
  }
}

beforeAll(async () => {
  ({ ffmpegPath, ffprobePath } = await checkFfmpeg());
});

afterEach(async () => {
  await Promise.all(rigs.splice(0).map(async (r) => {
    await r.manager.stopAll();
    r.db.close();
  }));
  for (const s of servers.splice(0)) {
    s.process.kill('SIGCONT');
    await s.stop();
  }
  await waitFor('no ffmpeg/ffprobe left', () => mediaChildren().length === 0, 5000);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('media pipelines', () => {
  it('RTSP camera: online, valid HLS, recording segments indexed with exact wall-clock times', async () => {
    const srv = await server();
    const r = rig();
    r.manager.apply(cam('lobby', { url: srv.url() }));
    expect(r.manager.state('lobby')?.status).toBe('starting');
    const spawnedAt = await waitFor('ffmpeg spawned', () => r.manager.pids('lobby').length > 0 && Date.now(), 10_000);
    await waitState(r, 'lobby', (s) => s.status === 'online', 15_000, 'online');

    const live = r.manager.liveDir('lobby');
    const playlist = await waitFor('playlist with 2 segments', () => {
      const p = join(live, 'index.m3u8');
      const text = existsSync(p) && readFileSync(p, 'utf8');
      return text && (text.match(/^seg_\d+\.ts$/gm)?.length ?? 0) >= 2 ? text : undefined;
    }, 15_000);
    expect(playlist).toMatch(/^#EXTM3U/);
    expect(playlist).toContain('#EXT-X-PROGRAM-DATE-TIME');
    const seg = playlist.match(/^seg_\d+\.ts$/m)![0];
    const ts = ffprobe(join(live, seg));
    expect(ts.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(ffprobe(join(live, 'index.m3u8')).streams[0]?.codec_name).toBe('h264');

    await waitFor('4 segments indexed', () => r.indexed.length >= 4, 20_000);
    const rows = await r.segments.range('lobby', 0, Number.MAX_SAFE_INTEGER);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    // stream time 0 is the first packet, received just after the spawn
    expect(rows[0]!.startMs).toBeGreaterThanOrEqual(spawnedAt - 200);
    expect(rows[0]!.startMs - spawnedAt).toBeLessThan(2000);
    for (const [i, row] of rows.entries()) {
      expect(row.path).toMatch(/^lobby\/\d{4}-\d{2}-\d{2}\/\d{2}-\d{2}-\d{2}(_\d+)?\.mp4$/);
      expect(row.codec).toBe('h264');
      const file = join(r.opts.recordingsDir, row.path);
      const probed = ffprobe(file);
      expect(probed.streams[0]?.codec_name).toBe('h264');
      expect(Math.abs((row.endMs - row.startMs) / 1000 - Number(probed.format.duration))).toBeLessThan(0.3);
      expect(row.bytes).toBeGreaterThan(1000);
      if (i > 0) expect(Math.abs(row.startMs - rows[i - 1]!.endMs)).toBeLessThan(200);
    }

    // graceful stop: ffmpeg closes the current segment and it gets indexed too
    const before = await r.segments.count('lobby');
    const stopAt = Date.now();
    await r.manager.stopAll();
    const after = await r.segments.range('lobby', 0, Number.MAX_SAFE_INTEGER);
    // the one being written, and one that may have been finished in the instant between the count and the stop
    expect(after.length).toBeGreaterThanOrEqual(before + 1);
    expect(after.length).toBeLessThanOrEqual(before + 2);
    expect(Math.abs(after.at(-1)!.endMs - stopAt)).toBeLessThan(1500);
    expect(readdirSync(join(r.opts.recordingsDir, 'lobby', '.incoming'))).toEqual([]);
    expect(existsSync(live)).toBe(false);
  });

  it('camera killed → offline with a reason within 10 s; back → online and recording resumes', async () => {
    const srv = await server();
    const r = rig();
    r.manager.apply(cam('gate', { url: srv.url() }));
    await waitState(r, 'gate', (s) => s.status === 'online', 15_000, 'online');
    await waitFor('a segment', () => r.indexed.length >= 1, 15_000);

    const killedAt = Date.now();
    await srv.stop('SIGKILL');
    const off = await waitState(r, 'gate', (s) => s.status === 'offline', 10_000, 'offline');
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(off.reason).toBe('unreachable');
    expect(off.detail).toBeTruthy();
    // retries keep it offline and unreachable (connection refused), without flickering through 'starting'
    await new Promise((res) => setTimeout(res, 2000));
    expect(r.manager.state('gate')).toMatchObject({ status: 'offline', reason: 'unreachable' });

    await srv.restart();
    const backAt = Date.now();
    await waitState(r, 'gate', (s) => s.status === 'online', 15_000, 'online again');
    await waitFor('a new segment after the restart', () => r.indexed.some((e) => e.startMs >= backAt - 1000), 15_000);
    // offline → offline only refines the detail ("stream ended" → "connection refused")
    const statuses = r.states.map((e) => e.state.status).filter((s, i, a) => s !== a[i - 1]);
    expect(statuses).toEqual(['starting', 'online', 'offline', 'online']);
    const reasons = new Set(r.states.filter((e) => e.state.status === 'offline').map((e) => e.state.reason));
    expect([...reasons]).toEqual(['unreachable']);
  });

  it('wrong credentials → authentication failed (no password leaks); fixed credentials → online', async () => {
    const srv = await server({ user: 'admin', password: 'right-pass' });
    const r = rig();
    r.manager.apply(cam('door', { url: srv.url(), username: 'admin', password: 'wrong-pass' }));
    const off = await waitState(r, 'door', (s) => s.status === 'offline', 10_000, 'offline');
    expect(off.reason).toBe('authentication failed');
    expect(JSON.stringify(r.states)).not.toContain('wrong-pass');

    r.manager.apply(cam('door', { url: srv.url(), username: 'admin', password: 'right-pass' }));
    expect(r.manager.state('door')?.status).toBe('starting');
    await waitState(r, 'door', (s) => s.status === 'online', 15_000, 'online');
  });

  it('unreachable host stays offline "unreachable" and keeps retrying without crashing', async () => {
    const port = await freePort();
    const r = rig();
    r.manager.apply(cam('yard', { url: `rtsp://127.0.0.1:${port}/cam` }));
    const off = await waitState(r, 'yard', (s) => s.status === 'offline', 10_000, 'offline');
    expect(off).toMatchObject({ reason: 'unreachable', detail: 'connection refused' });
    await new Promise((res) => setTimeout(res, 2500));
    expect(r.manager.state('yard')).toMatchObject({ status: 'offline', reason: 'unreachable', since: off.since });
    expect(r.states).toHaveLength(2); // starting, offline: retries publish nothing new
  });

  it('file source (demo) goes online and records; a non-H.264 file is transcoded', async () => {
    const h264 = join(tmp, 'demo-h264.mp4');
    const mpeg4 = join(tmp, 'demo-mpeg4.mp4');
    const lavfi = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '3'];
    execFileSync(ffmpegPath, [...lavfi, '-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', h264]);
    execFileSync(ffmpegPath, [...lavfi, '-c:v', 'mpeg4', '-g', '10', mpeg4]);
    const r = rig();
    r.manager.apply(cam('demo', { url: h264 }));
    r.manager.apply(cam('legacy', { url: mpeg4 }));
    await waitState(r, 'demo', (s) => s.status === 'online', 15_000, 'demo online');
    await waitState(r, 'legacy', (s) => s.status === 'online', 15_000, 'legacy online');
    await waitFor('both cameras recorded', async () => (await Promise.all(['demo', 'legacy'].map((id) => r.segments.count(id)))).every((n) => n >= 2), 20_000);
    expect((await r.segments.latest('demo'))?.codec).toBe('h264');
    const rec = (await r.segments.latest('legacy'))!;
    expect(rec.codec).toBe('h264');
    expect(ffprobe(join(r.opts.recordingsDir, rec.path)).streams[0]?.codec_name).toBe('h264');
    const seg = readFileSync(join(r.manager.liveDir('legacy'), 'index.m3u8'), 'utf8').match(/^seg_\d+\.ts$/m)![0];
    expect(ffprobe(join(r.manager.liveDir('legacy'), seg)).streams[0]?.codec_name).toBe('h264');
  });

  it('frozen camera (SIGSTOP) → offline "stalled" within 12 s, back online after SIGCONT', async () => {
    const srv = await server();
    // ffmpeg's own socket timeout is set far out, so only the supervisor's stall detection can
    // notice the frozen camera (with the default 5 s, ffmpeg may time out first on a loaded box)
    const r = rig({ rtspTimeoutSeconds: 30 });
    r.manager.apply(cam('dock', { url: srv.url() }));
    await waitState(r, 'dock', (s) => s.status === 'online', 15_000, 'online');
    // a few segments first, so the supervisor knows the real segment interval
    const playlist = join(r.manager.liveDir('dock'), 'index.m3u8');
    await waitFor(
      'HLS running with 3 segments',
      () => existsSync(playlist) && (readFileSync(playlist, 'utf8').match(/^seg_\d+\.ts$/gm) ?? []).length >= 3,
      15_000,
    );
    const frozenAt = Date.now();
    srv.process.kill('SIGSTOP');
    const off = await waitState(r, 'dock', (s) => s.status === 'offline', 15_000, 'offline');
    // no HLS segment for 3 × 1 s: ~3 s on a quiet machine; the window stretches with the recent
    // segment intervals, which grow when the machine is loaded, hence the wider bound.
    expect(off.reason).toBe('stalled');
    expect(off.detail).toMatch(/no new live segment/);
    expect(Date.now() - frozenAt).toBeLessThan(12_000);
    srv.process.kill('SIGCONT');
    await waitState(r, 'dock', (s) => s.status === 'online', 25_000, 'online after SIGCONT');
  });

  it('sub-stream camera: wall tiles get the sub-stream, the single view and recording the main stream', async () => {
    const main = await server({ mounts: ['main'] }); // 640x360
    const sub = await server({ mounts: ['sub'], width: 320, height: 180 });
    const r = rig();
    r.manager.apply(cam('hall', { url: main.url('main'), subUrl: sub.url('sub') }));
    await waitState(r, 'hall', (s) => s.status === 'online', 15_000, 'online');
    expect(r.manager.pids('hall')).toHaveLength(2);
    const firstSegment = (dir: string) =>
      readFileSync(join(dir, 'index.m3u8'), 'utf8').match(/^seg_\d+\.ts$/m)?.[0];
    const tileDir = r.manager.liveDir('hall');
    await waitFor('tile playlist', () => existsSync(join(tileDir, 'index.m3u8')) && firstSegment(tileDir), 10_000);
    expect(ffprobe(join(tileDir, firstSegment(tileDir)!)).streams[0]?.width).toBe(320);
    const mainDir = await waitFor('main playlist', () => r.manager.mainLiveDir('hall'), 10_000);
    await waitFor('main segment', () => firstSegment(mainDir), 10_000);
    expect(ffprobe(join(mainDir, firstSegment(mainDir)!)).streams[0]?.width).toBe(640);
    await waitFor('2 segments', async () => (await r.segments.count('hall')) >= 2, 15_000);
    expect(ffprobe(join(r.opts.recordingsDir, (await r.segments.latest('hall'))!.path)).streams[0]?.width).toBe(640);
    // a camera without a sub-stream has no separate main-stream playlist
    expect(r.manager.mainLiveDir('nope')).toBeUndefined();
  });

  it('an ffmpeg killed with SIGKILL: partial segment salvaged; files left by a crash are recovered', async () => {
    const srv = await server();
    const r = rig();
    // a segment a crashed process left behind: indexed before the first start, timed by its mtime
    const demo = join(tmp, 'orphan.mp4');
    execFileSync(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10',
      '-t', '2', '-c:v', 'libx264', '-g', '10', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', demo]);
    const incoming = join(r.opts.recordingsDir, 'shed', '.incoming');
    mkdirSync(incoming, { recursive: true });
    copyFileSync(demo, join(incoming, 'oldrun-000007.mp4'));
    const orphanMtime = statSync(join(incoming, 'oldrun-000007.mp4')).mtimeMs;

    r.manager.apply(cam('shed', { url: srv.url() }));
    await waitState(r, 'shed', (s) => s.status === 'online', 15_000, 'online');
    const orphan = (await r.segments.range('shed', 0, Number.MAX_SAFE_INTEGER))[0]!;
    expect(orphan.endMs).toBeCloseTo(orphanMtime, -1);
    expect(orphan.endMs - orphan.startMs).toBeCloseTo(2000, -2);

    await waitFor('2 segments of the run', () => r.indexed.length >= 3, 15_000);
    await new Promise((res) => setTimeout(res, 1200)); // ~1.5 s into the next 2 s segment: one fragment on disk
    const announced = new Set(r.indexed.map((e) => e.path));
    const killedAt = Date.now();
    const [pid] = r.manager.pids('shed');
    process.kill(pid!, 'SIGKILL');
    const off = await waitState(r, 'shed', (s) => s.status === 'offline', 5000, 'offline');
    expect(off).toMatchObject({ reason: 'error', detail: 'ffmpeg was killed by SIGKILL' });
    await waitState(r, 'shed', (s) => s.status === 'online', 15_000, 'online again');

    const firstRun = await r.segments.range('shed', orphan.endMs, killedAt);
    const partial = firstRun.at(-1)!;
    const prev = firstRun.at(-2)!;
    expect(announced.has(partial.path)).toBe(false);
    expect(Math.abs(partial.startMs - prev.endMs)).toBeLessThan(200);
    const dur = Number(ffprobe(join(r.opts.recordingsDir, partial.path)).format.duration);
    expect(dur).toBeGreaterThan(0.5);
    expect(Math.abs((partial.endMs - partial.startMs) / 1000 - dur)).toBeLessThan(0.3);
    expect(readdirSync(incoming).filter((f) => f.startsWith('oldrun'))).toEqual([]);
  });

  it('disabled camera has no process; enabling and disabling again starts and stops it', async () => {
    const srv = await server();
    const r = rig();
    r.manager.apply(cam('attic', { url: srv.url() }, false));
    expect(r.manager.state('attic')?.status).toBe('disabled');
    expect(r.manager.pids('attic')).toEqual([]);
    r.manager.apply(cam('attic', { url: srv.url() }, false)); // idempotent
    r.manager.apply(cam('attic', { url: srv.url() }, true));
    await waitState(r, 'attic', (s) => s.status === 'online', 15_000, 'online');
    r.manager.apply(cam('attic', { url: srv.url() }, false));
    expect(r.manager.state('attic')?.status).toBe('disabled');
    await r.manager.remove('attic');
    expect(r.manager.state('attic')).toBeUndefined();
    expect(r.states.map((e) => e.state.status)).toEqual(['disabled', 'starting', 'online', 'disabled']);
    await waitFor('no ffmpeg left', () => mediaChildren().length === 0, 5000);
  });
});
