/**
 * Analytics on the wire: GET /api/analytics/status (per camera analysed fps, dropped frames, tamper and the
 * exit zones' clear references). The server (server/analytics) and the console (web/src/data/alarms.ts,
 * web/src/data/zones.ts) both import this module. Same rule as shared/wire/dispatch.ts: no imports of any kind.
 */

/** An exit zone's clear reference: being learned, ready, or it could not be learned (why in `reason`). */
export type SceneState = 'learning' | 'ready' | 'cannot_learn';

export interface ZoneSceneStatus {
  zone: string;
  state: SceneState;
  reason?: string;
  /** video seconds when the reference was learned */
  learnedAt?: number;
  /** fraction of the zone that differs from the reference now */
  changed: number;
  /** fraction of the zone whose clear look is learned */
  learned: number;
}

export interface CameraAnalyticsStatus {
  cameraId: string;
  zones: number;
  state: 'waiting' | 'running' | 'retrying' | 'stopped';
  analysedFps: number;
  analysed: number;
  dropped: number;
  lastFrameAt: number | null;
  error?: string;
  /** no zone: only watched for camera tamper (key frames, ≤ 1 fps, no detection) */
  tamperOnly: boolean;
  /** camera tamper: learning its reference view, ready, or tampered (with the reason) */
  tamper: { state: 'learning' | 'ready' | 'tampered'; reason?: string };
  /** exit zones: their clear reference (learning / ready / cannot_learn and why); no alarm until ready */
  scenes: ZoneSceneStatus[];
}

export interface AnalyticsStatus {
  enabled: boolean;
  reason?: string;
  fps: number;
  keyframesOnly: boolean;
  threads: number;
  /** where inference runs */
  inference: 'main-thread' | 'worker';
  workers: number;
  detector?: { runs: number; inferMsAvg: number };
  cameras: CameraAnalyticsStatus[];
}
