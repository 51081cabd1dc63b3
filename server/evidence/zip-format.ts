/**
 * The byte layout of an evidence bundle: a ZIP (APPNOTE 6.3) with stored (uncompressed) entries, UTF-8 names,
 * no comments, no data descriptors, ZIP64 fields exactly when a value does not fit 32 bits. Writer and verifier
 * share these serialisers: the verifier rebuilds every header from the central directory's values and compares
 * it byte for byte with the file, so no byte outside the entries' data escapes a check.
 */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const FLAG_UTF8 = 0x0800;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
/** made by: UNIX (3), spec 4.5 */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
/** -rw-r--r-- regular file */
const EXTERNAL_ATTR = (0o100644 << 16) >>> 0;

export const LOCAL_FIXED = 30;
export const CENTRAL_FIXED = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;

export interface EntryMeta {
  name: string;
  size: number;
  crc: number;
  /** offset of the local header */
  offset: number;
  dosTime: number;
  dosDate: number;
}

/** DOS date/time fields of a UTC instant (2-second resolution). */
export function dosDateTime(ms: number): { dosTime: number; dosDate: number } {
  const d = new Date(ms);
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    dosTime: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    dosDate: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

const sizeIs64 = (e: Pick<EntryMeta, 'size'>) => e.size >= MAX32;

function u64(buf: Buffer, value: number, at: number): void {
  buf.writeBigUInt64LE(BigInt(value), at);
}

/** Data of an aligned entry starts on this boundary (the file-system block: see ZipWriter.adopt). */
export const ALIGN = 4096;
/** Extra field for alignment padding, as Android's zipalign writes it: ID, then the alignment, then zeros. */
const ALIGN_ID = 0xd935;

function alignPadding(offset: number, nameLen: number, z64Len: number): number {
  const base = offset + LOCAL_FIXED + nameLen + z64Len + 6;
  return (ALIGN - (base % ALIGN)) % ALIGN;
}

/**
 * Local file header (with its ZIP64 extra when the size needs 64 bits). `aligned` adds the minimal alignment
 * extra field that makes the entry's data start at a multiple of ALIGN.
 */
export function localHeader(e: EntryMeta, aligned = false): Buffer {
  const name = Buffer.from(e.name, 'utf8');
  const z64 = sizeIs64(e);
  const z64Len = z64 ? 20 : 0;
  const alignLen = aligned ? 6 + alignPadding(e.offset, name.length, z64Len) : 0;
  const extraLen = z64Len + alignLen;
  const b = Buffer.alloc(LOCAL_FIXED + name.length + extraLen);
  b.writeUInt32LE(SIG_LOCAL, 0);
  b.writeUInt16LE(z64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  b.writeUInt16LE(FLAG_UTF8, 6);
  b.writeUInt16LE(0, 8); // stored
  b.writeUInt16LE(e.dosTime, 10);
  b.writeUInt16LE(e.dosDate, 12);
  b.writeUInt32LE(e.crc >>> 0, 14);
  b.writeUInt32LE(z64 ? MAX32 : e.size, 18);
  b.writeUInt32LE(z64 ? MAX32 : e.size, 22);
  b.writeUInt16LE(name.length, 26);
  b.writeUInt16LE(extraLen, 28);
  name.copy(b, LOCAL_FIXED);
  let x = LOCAL_FIXED + name.length;
  if (z64) {
    b.writeUInt16LE(0x0001, x);
    b.writeUInt16LE(16, x + 2);
    u64(b, e.size, x + 4);
    u64(b, e.size, x + 12);
    x += 20;
  }
  if (aligned) {
    b.writeUInt16LE(ALIGN_ID, x);
    b.writeUInt16LE(alignLen - 4, x + 2);
    b.writeUInt16LE(ALIGN, x + 4);
  }
  return b;
}

export function localHeaderLength(name: string, size: number, offset = 0, aligned = false): number {
  const nameLen = Buffer.byteLength(name, 'utf8');
  const z64Len = size >= MAX32 ? 20 : 0;
  return LOCAL_FIXED + nameLen + z64Len + (aligned ? 6 + alignPadding(offset, nameLen, z64Len) : 0);
}

/** Central directory header. */
export function centralHeader(e: EntryMeta): Buffer {
  const name = Buffer.from(e.name, 'utf8');
  const z64Size = sizeIs64(e);
  const z64Off = e.offset >= MAX32;
  const extraLen = z64Size || z64Off ? 4 + (z64Size ? 16 : 0) + (z64Off ? 8 : 0) : 0;
  const b = Buffer.alloc(CENTRAL_FIXED + name.length + extraLen);
  b.writeUInt32LE(SIG_CENTRAL, 0);
  b.writeUInt16LE(MADE_BY, 4);
  b.writeUInt16LE(z64Size || z64Off ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
  b.writeUInt16LE(FLAG_UTF8, 8);
  b.writeUInt16LE(0, 10);
  b.writeUInt16LE(e.dosTime, 12);
  b.writeUInt16LE(e.dosDate, 14);
  b.writeUInt32LE(e.crc >>> 0, 16);
  b.writeUInt32LE(z64Size ? MAX32 : e.size, 20);
  b.writeUInt32LE(z64Size ? MAX32 : e.size, 24);
  b.writeUInt16LE(name.length, 28);
  b.writeUInt16LE(extraLen, 30);
  b.writeUInt16LE(0, 32); // comment
  b.writeUInt16LE(0, 34); // disk
  b.writeUInt16LE(0, 36); // internal attributes
  b.writeUInt32LE(EXTERNAL_ATTR, 38);
  b.writeUInt32LE(z64Off ? MAX32 : e.offset, 42);
  name.copy(b, CENTRAL_FIXED);
  if (extraLen) {
    let x = CENTRAL_FIXED + name.length;
    b.writeUInt16LE(0x0001, x);
    b.writeUInt16LE(extraLen - 4, x + 2);
    x += 4;
    if (z64Size) {
      u64(b, e.size, x);
      u64(b, e.size, x + 8);
      x += 16;
    }
    if (z64Off) u64(b, e.offset, x);
  }
  return b;
}

/** Whether the end of the archive needs the ZIP64 end records. */
export function needsZip64End(count: number, cdOffset: number, cdSize: number): boolean {
  return count >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
}

/** [ZIP64 end record + locator] + end of central directory record. */
export function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const z64 = needsZip64End(count, cdOffset, cdSize);
  const parts: Buffer[] = [];
  if (z64) {
    const r = Buffer.alloc(ZIP64_EOCD_SIZE);
    r.writeUInt32LE(SIG_ZIP64_EOCD, 0);
    u64(r, ZIP64_EOCD_SIZE - 12, 4);
    r.writeUInt16LE(MADE_BY, 12);
    r.writeUInt16LE(VERSION_ZIP64, 14);
    r.writeUInt32LE(0, 16);
    r.writeUInt32LE(0, 20);
    u64(r, count, 24);
    u64(r, count, 32);
    u64(r, cdSize, 40);
    u64(r, cdOffset, 48);
    const l = Buffer.alloc(ZIP64_LOCATOR_SIZE);
    l.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
    l.writeUInt32LE(0, 4);
    u64(l, cdOffset + cdSize, 8);
    l.writeUInt32LE(1, 16);
    parts.push(r, l);
  }
  const e = Buffer.alloc(EOCD_SIZE);
  e.writeUInt32LE(SIG_EOCD, 0);
  e.writeUInt16LE(0, 4);
  e.writeUInt16LE(0, 6);
  e.writeUInt16LE(Math.min(count, MAX16), 8);
  e.writeUInt16LE(Math.min(count, MAX16), 10);
  e.writeUInt32LE(Math.min(cdSize, MAX32), 12);
  e.writeUInt32LE(Math.min(cdOffset, MAX32), 16);
  e.writeUInt16LE(0, 20);
  parts.push(e);
  return Buffer.concat(parts);
}
