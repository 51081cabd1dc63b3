/** Reading the server's LL-HLS media playlists in tests (test/integration/llhls*.test.ts). */

export interface LlPart {
  /** media sequence number of the segment the part belongs to, and its index in it */
  msn: number;
  index: number;
  duration: number;
  independent: boolean;
  uri: string;
}

export interface LlPlaylist {
  text: string;
  msnFirst: number;
  partTarget: number;
  /** the last part listed: its segment's msn and its index in it */
  last: { msn: number; index: number; uri: string };
  hint?: string;
  /** complete segments (ll_s<msn>.m4s), oldest first */
  segments: string[];
  /** every part listed, oldest first */
  parts: LlPart[];
}

export function parseLlPlaylist(text: string): LlPlaylist {
  const lines = text.trim().split('\n');
  const msnFirst = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1]);
  const partTarget = Number(/PART-TARGET=([\d.]+)/.exec(text)?.[1]);
  let msn = msnFirst;
  let index = -1;
  let last = { msn, index, uri: '' };
  const segments: string[] = [];
  const parts: LlPart[] = [];
  for (const l of lines) {
    const p = /^#EXT-X-PART:DURATION=([\d.]+),.*URI="([^"]+)"/.exec(l);
    if (p) {
      index++;
      last = { msn, index, uri: p[2]! };
      parts.push({ msn, index, duration: Number(p[1]), independent: l.includes('INDEPENDENT=YES'), uri: p[2]! });
    } else if (/^ll_s\d+\.m4s$/.test(l)) {
      segments.push(l);
      msn++;
      index = -1;
    }
  }
  return { text, msnFirst, partTarget, last, hint: /PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(text)?.[1], segments, parts };
}

/** What the LL-HLS tests need of the server (a Watchpost of test/support/server.ts). */
interface Server {
  url: string;
  output(): string;
}

export interface LlClient {
  /** GET with the session cookie (`c` = '' for none) */
  get(path: string, c?: string): Promise<Response>;
  /** the body of a GET that must answer 200 */
  bytes(path: string): Promise<Buffer>;
  /** the camera's LL-HLS playlist (`query` appended, e.g. '&_HLS_msn=…'): must answer 200 as an HLS playlist */
  playlist(query?: string): Promise<LlPlaylist>;
  /** poll `path` (default the camera's LL-HLS playlist) until it answers 200 with a full segment (ll_s…) in it */
  untilLive(path?: string, c?: string, ms?: number): Promise<string>;
}

/**
 * Requests of test/integration/llhls*.test.ts against one camera's LL-HLS playlist `llPath`
 * (e.g. '/hls/gate/index.m3u8?ll=1'). `wp` and `cookie` are read at each call (the tests set them in beforeAll).
 */
export function llClient(wp: () => Server, cookie: () => string, llPath: string): LlClient {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const get = (path: string, c = cookie()) => fetch(`${wp().url}${path}`, { headers: { cookie: c } });
  return {
    get,
    async bytes(path) {
      const res = await get(path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async playlist(query = '') {
      const res = await get(llPath + query);
      if (res.status !== 200) throw new Error(`${llPath + query}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      const type = res.headers.get('content-type') ?? '';
      if (!/mpegurl/.test(type)) throw new Error(`${llPath + query}: content-type ${type}`);
      return parseLlPlaylist(await res.text());
    },
    async untilLive(path = llPath, c = cookie(), ms = 30_000) {
      const end = Date.now() + ms;
      for (;;) {
        const res = await get(path, c);
        const text = await res.text();
        if (res.status === 200 && text.includes('ll_s')) return text;
        if (Date.now() > end) throw new Error(`no LL-HLS playlist at ${path}: ${res.status} ${text.slice(0, 300)}\n${wp().output().slice(-3000)}`);
        await sleep(300);
      }
    },
  };
}
