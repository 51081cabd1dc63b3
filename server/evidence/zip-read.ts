/**
 * Strict reader for evidence bundles. It accepts exactly what zip-write.ts produces: it parses the end records
 * and the central directory, rebuilds every header with zip-format.ts and compares byte for byte, and checks
 * that entries follow each other with no bytes in between. Entry data is then checked by CRC-32 and sha256
 * (verify.ts). Any changed byte therefore shows up as a structural mismatch, a CRC/hash mismatch or a bad
 * signature — never as silence.
 */
import { open, type FileHandle } from 'node:fs/promises';
import {
  CENTRAL_FIXED,
  EOCD_SIZE,
  LOCAL_FIXED,
  SIG_CENTRAL,
  SIG_EOCD,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
  centralHeader,
  endRecords,
  localHeader,
  type EntryMeta,
} from './zip-format.ts';

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

export interface ZipEntry extends EntryMeta {
  dataOffset: number;
}

export interface ZipIndex {
  size: number;
  entries: ZipEntry[];
}

async function readAt(fh: FileHandle, at: number, len: number): Promise<Buffer> {
  const b = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(b, got, len - got, at + got);
    if (bytesRead <= 0) break;
    got += bytesRead;
  }
  if (got !== len) throw new ZipFormatError(`unexpected end of file at byte ${at + got}`);
  return b;
}

function firstDiff(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at));

/** Parse and structurally check the archive at `path`. Throws ZipFormatError naming the first problem. */
export async function readZipIndex(path: string): Promise<ZipIndex> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size < EOCD_SIZE) throw new ZipFormatError(`file too short for a ZIP archive (${size} bytes)`);
    const eocd = await readAt(fh, size - EOCD_SIZE, EOCD_SIZE);
    if (eocd.readUInt32LE(0) !== SIG_EOCD) {
      throw new ZipFormatError('no end-of-central-directory record at the end of the file (trailing or missing bytes?)');
    }
    let count = eocd.readUInt16LE(10);
    let cdSize = eocd.readUInt32LE(12);
    let cdOffset = eocd.readUInt32LE(16);
    let endStart = size - EOCD_SIZE;
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const tail = ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE;
      if (size < EOCD_SIZE + tail) throw new ZipFormatError('ZIP64 end records missing');
      const z = await readAt(fh, size - EOCD_SIZE - tail, ZIP64_EOCD_SIZE);
      count = u64(z, 32);
      cdSize = u64(z, 40);
      cdOffset = u64(z, 48);
      endStart = size - EOCD_SIZE - tail;
    }
    if (cdOffset + cdSize !== endStart) {
      throw new ZipFormatError(`central directory (offset ${cdOffset}, ${cdSize} bytes) does not end where the end records start (${endStart})`);
    }
    const expectEnd = endRecords(count, cdOffset, cdSize);
    const actualEnd = await readAt(fh, endStart, size - endStart);
    if (!expectEnd.equals(actualEnd)) {
      throw new ZipFormatError(`end-of-archive records differ from the canonical form at byte ${endStart + firstDiff(expectEnd, actualEnd)}`);
    }
    if (cdSize > 64 << 20) throw new ZipFormatError(`central directory implausibly large (${cdSize} bytes)`);
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + CENTRAL_FIXED > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) {
        throw new ZipFormatError(`central directory entry ${i + 1} is damaged (byte ${cdOffset + p})`);
      }
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const total = CENTRAL_FIXED + nameLen + extraLen + commentLen;
      if (p + total > cd.length) throw new ZipFormatError(`central directory entry ${i + 1} overruns the directory`);
      const nameBytes = cd.subarray(p + CENTRAL_FIXED, p + CENTRAL_FIXED + nameLen);
      const name = nameBytes.toString('utf8');
      let entrySize = cd.readUInt32LE(p + 24);
      let offset = cd.readUInt32LE(p + 42);
      // ZIP64 extra: sizes first, then the offset, each only when the 32-bit field is saturated
      let x = p + CENTRAL_FIXED + nameLen;
      if (extraLen >= 4 && cd.readUInt16LE(x) === 0x0001) {
        x += 4;
        if (entrySize === 0xffffffff) {
          entrySize = u64(cd, x + 8);
          x += 16;
        }
        if (offset === 0xffffffff) offset = u64(cd, x);
      }
      const meta: EntryMeta = {
        name,
        size: entrySize,
        crc: cd.readUInt32LE(p + 16),
        offset,
        dosTime: cd.readUInt16LE(p + 12),
        dosDate: cd.readUInt16LE(p + 14),
      };
      const canonical = centralHeader(meta);
      const actual = cd.subarray(p, p + total);
      if (!Buffer.from(name, 'utf8').equals(nameBytes) || !canonical.equals(actual)) {
        throw new ZipFormatError(`central directory entry "${name}" differs from the canonical form at byte ${cdOffset + p + firstDiff(canonical, actual)}`);
      }
      entries.push({ ...meta, dataOffset: -1 });
      p += total;
    }
    if (p !== cd.length) throw new ZipFormatError(`${cd.length - p} unexplained bytes at the end of the central directory`);

    // local headers, in file order, with nothing between the entries; a header is either plain or carries
    // exactly the padding that block-aligns its data (zip-format.ts localHeader)
    let expectOffset = 0;
    for (const e of entries) {
      if (e.offset !== expectOffset) {
        throw new ZipFormatError(`entry "${e.name}" starts at byte ${e.offset}, expected ${expectOffset} (bytes inserted or removed?)`);
      }
      const fixed = await readAt(fh, e.offset, Math.min(LOCAL_FIXED, cdOffset - e.offset));
      const declared = fixed.length === LOCAL_FIXED ? LOCAL_FIXED + fixed.readUInt16LE(26) + fixed.readUInt16LE(28) : 0;
      const plain = localHeader(e);
      const canonical = declared === plain.length ? plain : localHeader(e, true);
      const actual = await readAt(fh, e.offset, Math.min(canonical.length, cdOffset - e.offset));
      if (!canonical.equals(actual)) {
        throw new ZipFormatError(`local header of "${e.name}" differs from the central directory at byte ${e.offset + firstDiff(canonical, actual)}`);
      }
      e.dataOffset = e.offset + canonical.length;
      expectOffset = e.dataOffset + e.size;
    }
    if (expectOffset !== cdOffset) {
      throw new ZipFormatError(`${cdOffset - expectOffset} unexplained bytes before the central directory`);
    }
    if (new Set(entries.map((e) => e.name)).size !== entries.length) throw new ZipFormatError('duplicate entry names');
    return { size, entries };
  } finally {
    await fh.close();
  }
}

/** Read an entry's bytes in chunks (for hashing) — `fn` gets each chunk in order. */
export async function streamEntry(path: string, e: ZipEntry, fn: (chunk: Buffer) => void, chunkSize = 4 << 20): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(1, e.size)));
    let done = 0;
    while (done < e.size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, e.size - done), e.dataOffset + done);
      if (bytesRead <= 0) throw new ZipFormatError(`entry "${e.name}" is cut short`);
      fn(buf.subarray(0, bytesRead));
      done += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** A small entry's bytes (manifest, signature, key). */
export async function readEntry(path: string, e: ZipEntry, max = 16 << 20): Promise<Buffer> {
  if (e.size > max) throw new ZipFormatError(`entry "${e.name}" is too large (${e.size} bytes)`);
  const parts: Buffer[] = [];
  await streamEntry(path, e, (c) => parts.push(Buffer.from(c)));
  return Buffer.concat(parts);
}

