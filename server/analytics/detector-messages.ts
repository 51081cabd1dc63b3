/**
 * The messages between DetectorWorker (main thread, detector-worker.ts) and its worker threads
 * (detector-thread.ts): frames go in a pooled SharedArrayBuffer the worker reads in place, detections come
 * back as plain objects.
 */
import type { Detection } from './postprocess.ts';
import type { ModelManifest } from './detector.ts';

/** main → worker */
export type ToThread =
  | {
      type: 'detect';
      id: number;
      /** the frame's pixels, shared: the worker reads it in place and must not keep it after answering */
      data: SharedArrayBuffer;
      width: number;
      height: number;
      order: string;
      sourceWidth?: number;
      sourceHeight?: number;
      scoreThreshold?: number;
      classes?: number[];
    }
  | { type: 'infer'; id: number; tensor: ArrayBuffer }
  | { type: 'crash'; code: number }
  | { type: 'close' };

/** worker → main */
export type FromThread =
  | { type: 'ready'; manifest: ModelManifest; threads: number }
  | { type: 'load-failed'; message: string }
  | { type: 'detected'; id: number; dets: Detection[]; timing: { preMs: number; inferMs: number; postMs: number } }
  | { type: 'inferred'; id: number; out: ArrayBuffer; inferMs: number }
  | { type: 'failed'; id: number; message: string };
