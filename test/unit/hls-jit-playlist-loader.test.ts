/**
 * The console's LL-HLS playlist loader (web/src/controllers/jit-playlist-loader.ts, used by hls-controller.ts): a
 * blocking reload that follows a blocking one goes out `margin` ms before the next part is due (previous arrival
 * + PART-TARGET), so 16 tiles do not hold all 6 HTTP/1.1 sockets of the host with parked requests (issue I
 * point 4, docs/benchmarks.md). Driven with a recording base loader and fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { justInTimePlaylistLoader } from '../../web/src/controllers/jit-playlist-loader.ts';

interface Sent {
  url: string;
  at: number;
  cb: { onSuccess(r: { data: string }, s: unknown, c: unknown, d: unknown): void };
}

function makeBase(sent: Sent[], aborted: string[]) {
  return class {
    stats = { aborted: false };
    load(ctx: { url: string }, _cfg: unknown, cb: Sent['cb']) {
      sent.push({ url: ctx.url, at: performance.now(), cb });
    }
    abort() {
      aborted.push('base');
    }
    destroy() {}
  };
}

const PLAYLIST = '#EXTM3U\n#EXT-X-PART-INF:PART-TARGET=0.200\n';
const url = (msn: number, part: number) => `/hls/gate/index.m3u8?ll=1&_HLS_msn=${msn}&_HLS_part=${part}`;

describe('justInTimePlaylistLoader', () => {
  let sent: Sent[];
  let aborted: string[];
  let Loader: new (c: unknown) => { load(ctx: unknown, cfg: unknown, cb: unknown): void; abort(): void; destroy(): void };
  const load = (u: string, cb: Record<string, unknown> = {}) => {
    const l = new Loader({});
    l.load({ url: u }, {}, { onSuccess: () => undefined, ...cb });
    return l;
  };
  const answer = (i: number) => sent[i]!.cb.onSuccess({ data: PLAYLIST }, {}, {}, null);

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    sent = [];
    aborted = [];
    Loader = justInTimePlaylistLoader(makeBase(sent, aborted) as never, 50) as never;
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first playlist and the first blocking reload at once, then waits for the next part', () => {
    load('/hls/gate/index.m3u8?ll=1');
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(5);
    answer(0);
    load(url(7, 1));
    expect(sent).toHaveLength(2); // after a plain load: at once (start-up)
    vi.advanceTimersByTime(190); // the server held it until part 7.1 existed
    answer(1);
    const arrived = performance.now();
    load(url(7, 2));
    expect(sent).toHaveLength(2); // parked in the browser, not on a socket
    vi.advanceTimersByTime(149);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(3);
    expect(sent[2]!.at - arrived).toBe(150); // arrival + 200 ms PART-TARGET − 50 ms margin
    expect(sent[2]!.url).toBe(url(7, 2));
  });

  it('a reload whose time has already passed (the answer came late) goes at once', () => {
    load(url(3, 0));
    vi.advanceTimersByTime(200);
    answer(0);
    vi.advanceTimersByTime(400); // the main thread was busy: the part is long due
    load(url(3, 1));
    expect(sent).toHaveLength(2);
  });

  it('an abort while parked never sends and reports the abort once', () => {
    load(url(3, 0));
    vi.advanceTimersByTime(200);
    answer(0);
    const onAbort = vi.fn();
    const l = load(url(3, 1), { onAbort });
    l.abort();
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
    expect(onAbort).toHaveBeenCalledTimes(1);
    expect(aborted).toEqual([]); // nothing on the wire to abort
    load(url(3, 1)); // long due by now: at once
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(200);
    answer(1);
    const l3 = load(url(3, 2)); // after a blocking answer: parked again, then the player is destroyed
    l3.destroy();
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });

  it('on an uncrowded page (few players) every reload goes at once', () => {
    let many = false;
    const Gated = justInTimePlaylistLoader(makeBase(sent, aborted) as never, 50, () => many) as unknown as typeof Loader;
    const go = (u: string) => new Gated({}).load({ url: u }, {}, { onSuccess: () => undefined });
    go(url(1, 0));
    vi.advanceTimersByTime(190);
    sent[0]!.cb.onSuccess({ data: PLAYLIST }, {}, {}, null);
    go(url(1, 1));
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(190);
    sent[1]!.cb.onSuccess({ data: PLAYLIST }, {}, {}, null);
    many = true; // a third tile started
    go(url(1, 2));
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(150);
    expect(sent).toHaveLength(3);
  });

  it('never delays without a PART-TARGET (a plain playlist) nor a non-blocking load', () => {
    const Plain = justInTimePlaylistLoader(makeBase(sent, aborted) as never, 50) as unknown as typeof Loader;
    const a = new Plain({});
    a.load({ url: url(1, 0) }, {}, { onSuccess: () => undefined });
    sent[0]!.cb.onSuccess({ data: '#EXTM3U\n#EXT-X-TARGETDURATION:1\n' }, {}, {}, null);
    new Plain({}).load({ url: url(1, 1) }, {}, { onSuccess: () => undefined });
    expect(sent).toHaveLength(2);
    new Plain({}).load({ url: '/hls/gate/index.m3u8' }, {}, { onSuccess: () => undefined });
    expect(sent).toHaveLength(3);
  });
});
