/**
 * One long-lived worker thread that hashes finished recording segments (sha256, 1 MiB reads), so sealing
 * costs the event loop nothing and no thread is started per segment (a segment every 10 s per camera).
 * The worker is unref'd while idle: it never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';

// plain JS, evaluated as a CommonJS worker (no TypeScript loader inside the worker)
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', ({ id, path }) => {
  let fd;
  try {
    fd = openSync(path, 'r');
    const h = createHash('sha256');
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, bytes);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
      bytes += n;
    }
    parentPort.postMessage({ id, sha256: h.digest('hex'), bytes });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e), code: e && e.code });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export class HashWorker {
  private worker: Worker | undefined;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (d: FileDigest) => void; reject: (e: Error) => void }>();

  hash(path: string): Promise<FileDigest> {
    const w = this.ensure();
    const id = this.next++;
    if (this.waiting.size === 0) w.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ id, path });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER, { eval: true });
    w.unref();
    w.on('message', (m: { id: number; sha256?: string; bytes?: number; error?: string; code?: string }) => {
      const p = this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) w.unref();
      if (m.sha256 !== undefined) p.resolve({ sha256: m.sha256, bytes: m.bytes! });
      else p.reject(Object.assign(new Error(m.error ?? 'hash failed'), { code: m.code }));
    });
    const failAll = (e: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.waiting.values()) p.reject(e);
      this.waiting.clear();
    };
    w.once('error', failAll);
    w.once('exit', (code) => failAll(new Error(`hash worker exited with ${code}`)));
    this.worker = w;
    return w;
  }
}
