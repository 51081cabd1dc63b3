/**
 * LL-HLS fan-out benchmark (issue I point 1): N simulated low-latency viewers of one camera, each doing
 * what hls.js does in low-latency mode — a blocking playlist reload for the next part and, in parallel, a
 * request for the preload-hinted part — against the real server and a GStreamer RTSP camera on 127.0.0.1.
 *
 *   npm run bench:llhls                                 # 50 viewers, 20 s, 1280x720 25 fps 2 Mbit/s
 *   npm run bench:llhls -- --viewers 10 --seconds 10
 *
 * Reports: the server's CPU (node only; ffmpeg apart) idle vs with the viewers, its RSS, requests per
 * second, the blocking-reload wait, and the fan-out spread: for each part, the time between the first and
 * the last viewer receiving it. Before the load, the playlist's EXT-X-PROGRAM-DATE-TIME is checked against
 * the receipt clock: the bench's own RTSP client on the same shared mount (primer.ts) notes when each key
 * frame arrives; a segment starts at a key frame, so PDT − that arrival is the PDT's error.
 */
import { startRtspServer } from '../test/support/rtsp.ts';
import { login, startWatchpost } from '../test/support/server.ts';
import { startPrimer } from '../test/support/rtsp-primer.ts';
import { clockTicks, processTree, readRss } from './proc.ts';
import { sleep, summarize } from './stats.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const VIEWERS = arg('viewers', 50);
const SECONDS = arg('seconds', 20);

function serverTicks(root: number): { node: number; ffmpeg: number; rssMb: number } {
  let node = 0;
  let ffmpeg = 0;
  let rss = 0;
  for (const p of processTree(root)) {
    if (p.comm === 'ffmpeg') ffmpeg += p.utime + p.stime;
    else {
      node += p.utime + p.stime;
      rss += readRss(p.pid);
    }
  }
  return { node, ffmpeg, rssMb: rss / 1024 / 1024 };
}

async function main(): Promise<void> {
  const rtsp = await startRtspServer({ width: 1280, height: 720, fps: 25, bitrateKbps: 2000 });
  const primer = startPrimer(rtsp.url());
  await primer.ready(20_000);
  const wp = await startWatchpost({ configYaml: ['cameras:', `  - {id: cam, name: Cam, url: "${rtsp.url()}"}`].join('\n') });
  try {
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    const get = (p: string) => fetch(`${wp.url}/hls/cam/${p}`, { headers: { cookie } });
    for (let t = Date.now(); ; ) {
      const r = await get('index.m3u8?ll=1');
      if (r.status === 200 && (await r.text()).includes('ll_s')) break;
      if (Date.now() - t > 60_000) throw new Error('no LL-HLS playlist');
      await sleep(300);
    }
    await sleep(3000);
    const pdtErr = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const text = await (await get('index.m3u8?ll=1')).text();
      for (const m of text.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)/g)) {
        const pdt = Date.parse(m[1]!);
        const key = primer.keyframeNear(pdt, 500);
        if (key !== undefined) pdtErr.set(m[1]!, pdt - key);
      }
      await sleep(1000);
    }
    const hz = clockTicks();
    const root = wp.process().pid!;
    const window = async (ms: number) => {
      const a = serverTicks(root);
      await sleep(ms);
      const b = serverTicks(root);
      return { nodeCpu: ((b.node - a.node) / hz / (ms / 1000)) * 100, ffmpegCpu: ((b.ffmpeg - a.ffmpeg) / hz / (ms / 1000)) * 100, rssMb: b.rssMb };
    };
    const idle = await window(SECONDS * 500);

    const got = new Map<string, number[]>(); // part uri → arrival times at each viewer
    const waits: number[] = [];
    let requests = 0;
    let errors = 0;
    let stop = false;
    const viewer = async () => {
      const first = await (await get('index.m3u8?ll=1')).text();
      let msn = 0;
      let part = 0;
      const parse = (text: string) => {
        const lines = text.split('\n');
        let m = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
        let idx = -1;
        for (const l of lines) {
          if (l.startsWith('#EXT-X-PART:')) idx++;
          else if (/^ll_s\d+\.m4s$/.test(l)) {
            m++;
            idx = -1;
          }
        }
        [msn, part] = [m, idx + 1];
        return /PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(text)?.[1];
      };
      let hint = parse(first);
      while (!stop) {
        const t0 = performance.now();
        const [pl] = await Promise.all([
          get(`index.m3u8?ll=1&_HLS_msn=${msn}&_HLS_part=${part}`).then(async (r) => (r.status === 200 ? r.text() : (errors++, ''))),
          hint
            ? get(hint).then(async (r) => {
                const at = performance.now();
                if (r.status !== 200) return errors++;
                await r.arrayBuffer();
                const list = got.get(hint!) ?? [];
                list.push(at);
                got.set(hint!, list);
              })
            : undefined,
        ]);
        requests += 2;
        waits.push(performance.now() - t0);
        if (!pl) {
          await sleep(200);
          hint = parse(await (await get('index.m3u8?ll=1')).text());
          continue;
        }
        hint = parse(pl);
      }
    };
    const runs = Array.from({ length: VIEWERS }, () => viewer());
    await sleep(2000); // all viewers in step
    waits.length = 0;
    got.clear();
    const r0 = requests;
    const loaded = await window(SECONDS * 1000);
    const rps = (requests - r0) / SECONDS;
    stop = true;
    await Promise.allSettled(runs);
    const spreads = [...got.values()].filter((l) => l.length === VIEWERS).map((l) => Math.max(...l) - Math.min(...l));
    const out = {
      viewers: VIEWERS,
      seconds: SECONDS,
      idle: { nodeCpuPercent: Math.round(idle.nodeCpu), ffmpegCpuPercent: Math.round(idle.ffmpegCpu), rssMb: Math.round(idle.rssMb) },
      loaded: { nodeCpuPercent: Math.round(loaded.nodeCpu), ffmpegCpuPercent: Math.round(loaded.ffmpegCpu), rssMb: Math.round(loaded.rssMb) },
      requestsPerSecond: Math.round(rps),
      errors,
      blockingReloadMs: summarize(waits),
      pdtMinusKeyframeReceiptMs: summarize([...pdtErr.values()]),
      partsSeenByAll: spreads.length,
      fanOutSpreadMs: summarize(spreads),
    };
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await wp.dispose();
    await primer.stop();
    await rtsp.stop();
  }
}

await main();
