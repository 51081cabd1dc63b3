/**
 * A Motion-JPEG camera (issue I point 1: LL-HLS for EVERY live stream; old encoders and cheap IP cameras send RTP/JPEG)
 * against the real server and a GStreamer RTSP camera (jpegenc, rtpjpegpay): the browser cannot play JPEG frames in
 * HLS, so the live stream is the server's H.264 encode, LL-HLS parts included, and the recording is H.264 too (JPEG
 * is not kept as is: fragmented MP4 of JPEG frames is ~10× the size and plays nowhere). One camera, one ffmpeg, one
 * libx264 encode teed to all three outputs (issue I point 4).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegArgv, probeBytes } from '../support/ffmpeg-procs.ts';
import { llClient } from '../support/llhls.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

let rtsp: RtspServer;
let wp: Watchpost;
let cookie = '';
const tmp = mkdtempSync(join(tmpdir(), 'wp-llm-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LL = '/hls/dock/index.m3u8?ll=1';
const { get, bytes, playlist, untilLive } = llClient(() => wp, () => cookie, LL);

const probe = (data: Buffer, name: string) => probeBytes(tmp, data, name);

beforeAll(async () => {
  rtsp = await startRtspServer({ width: 320, height: 240, fps: 10, codec: 'mjpeg' });
  wp = await startWatchpost({
    configYaml: ['demo: false', 'analytics: {enabled: false}', 'storage: {segmentSeconds: 2}', 'media: {rtspTimeoutSeconds: 2}', 'cameras:', `  - {id: dock, name: "码头 Dock", url: "${rtsp.url()}"}`].join('\n'),
  });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
  await untilLive(LL, cookie, 60_000);
}, 90_000);
afterAll(async () => {
  await wp?.dispose();
  await rtsp?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a Motion-JPEG camera', () => {
  it('the source really is MJPEG (RTP/JPEG)', () => {
    const out = execFileSync('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', rtsp.url()], { timeout: 20_000 });
    expect(out.toString().trim()).toBe('mjpeg');
  });

  it('plays as LL-HLS: H.264 parts with a preload hint, each segment starting with an independent part', async () => {
    const pl = await playlist();
    expect(pl.text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=');
    expect(pl.hint).toMatch(/^ll_p\d+\.m4s$/);
    expect(pl.parts.length).toBeGreaterThan(3);
    for (const p of pl.parts) expect(p.independent, `${p.msn}/${p.index}\n${pl.text}`).toBe(p.index === 0);
    const init = await bytes(`/hls/dock/${/#EXT-X-MAP:URI="([^"]+)"/.exec(pl.text)![1]}`);
    expect(init.includes('avc1')).toBe(true);
    const seg = await bytes(`/hls/dock/${pl.segments.at(-1)}`);
    expect(probe(Buffer.concat([init, seg]), 'll.mp4')).toEqual({ codec_name: 'h264', width: 320, height: 240 });
  }, 30_000);

  it('one ffmpeg for the camera; ONE libx264 encode feeds the disk HLS, the LL-HLS pipe and the recording', () => {
    const procs = ffmpegArgv(rtsp.url());
    expect(procs).toHaveLength(1);
    const argv = procs[0]!;
    const encodes = argv.filter((a) => a === 'libx264').length;
    console.log(`MJPEG camera: ${procs.length} ffmpeg, ${encodes} libx264 encode(s): ${argv.slice(argv.indexOf('-map')).join(' ').slice(0, 400)}`);
    expect(encodes).toBe(1);
    expect(argv.filter((a) => a === '-map')).toHaveLength(1);
    // 10 fps, 1 s live segments: a 1 s GOP suits both the live segments and the recording
    expect(argv.slice(argv.indexOf('-g'), argv.indexOf('-g') + 2)).toEqual(['-g', '10']);
    expect(argv[argv.indexOf('tee') - 1]).toBe('-f');
    const tee = argv[argv.indexOf('tee') + 1]!;
    expect(tee.replace(/\\./g, '').split('|').map((s) => /^\[f=(\w+)/.exec(s)?.[1])).toEqual(['hls', 'mp4', 'segment']);
  });

  it('is recorded as H.264 and plays back', async () => {
    const from = Date.now() - 600_000;
    const until = Date.now() + 30_000;
    for (;;) {
      const tl = (await (await get(`/api/cameras/dock/timeline?from=${from}&to=${Date.now()}`)).json()) as { ranges: unknown[]; latest: number | null };
      if (tl.ranges.length > 0 && tl.latest !== null) break;
      if (Date.now() > until) throw new Error(`no recording:\n${wp.output().slice(-2000)}`);
      await sleep(500);
    }
    const vod = await (await get(`/api/cameras/dock/vod.m3u8?from=${from}&to=${Date.now()}`)).text();
    const initUri = /#EXT-X-MAP:URI="([^"]+)"/.exec(vod)![1]!;
    const mediaUri = /^(\/api\/recordings\/\d+\/media\.mp4)$/m.exec(vod)![1]!;
    const rec = Buffer.concat([await bytes(initUri), await bytes(mediaUri)]);
    expect(probe(rec, 'rec.mp4')).toEqual({ codec_name: 'h264', width: 320, height: 240 });
  }, 40_000);

  it('stays online, no pipeline failure', async () => {
    const cam = (await (await get('/api/cameras/dock')).json()) as { status: string };
    expect(cam.status).toBe('online');
    expect(wp.output()).not.toMatch(/"camera":"dock"[^\n]*pipeline (failed|stalled)/);
  });
});
