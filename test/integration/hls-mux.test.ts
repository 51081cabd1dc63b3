/**
 * The live multiplex's hostile client (issue I "Bad input": a client that never reads does not grow server memory):
 * a channel is opened and never read while it is asked for full LL-HLS segments again and again. The server must
 * close that channel (with a log line) once 16 MB sit unread, refuse further requests on it (404), and not hold
 * the answers in memory. Real server, GStreamer RTSP camera, loopback only.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameReader } from '../../shared/wire/mux-frame.ts';
import { startRtspServer, type RtspServer } from '../support/rtsp.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
/** RSS (MB) of the server's node process: the largest node of the tree under the launcher (ffmpeg excluded) */
function rssMb(root: number): number {
  let best = 0;
  for (const stack = [root]; stack.length; ) {
    const pid = stack.pop()!;
    stack.push(...childrenOf(pid));
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('node')) best = Math.max(best, rssOf(pid));
    } catch {
      // gone
    }
  }
  return best;
}

describe('live multiplex: a page that never reads its channel', () => {
  let rtsp: RtspServer;
  let wp: Watchpost;
  let cookie: string;

  beforeAll(async () => {
    rtsp = await startRtspServer({ width: 640, height: 360, fps: 25, bitrateKbps: 4000 });
    wp = await startWatchpost({ configYaml: ['server: {host: 127.0.0.1}', 'demo: false', 'analytics: {enabled: false}', 'cameras:', `  - {id: gate, name: Gate, url: "${rtsp.url()}"}`].join('\n') });
    cookie = await login(wp.url, 'admin', wp.adminPassword);
  }, 60_000);
  afterAll(async () => {
    await wp?.dispose();
    await rtsp?.stop();
  });

  it('closes the unread channel past its bound, with a log line, and refuses it afterwards', async () => {
    // a full segment of the LL-HLS stream (the largest live file there is)
    let seg: string | undefined;
    for (let i = 0; i < 60 && !seg; i++) {
      const r = await fetch(`${wp.url}/hls/gate/index.m3u8?ll=1`, { headers: { cookie } });
      seg = r.status === 200 ? /^(ll_s\d+\.m4s)$/m.exec(await r.text())?.[1] : undefined;
      if (!seg) await new Promise((res) => setTimeout(res, 500));
    }
    expect(seg).toBeDefined();
    const size = (await (await fetch(`${wp.url}/hls/gate/${seg}`, { headers: { cookie } })).arrayBuffer()).byteLength;
    expect(size).toBeGreaterThan(10_000);

    // open the channel, read its first frame, then never read again
    const channel = await new Promise<{ id: string; res: http.IncomingMessage }>((resolve, reject) => {
      const req = http.get(`${wp.url}/hls-mux`, { headers: { cookie } }, (res) => {
        res.once('data', (chunk: Buffer) => {
          res.pause();
          resolve({ id: new FrameReader().push(chunk)[0]!.meta.channel!, res });
        });
      });
      req.on('error', reject);
    });
    const rss0 = rssMb(wp.process().pid!);
    let next = 1;
    let closedAfter = 0;
    for (let batch = 0; batch < 100 && !closedAfter; batch++) {
      const requests = Array.from({ length: 64 }, () => ({ id: next++, path: `/hls/gate/${seg}` }));
      const r = await fetch(`${wp.url}/hls-mux/${channel.id}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ requests }) });
      if (r.status === 404) closedAfter = next - 65;
      else expect(r.status).toBe(202);
      await new Promise((res) => setTimeout(res, 50));
    }
    console.log(`segment ${size} B: channel closed after ${closedAfter} answers (~${Math.round((closedAfter * size) / 1e6)} MB asked); server RSS ${Math.round(rss0)} → ${Math.round(rssMb(wp.process().pid!))} MB`);
    // closed once ~16 MB (plus what the kernel's socket buffers took) were unread, not after everything was asked
    expect(closedAfter).toBeGreaterThan(0);
    expect(closedAfter * size).toBeLessThan(48e6);
    // what is unread is bounded (16 MB + socket buffers, and their copies until GC); never closed, the 100 batches
    // here would hold ~180 MB of answers
    expect(rssMb(wp.process().pid!) - rss0).toBeLessThan(96);
    expect(wp.output()).toMatch(/channel closed[\s\S]*unread/);
    channel.res.destroy();
  }, 90_000);
});
