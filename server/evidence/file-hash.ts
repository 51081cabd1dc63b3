/**
 * File hashing off the main thread. A worker reads with synchronous 8 MB reads (page-cached recordings hash
 * at the speed of sha256 itself, ~1.6 GB/s with SHA-NI; a read stream on the main thread managed about 60 %
 * of that) and leaves the event loop free for the HTTP server. Memory stays flat: one buffer per worker.
 *
 *  - hashFiles: sha256 of many files (the source segments of an export), one worker, in order;
 *  - hashRange: sha256 and CRC-32 of one byte range (an exported MP4 inside its zip), two workers at once.
 */
import { Worker } from 'node:worker_threads';

const CHUNK = 8 << 20;

// plain JS, evaluated as a CommonJS worker (no TypeScript loader needed inside the worker)
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync, fstatSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const { jobs, algo, chunk } = workerData;
const buf = Buffer.allocUnsafe(chunk);
const out = [];
let sinceReport = 0;
for (const j of jobs) {
  const fd = openSync(j.path, 'r');
  try {
    const length = j.length < 0 ? fstatSync(fd).size - j.start : j.length;
    const h = algo === 'sha256' ? createHash('sha256') : null;
    let crc = 0, done = 0;
    while (done < length) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, length - done), j.start + done);
      if (n <= 0) throw new Error(j.path + ' is shorter than expected');
      const part = buf.subarray(0, n);
      if (h) h.update(part); else crc = crc32(part, crc);
      done += n;
      sinceReport += n;
      if (sinceReport >= 64 * 1024 * 1024) { parentPort.postMessage({ progress: sinceReport }); sinceReport = 0; }
    }
    out.push(h ? h.digest('hex') : crc >>> 0);
  } finally {
    closeSync(fd);
  }
}
if (sinceReport) parentPort.postMessage({ progress: sinceReport });
parentPort.postMessage({ result: out });
`;

interface Job {
  path: string;
  start: number;
  /** -1 = to the end of the file */
  length: number;
}

function runWorker<T>(jobs: Job[], algo: 'sha256' | 'crc32', onBytes?: (n: number) => void, signal?: AbortSignal): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { jobs, algo, chunk: CHUNK } });
    let settled = false;
    const abort = () => void w.terminate();
    signal?.addEventListener('abort', abort, { once: true });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      fn();
    };
    w.on('message', (m: { progress?: number; result?: T[] }) => {
      if (m.progress) onBytes?.(m.progress);
      if (m.result) finish(() => resolve(m.result!));
    });
    w.once('error', (e) => finish(() => reject(e)));
    w.once('exit', (code) =>
      finish(() => reject(signal?.aborted ? Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }) : new Error(`hash worker exited with ${code}`))),
    );
  });
}

/** sha256 (hex) of each file, in order. */
export function hashFiles(paths: string[], signal?: AbortSignal): Promise<string[]> {
  return runWorker<string>(paths.map((path) => ({ path, start: 0, length: -1 })), 'sha256', undefined, signal);
}

/** sha256 and CRC-32 of `length` bytes of `path` from `start`, on two cores at once. */
export async function hashRange(
  path: string,
  start: number,
  length: number,
  onBytes?: (done: number, total: number) => void,
): Promise<{ sha256: string; crc: number }> {
  let done = 0;
  const [sha, crc] = await Promise.all([
    runWorker<string>([{ path, start, length }], 'sha256', (n) => onBytes?.((done += n), length)),
    runWorker<number>([{ path, start, length }], 'crc32'),
  ]);
  return { sha256: sha[0]!, crc: crc[0]! };
}
