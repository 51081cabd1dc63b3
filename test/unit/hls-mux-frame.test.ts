/**
 * Framing of the live multiplex (shared/wire/mux-frame.ts): answers of many tiles share one stream, each framed
 * with its request id, and arrive cut into chunks at arbitrary places (TCP, the fetch reader). The reader must
 * give back exactly the frames that were written — whatever the cuts — and refuse a stream it cannot trust.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, MUX_HEADER_BYTES, MUX_MAX_BODY } from '../../shared/wire/mux-frame.ts';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

describe('mux framing', () => {
  const frames = [
    { id: 0, status: 200, meta: { channel: 'abc' }, body: new Uint8Array(0) },
    { id: 7, status: 200, meta: { ct: 'application/vnd.apple.mpegurl' }, body: new TextEncoder().encode('#EXTM3U\n#EXT-X-PART:DURATION=0.2\n') },
    { id: 8, status: 404, meta: { ct: 'application/json' }, body: new TextEncoder().encode('{"error":{"code":"not_found"}}') },
    { id: 0xffffffff, status: 200, meta: { ct: 'video/mp4' }, body: bytes(70_000, 3) },
    { id: 9, status: 204, meta: {}, body: new Uint8Array(0) },
  ];
  const stream = concat(frames.map((f) => encodeFrame(f.id, f.status, f.meta, f.body)));

  it('reads back every frame whole, in order, in one chunk', () => {
    const got = new FrameReader().push(stream);
    expect(got.map((f) => ({ ...f, body: [...f.body] }))).toEqual(frames.map((f) => ({ ...f, body: [...f.body] })));
  });

  it('reads the same frames whatever the chunk boundaries (byte by byte, odd sizes, inside the header)', () => {
    for (const size of [1, 5, MUX_HEADER_BYTES - 1, MUX_HEADER_BYTES + 1, 997, 65_536]) {
      const r = new FrameReader();
      const got = [];
      for (let o = 0; o < stream.byteLength; o += size) got.push(...r.push(stream.subarray(o, o + size)));
      expect(got.map((f) => f.id), `chunks of ${size}`).toEqual(frames.map((f) => f.id));
      expect([...got[3]!.body]).toEqual([...frames[3]!.body]);
      expect(r.pending).toBe(0);
    }
  });

  it('holds an incomplete frame back until its last byte arrives', () => {
    const one = encodeFrame(5, 200, { ct: 'video/mp4' }, bytes(100, 1));
    const r = new FrameReader();
    expect(r.push(one.subarray(0, one.byteLength - 1))).toEqual([]);
    expect(r.pending).toBe(one.byteLength - 1);
    const [f] = r.push(one.subarray(one.byteLength - 1));
    expect(f!.id).toBe(5);
    expect([...f!.body]).toEqual([...bytes(100, 1)]);
  });

  it('a frame body does not alias the bytes that follow it in the chunk', () => {
    const two = concat([encodeFrame(1, 200, {}, bytes(10, 1)), encodeFrame(2, 200, {}, bytes(10, 2))]);
    const [a, b] = new FrameReader().push(two);
    a!.body.fill(0);
    expect([...b!.body]).toEqual([...bytes(10, 2)]);
  });

  it('refuses a length over the limit and a meta that is not a JSON object; the reader stays dead', () => {
    const head = new Uint8Array(MUX_HEADER_BYTES);
    new DataView(head.buffer).setUint32(8, MUX_MAX_BODY + 1);
    const r = new FrameReader();
    expect(() => r.push(head)).toThrow(/over/);
    expect(() => r.push(encodeFrame(1, 200, {}))).toThrow(/broken/);

    const bad = encodeFrame(1, 200, { ct: 'x' });
    bad.set(new TextEncoder().encode('[1,2,3,4,5,6,7,8'.slice(0, 10)), MUX_HEADER_BYTES);
    expect(() => new FrameReader().push(bad)).toThrow(/JSON object/);
  });

  it('encode refuses ids, statuses and bodies outside the format', () => {
    expect(() => encodeFrame(-1, 200, {})).toThrow(RangeError);
    expect(() => encodeFrame(2 ** 32, 200, {})).toThrow(RangeError);
    expect(() => encodeFrame(1, 70_000, {})).toThrow(RangeError);
    expect(() => encodeFrame(1.5, 200, {})).toThrow(RangeError);
  });
});
