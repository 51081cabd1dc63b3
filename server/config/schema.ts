import { z } from 'zod';
import { CAMERA_ID_RE } from '../cameras/types.ts';

/** Strict config schema: unknown keys are errors, every error carries its path. */

const rtspUrl = z
  .string()
  .refine((s) => /^rtsps?:\/\/[^/\s]+/i.test(s), { message: 'must be an rtsp:// or rtsps:// URL' });

export const cameraSchema = z
  .strictObject({
    id: z.string().regex(CAMERA_ID_RE, 'lowercase letters, digits, - and _ (max 63), starting with a letter or digit'),
    name: z.string().min(1).max(100),
    url: rtspUrl.optional(),
    file: z.string().min(1).optional(),
    subUrl: rtspUrl.optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    enabled: z.boolean().default(true),
    retentionDays: z.number().int().positive().optional(),
  })
  .refine((c) => (c.url ? 1 : 0) + (c.file ? 1 : 0) === 1, {
    message: 'give exactly one of url (RTSP) or file (looped video file)',
  });

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      port: z.number().int().min(0).max(65535).default(8080),
      host: z.string().default('0.0.0.0'),
      /** Session lifetime in hours (sliding). Wall displays stay logged in. */
      sessionHours: z.number().positive().default(24 * 7),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** Database and (by default) recordings. */
      dataDir: z.string().default('./recordings'),
      recordingsDir: z.string().optional(),
      /** Where live HLS playlists go (tmpfs recommended). */
      liveDir: z.string().optional(),
      retentionDays: z.number().int().positive().default(30),
      /** Total disk quota for recordings in GB; 0 = no quota. */
      diskQuotaGb: z.number().min(0).default(0),
      segmentSeconds: z.number().int().min(2).max(300).default(10),
    })
    .prefault({}),
  media: z
    .strictObject({
      ffmpegPath: z.string().optional(),
      hlsSegmentSeconds: z.number().min(0.5).max(10).default(1),
      hlsListSize: z.number().int().min(3).max(30).default(6),
      /** A pipeline with no new segment for this many segment lengths is restarted as stalled. */
      stallSegments: z.number().int().min(2).max(20).default(3),
      /** Network timeout for RTSP reads, seconds. */
      rtspTimeoutSeconds: z.number().int().min(1).max(60).default(5),
    })
    .prefault({}),
  /** Start the built-in demo cameras (from the pedestrian clip). Default: only when no config file. */
  demo: z.boolean().optional(),
  cameras: z.array(cameraSchema).default([]),
});

export type WatchpostConfig = z.infer<typeof configSchema>;
export type CameraEntry = z.infer<typeof cameraSchema>;
