/**
 * LL-HLS for a camera whose live stream the server transcodes (issue I point 1: LL-HLS for every live
 * stream), against the real server and a GStreamer RTSP camera sending H.265 (x265enc, 1 s GOP): the one
 * live H.264 encode feeds both the plain HLS on disk and the LL-HLS parts (tee muxer, one ffmpeg, one
 * libx264). Parts ~0.2 s, every segment starts with an independent part, blocking reload within one part
 * + 0.5 s, the init segment is H.264 (avc1); plain HLS still serves mpegts; recording keeps the HEVC.
 * With an H.265 sub-stream the sub-stream is teed the same way; the H.265 main stream is only recorded
 * (no full-resolution transcode just for live, hence no main-stream LL-HLS either).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api.ts';
import { ffmpegArgv, probeBytes } from '../support/ffmpeg-procs.ts';
import { llClient, parseLlPlaylist } from '../support/llhls.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let rtsp: RtspServer;
let rtsp2: RtspServer;
let wp: Watchpost;
let cookie = '';
const tmp = mkdtempSync(join(tmpdir(), 'wp-llt-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LL = '/hls/yard/index.m3u8?ll=1';
const { get, bytes, playlist, untilLive } = llClient(() => wp, () => cookie, LL);

const probe = (data: Buffer, name: string) => probeBytes(tmp, data, name);

beforeAll(async () => {
  [rtsp, rtsp2] = await Promise.all([
    startRtspServer({ width: 320, height: 240, fps: 10, codec: 'h265' }),
    startRtspServer({ width: 320, height: 240, fps: 10, codec: 'h265', mounts: ['main', 'sub'] }),
  ]);
  wp = await startWatchpost({
    configYaml: ['storage: {segmentSeconds: 2}', 'media: {rtspTimeoutSeconds: 2}', 'cameras:', `  - {id: yard, name: "院子 Yard", url: "${rtsp.url()}"}`].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
  await untilLive(LL, cookie, 60_000);
}, 90_000);
afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
  await rtsp2?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('LL-HLS of a transcoded (H.265) live stream', () => {
  it('one ffmpeg with one libx264 encode, teed to the disk HLS and the LL-HLS pipe', () => {
    const procs = ffmpegArgv(rtsp.url());
    expect(procs).toHaveLength(1);
    const argv = procs[0]!;
    expect(argv.filter((a) => a === 'libx264')).toHaveLength(1);
    expect(argv[argv.indexOf('-f', argv.indexOf('libx264')) + 1]).toBe('tee');
    expect(argv).toContain('+global_header');
    expect(argv.some((a) => a.startsWith('[f=hls:') && a.includes('|[f=mp4:'))).toBe(true);
  });

  it('serves an LL-HLS playlist: blocking reload, preload hint, ~0.2 s parts, independent segment starts', async () => {
    const pl = await playlist();
    expect(pl.text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=');
    expect(pl.text).toContain('#EXT-X-PART:');
    expect(pl.hint).toMatch(/^ll_p\d+\.m4s$/);
    expect(pl.partTarget).toBeGreaterThanOrEqual(0.2);
    expect(pl.partTarget).toBeLessThanOrEqual(0.334);
    expect(pl.parts.length).toBeGreaterThan(5);
    // 10 fps: two frames per part (a part may end early at a key frame)
    for (const p of pl.parts) expect(p.duration, pl.text).toBeGreaterThan(0.05);
    for (const p of pl.parts) expect(p.duration, pl.text).toBeLessThanOrEqual(0.2 + 1e-6);
    expect(pl.parts.filter((p) => Math.abs(p.duration - 0.2) < 1e-6).length).toBeGreaterThan(pl.parts.length * 0.7);
    // each segment starts with an independent part (the encoder's key frame at the segment boundary), only there
    for (const p of pl.parts) expect(p.independent, `${p.msn}/${p.index}\n${pl.text}`).toBe(p.index === 0);
    // segments are one encoder GOP (one live HLS segment, 1 s)
    for (const d of pl.text.matchAll(/#EXTINF:([\d.]+),/g)) expect(Math.abs(Number(d[1]) - 1), pl.text).toBeLessThan(0.15);
  }, 20_000);

  it('init segment and parts are H.264 (avc1), decodable by ffprobe', async () => {
    const pl = await playlist();
    const init = await bytes(`/hls/yard/${/#EXT-X-MAP:URI="([^"]+)"/.exec(pl.text)![1]}`);
    expect(init.toString('latin1', 4, 8)).toBe('ftyp');
    expect(init.includes('avc1')).toBe(true);
    expect(init.includes('hvc1') || init.includes('hev1')).toBe(false);
    const seg = await bytes(`/hls/yard/${pl.segments.at(-1)}`);
    expect(seg.toString('latin1', 4, 8)).toBe('moof');
    expect(probe(Buffer.concat([init, seg]), 'll.mp4')).toEqual({ codec_name: 'h264', width: 320, height: 240 });
    const part = await bytes(`/hls/yard/${pl.parts[0]!.uri}`);
    expect(part.toString('latin1', 4, 8)).toBe('moof');
  });

  it('a blocking reload for the next part and the preload-hinted part return within one part + 0.5 s', async () => {
    const times: number[] = [];
    let pl = await playlist();
    for (let k = 0; k < 8; k++) {
      const t0 = performance.now();
      const after = await playlist(`&_HLS_msn=${pl.last.msn}&_HLS_part=${pl.last.index + 1}`);
      times.push(performance.now() - t0);
      expect(after.last.msn * 1000 + after.last.index).toBeGreaterThan(pl.last.msn * 1000 + pl.last.index);
      pl = after;
    }
    const hintTimes: number[] = [];
    for (let k = 0; k < 4; k++) {
      const hint = (await playlist()).hint!;
      const t0 = performance.now();
      const part = await bytes(`/hls/yard/${hint}`);
      hintTimes.push(performance.now() - t0);
      expect(part.toString('latin1', 4, 8)).toBe('moof');
    }
    console.log('transcoded stream, blocking reload (ms):', times.map(Math.round).join(' '), '| preload hint (ms):', hintTimes.map(Math.round).join(' '));
    const limit = pl.partTarget * 1000 + 500;
    expect(Math.max(...times)).toBeLessThan(limit);
    expect(Math.max(...hintTimes)).toBeLessThan(limit);
  }, 30_000);

  it('plain HLS (no ll) still serves the mpegts playlist from disk, H.264', async () => {
    await expect.poll(async () => (await get('/hls/yard/index.m3u8')).status, { timeout: 15_000, interval: 300 }).toBe(200);
    const text = await (await get('/hls/yard/index.m3u8')).text();
    expect(text).not.toContain('EXT-X-PART');
    const segs = text.match(/seg_\d+\.ts/g) ?? [];
    expect(segs.length).toBeGreaterThan(0);
    for (const d of text.matchAll(/#EXTINF:([\d.]+),/g)) expect(Math.abs(Number(d[1]) - 1), text).toBeLessThan(0.15);
    const ts = await bytes(`/hls/yard/${segs.at(-1)}`);
    expect(ts[0]).toBe(0x47); // mpegts sync byte
    expect(probe(ts, 'seg.ts')).toEqual({ codec_name: 'h264', width: 320, height: 240 });
  }, 20_000);

  it('the camera is still recorded, as HEVC (stream copy, no second encode)', async () => {
    const from = Date.now() - 600_000;
    let ranges: unknown[] = [];
    const until = Date.now() + 30_000;
    for (;;) {
      const tl = (await (await get(`/api/cameras/yard/timeline?from=${from}&to=${Date.now()}`)).json()) as { ranges: unknown[]; latest: number | null };
      ranges = tl.ranges;
      if (ranges.length > 0 && tl.latest !== null) break;
      if (Date.now() > until) throw new Error(`no recording:\n${wp.output().slice(-2000)}`);
      await sleep(500);
    }
    const vod = await (await get(`/api/cameras/yard/vod.m3u8?from=${from}&to=${Date.now()}`)).text();
    const initUri = /#EXT-X-MAP:URI="([^"]+)"/.exec(vod)![1]!;
    const mediaUri = /^(\/api\/recordings\/\d+\/media\.mp4)$/m.exec(vod)![1]!;
    const rec = Buffer.concat([await bytes(initUri), await bytes(mediaUri)]);
    expect(probe(rec, 'rec.mp4')).toEqual({ codec_name: 'hevc', width: 320, height: 240 });
  }, 40_000);

  it('H.265 sub-stream: LL-HLS from its one encode; the H.265 main stream is recorded only (no transcode, no LL)', async () => {
    const call = apiClient(() => wp);
    const porch = { id: 'porch', name: 'Porch', url: rtsp2.url('main'), subUrl: rtsp2.url('sub') };
    expect((await call('POST', '/api/cameras', { cookie, json: porch })).status).toBe(201);
    const pl = parseLlPlaylist(await untilLive('/hls/porch/index.m3u8?ll=1', cookie, 40_000));
    expect(pl.hint).toMatch(/^ll_p\d+\.m4s$/);
    for (const p of pl.parts) expect(p.independent, pl.text).toBe(p.index === 0);
    const init = await bytes(`/hls/porch/${/#EXT-X-MAP:URI="([^"]+)"/.exec(pl.text)![1]}`);
    expect(init.includes('avc1')).toBe(true);
    const [sub] = ffmpegArgv(rtsp2.url('sub'));
    expect(sub!.filter((a) => a === 'libx264')).toHaveLength(1);
    const [main] = ffmpegArgv(rtsp2.url('main'));
    expect(main).not.toContain('libx264');
    expect(main!.join(' ')).not.toMatch(/tee|pipe:4|pipe\\:4|index\.m3u8/);
    expect((await get('/hls/porch/main/index.m3u8?ll=1')).status).toBe(404);
    expect((await get('/hls/porch/main/index.m3u8')).status).toBe(404);
  }, 60_000);

  it('the teed pipeline keeps its camera online: the disk playlist keeps the stall watchdog fed, no restart', async () => {
    const cam = (await (await get('/api/cameras/yard')).json()) as { status: string };
    expect(cam.status).toBe('online');
    expect(wp.output()).not.toMatch(/"camera":"(yard|porch)"[^\n]*pipeline (failed|stalled)/);
    expect(wp.output()).not.toMatch(/LL-HLS stream unreadable/);
  });
});
