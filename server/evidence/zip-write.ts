/**
 * A small store-only ZIP writer for evidence bundles (layout: zip-format.ts). Entries are written in order;
 * each entry's sha256 and CRC-32 are computed in the same pass that copies its bytes, so a multi-gigabyte MP4
 * is read once, in fixed-size chunks (flat memory). The writer owns its file: `abort()` removes it.
 *
 * `adopt()` avoids even that copy for the first entry: the file itself becomes the archive.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { hashRange } from './file-hash.ts';
import { ALIGN, centralHeader, dosDateTime, endRecords, localHeader, localHeaderLength, type EntryMeta } from './zip-format.ts';

export const COPY_CHUNK = 4 << 20;

export interface WrittenEntry extends EntryMeta {
  sha256: string;
}

export class ZipWriter {
  private pos = 0;
  private readonly entries: WrittenEntry[] = [];
  private readonly dos: { dosTime: number; dosDate: number };
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    mtimeMs: number,
  ) {
    this.dos = dosDateTime(mtimeMs);
  }

  /** Create `path` (it must not exist). `mtimeMs` is stamped on every entry. */
  static async create(path: string, mtimeMs = Date.now()): Promise<ZipWriter> {
    return new ZipWriter(path, await open(path, 'wx', 0o600), mtimeMs);
  }

  /**
   * Turn the finished file at `path` (the MP4 ffmpeg just wrote) into an archive whose first entry it is, without
   * copying it: ALIGN bytes are inserted at its start with FALLOC_FL_INSERT_RANGE (`fallocate --insert-range`;
   * ext4 and XFS) and the entry's block-aligned local header is written into them. Returns undefined, with the
   * file untouched, when the directory's file system cannot insert (probed once per directory); the caller then
   * copies. On a later failure the file is the caller's partial archive (abort() removes it).
   *
   * Order matters for speed: inserting a range first writes all of the file's dirty pages back to disk, so the
   * file is hashed (from the page cache, on two cores) while an fsync does that write-back, and the insert that
   * follows finds nothing left to flush.
   */
  static async adopt(
    path: string,
    name: string,
    mtimeMs: number,
    onBytes?: (done: number, total: number) => void,
    fallocatePath = 'fallocate',
  ): Promise<{ zip: ZipWriter; entry: WrittenEntry } | undefined> {
    const size = (await stat(path)).size;
    if (localHeaderLength(name, size, 0, true) !== ALIGN) return undefined;
    if (!(await canInsertRange(fallocatePath, dirname(path)))) return undefined;
    const fh = await open(path, 'r+');
    await fh.chmod(0o600); // issue F: export bundles are readable by the server's user only
    const zip = new ZipWriter(path, fh, mtimeMs);
    try {
      const [{ sha256, crc }] = await Promise.all([hashRange(path, 0, size, onBytes), fh.datasync()]);
      if (!(await insertRange(fallocatePath, path, ALIGN))) throw new Error('fallocate --insert-range failed');
      if ((await fh.stat()).size !== size + ALIGN) throw new Error('insert-range did not grow the file as expected');
      const meta: EntryMeta = { name, size, crc, offset: 0, ...zip.dos };
      await zip.write(localHeader(meta, true), 0);
      zip.pos = ALIGN + size;
      const entry = { ...meta, sha256 };
      zip.entries.push(entry);
      return { zip, entry };
    } catch (err) {
      await zip.abort();
      throw err;
    }
  }

  get written(): readonly WrittenEntry[] {
    return this.entries;
  }

  private async write(buf: Buffer, at: number): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.fh.write(buf, off, buf.length - off, at + off);
      if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
      off += bytesWritten;
    }
  }

  private begin(name: string, size: number): EntryMeta {
    if (this.closed) throw new Error('zip already finished');
    if (this.entries.some((e) => e.name === name)) throw new Error(`duplicate zip entry ${name}`);
    return { name, size, crc: 0, offset: this.pos, ...this.dos };
  }

  async addBuffer(name: string, data: Buffer): Promise<WrittenEntry> {
    const e = this.begin(name, data.length);
    e.crc = crc32(data);
    const header = localHeader(e);
    await this.write(header, this.pos);
    await this.write(data, this.pos + header.length);
    this.pos += header.length + data.length;
    const w = { ...e, sha256: createHash('sha256').update(data).digest('hex') };
    this.entries.push(w);
    return w;
  }

  /**
   * Copy a file into the archive. Reads and writes overlap (two buffers); `onBytes` reports progress.
   * The file must not change while it is copied (its size is fixed in the header first).
   */
  async addFile(name: string, src: string, onBytes?: (done: number, total: number) => void): Promise<WrittenEntry> {
    const input = await open(src, 'r');
    try {
      const size = (await input.stat()).size;
      const e = this.begin(name, size);
      const headerLen = localHeaderLength(name, size);
      const hash = createHash('sha256');
      let crc = 0;
      let done = 0;
      const bufs = [Buffer.allocUnsafe(COPY_CHUNK), Buffer.allocUnsafe(COPY_CHUNK)];
      let pendingWrite: Promise<void> = Promise.resolve();
      for (let i = 0; done < size; i++) {
        const buf = bufs[i % 2]!;
        const want = Math.min(COPY_CHUNK, size - done);
        const { bytesRead } = await input.read(buf, 0, want, done);
        if (bytesRead <= 0) throw new Error(`${src} shrank while it was copied`);
        const chunk = buf.subarray(0, bytesRead);
        hash.update(chunk);
        crc = crc32(chunk, crc);
        await pendingWrite; // the other buffer is free again
        pendingWrite = this.write(chunk, this.pos + headerLen + done);
        done += bytesRead;
        onBytes?.(done, size);
      }
      await pendingWrite;
      e.crc = crc;
      await this.write(localHeader(e), this.pos);
      this.pos += headerLen + size;
      const w = { ...e, sha256: hash.digest('hex') };
      this.entries.push(w);
      return w;
    } finally {
      await input.close();
    }
  }

  /** Central directory + end records, flushed to disk. The file is complete after this. */
  async finish(): Promise<number> {
    const cdOffset = this.pos;
    const central = Buffer.concat(this.entries.map((e) => centralHeader(e)));
    await this.write(central, cdOffset);
    const end = endRecords(this.entries.length, cdOffset, central.length);
    await this.write(end, cdOffset + central.length);
    this.pos = cdOffset + central.length + end.length;
    await this.fh.sync();
    await this.fh.close();
    this.closed = true;
    return this.pos;
  }

  /** Close and delete the (partial) file. Safe to call more than once. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    await unlink(this.path).catch(() => undefined);
  }
}

const insertSupport = new Map<string, Promise<boolean>>();

/** Can the file system of `dir` insert ranges? Tried once per directory on a scratch file. */
export function canInsertRange(fallocatePath: string, dir: string): Promise<boolean> {
  let p = insertSupport.get(dir);
  if (!p) {
    p = (async () => {
      const probe = join(dir, `.insert-range-probe-${process.pid}`);
      try {
        await writeFile(probe, Buffer.alloc(2 * ALIGN));
        return (await insertRange(fallocatePath, probe, ALIGN)) && (await stat(probe)).size === 3 * ALIGN;
      } catch {
        return false;
      } finally {
        await unlink(probe).catch(() => undefined);
      }
    })();
    insertSupport.set(dir, p);
  }
  return p;
}

/** `fallocate --insert-range`: true when the file system did it. */
function insertRange(fallocatePath: string, path: string, length: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(fallocatePath, ['--insert-range', '--offset', '0', '--length', String(length), path], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}
