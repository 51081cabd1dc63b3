/**
 * Framing of the live multiplex (issue I, server/http/routes/hls-mux.ts, web/src/controllers/hls-mux.ts): one
 * long-lived response per console page carries the answers to the playlist, part and segment requests of every
 * tile, each framed with the id of the request it answers, in the order they are ready (a blocking playlist
 * reload parked on the server holds up nothing but itself).
 *
 * A frame: 12-byte header, big-endian — id u32, status u16, metaLen u16, bodyLen u32 — then metaLen bytes of
 * UTF-8 JSON (`{ct?: content type, channel?: string}`), then bodyLen bytes of body. Id 0 is the channel's own
 * frame (the first one names the channel: `{channel}`; a later one with status 204 is a keep-alive).
 */
export const MUX_HEADER_BYTES = 12;
/** largest body a frame may carry (a main-stream segment is a few MB); a bigger length is a broken stream */
export const MUX_MAX_BODY = 32 * 1024 * 1024;

export interface MuxMeta {
  ct?: string;
  channel?: string;
}

export interface MuxFrame {
  id: number;
  status: number;
  meta: MuxMeta;
  body: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One frame as bytes. Throws on an id, status or size outside the format. */
export function encodeFrame(id: number, status: number, meta: MuxMeta, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`mux frame: bad id ${id}`);
  if (!Number.isInteger(status) || status < 0 || status > 0xffff) throw new RangeError(`mux frame: bad status ${status}`);
  if (body.byteLength > MUX_MAX_BODY) throw new RangeError(`mux frame: body of ${body.byteLength} bytes is over ${MUX_MAX_BODY}`);
  const m = enc.encode(JSON.stringify(meta));
  if (m.byteLength > 0xffff) throw new RangeError('mux frame: meta too long');
  const out = new Uint8Array(MUX_HEADER_BYTES + m.byteLength + body.byteLength);
  const v = new DataView(out.buffer);
  v.setUint32(0, id);
  v.setUint16(4, status);
  v.setUint16(6, m.byteLength);
  v.setUint32(8, body.byteLength);
  out.set(m, MUX_HEADER_BYTES);
  out.set(body, MUX_HEADER_BYTES + m.byteLength);
  return out;
}

/**
 * Cuts frames out of a byte stream that arrives in chunks of any size (a frame split over chunks, many frames in
 * one chunk). `push` returns the frames completed by the chunk; a malformed header (a body over MUX_MAX_BODY,
 * meta that is not a JSON object) throws, and the reader is then dead (the stream cannot be resynchronised).
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private dead = false;

  push(chunk: Uint8Array): MuxFrame[] {
    if (this.dead) throw new Error('mux frame: stream already broken');
    if (chunk.byteLength) {
      this.chunks.push(chunk);
      this.buffered += chunk.byteLength;
    }
    const out: MuxFrame[] = [];
    for (;;) {
      if (this.buffered < MUX_HEADER_BYTES) return out;
      const head = this.peek(MUX_HEADER_BYTES);
      const v = new DataView(head.buffer, head.byteOffset, MUX_HEADER_BYTES);
      const metaLen = v.getUint16(6);
      const bodyLen = v.getUint32(8);
      if (bodyLen > MUX_MAX_BODY) {
        this.dead = true;
        throw new Error(`mux frame: body length ${bodyLen} is over ${MUX_MAX_BODY}`);
      }
      const total = MUX_HEADER_BYTES + metaLen + bodyLen;
      if (this.buffered < total) return out;
      const all = this.take(total);
      let meta: unknown;
      try {
        meta = JSON.parse(dec.decode(all.subarray(MUX_HEADER_BYTES, MUX_HEADER_BYTES + metaLen)));
      } catch {
        meta = undefined;
      }
      if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
        this.dead = true;
        throw new Error('mux frame: meta is not a JSON object');
      }
      out.push({ id: v.getUint32(0), status: v.getUint16(4), meta: meta as MuxMeta, body: all.subarray(MUX_HEADER_BYTES + metaLen) });
    }
  }

  /** bytes held for a frame not complete yet */
  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.byteLength >= n) return first.subarray(0, n);
    return this.join(n, false);
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.byteLength === n) {
      this.chunks.shift();
      this.buffered -= n;
      return first;
    }
    if (first.byteLength > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      // a copy: the frame's body must not pin (or alias) the rest of the chunk
      return first.slice(0, n);
    }
    return this.join(n, true);
  }

  private join(n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let off = 0;
    let i = 0;
    for (; off < n; i++) {
      const c = this.chunks[i]!;
      const k = Math.min(c.byteLength, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (consume && k < c.byteLength) {
        this.chunks[i] = c.subarray(k);
        break;
      }
    }
    if (consume) {
      this.chunks.splice(0, i);
      this.buffered -= n;
    }
    return out;
  }
}
