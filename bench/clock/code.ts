/**
 * The camera clock's code (bench/clock/clock_server.py draws it): 40 blocks in 2 rows × 20 columns at the
 * top of the frame, each width/20 px square, black (16) = 0 and white (235) = 1, read at mid-grey.
 * Bits, MSB first, row by row: ms since the epoch modulo 2^32 (32 bits), then CRC-8 (poly 0x07) of
 * those 4 bytes (big-endian) XOR 0x55, so that an all-black or all-white frame is no valid code. ms modulo 2^32 wraps every 49.7 days; the reader picks the full time
 * closest to its own clock, so any latency under ~24 days is unambiguous.
 *
 * Self-contained on purpose (no imports): it is bundled into the benchmark page as well.
 */
export const CLOCK_COLS = 20;
export const CLOCK_ROWS = 2;
export const CLOCK_BITS = CLOCK_COLS * CLOCK_ROWS;
/** Blocks whose centre is this close to mid-grey are not trusted (the frame is not a clock frame). */
const MARGIN = 40;
const MID = 128;
const WRAP = 2 ** 32;

export function crc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc ^ 0x55;
}

function bytesOf(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** The 40 bits for a time (same as clock_server.py's clock_bits). */
export function clockBits(ms: number): number[] {
  const v = ((ms % WRAP) + WRAP) % WRAP;
  const bits: number[] = [];
  for (let i = 31; i >= 0; i--) bits.push(Math.floor(v / 2 ** i) % 2);
  const c = crc8(bytesOf(v));
  for (let i = 7; i >= 0; i--) bits.push((c >> i) & 1);
  return bits;
}

/** ms modulo 2^32 from 40 bits, or null if the checksum does not match. */
export function valueFromBits(bits: readonly number[]): number | null {
  if (bits.length !== CLOCK_BITS) return null;
  let v = 0;
  for (let i = 0; i < 32; i++) v = v * 2 + (bits[i] ? 1 : 0);
  let c = 0;
  for (let i = 32; i < 40; i++) c = (c << 1) | (bits[i] ? 1 : 0);
  return crc8(bytesOf(v)) === c ? v : null;
}

/** The full ms time for a value modulo 2^32: the one closest to nowMs. */
export function unwrap(value: number, nowMs: number): number {
  const base = nowMs - (((nowMs - value) % WRAP) + WRAP) % WRAP;
  return nowMs - base > WRAP / 2 ? base + WRAP : base;
}

/**
 * Decode a frame: luma(x, y) gives the luma (0..255) at a point in a frame `width` px wide
 * (any frame height; the code is at the top). Reads each block's centre. Returns the capture time in
 * ms since the epoch, or null for a frame without a valid code (ambiguous block or checksum mismatch).
 */
export function decodeClock(luma: (x: number, y: number) => number, width: number, nowMs: number): number | null {
  const block = width / CLOCK_COLS;
  const bits: number[] = [];
  for (let r = 0; r < CLOCK_ROWS; r++) {
    for (let c = 0; c < CLOCK_COLS; c++) {
      const y = luma(Math.floor((c + 0.5) * block), Math.floor((r + 0.5) * block));
      if (!(Math.abs(y - MID) >= MARGIN)) return null;
      bits.push(y > MID ? 1 : 0);
    }
  }
  const v = valueFromBits(bits);
  return v === null ? null : unwrap(v, nowMs);
}
