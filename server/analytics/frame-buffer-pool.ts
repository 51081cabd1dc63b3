/**
 * Pooled SharedArrayBuffers for frames sent to the detector workers, by byte size. Reusing them spares an
 * allocation and a transfer per frame: at 16 cameras × 2 fps that was ~12 MB/s of garbage.
 */

/** buffers kept per frame size (a frame in flight per worker plus queued ones) */
const POOL_DEPTH = 8;
/** frame sizes kept (a few at most; more and the pool starts over) */
const POOL_SIZES = 4;

export class FrameBufferPool {
  private readonly free = new Map<number, SharedArrayBuffer[]>();

  /** A buffer of `size` bytes from the pool, or a fresh one when none is free. */
  take(size: number): SharedArrayBuffer {
    return this.free.get(size)?.pop() ?? new SharedArrayBuffer(size);
  }

  /** Hand a buffer back once nothing reads it any more. */
  give(buf: SharedArrayBuffer): void {
    let list = this.free.get(buf.byteLength);
    if (!list) {
      if (this.free.size >= POOL_SIZES) this.free.clear();
      list = [];
      this.free.set(buf.byteLength, list);
    }
    if (list.length < POOL_DEPTH) list.push(buf);
  }
}
