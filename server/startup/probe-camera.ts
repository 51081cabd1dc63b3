/**
 * The camera form's "test connection": bounded to 10 s whatever the RTSP timeout — the size/codec probe, then
 * (RTSP carries no bit rate) 2 s of packets within what is left of the 10 s: on a busy box ffprobe's start and the
 * RTSP set-up alone took over 2 s, and a 4 s cap left no packets to count.
 */
import { urlWithCredentials } from '../cameras/types.ts';
import type { SourceProber } from '../http/routes/cameras.ts';
import { measureBitrate, probeSource } from '../media/probe.ts';

/** The prober of POST /api/cameras/test: its ProbeResult becomes the wire's CameraTestResult (shared/wire/cameras.ts)
 *  in routes/cameras.ts testResult(), the one place that maps it. */
export function cameraProber(ff: { ffprobePath: string }, rtspTimeoutMax: number): SourceProber {
  return async (s) => {
    const deadline = Date.now() + 10_000;
    const url = urlWithCredentials(s.url, s.username, s.password);
    const rtspTimeoutSeconds = Math.min(rtspTimeoutMax, 8);
    const p = await probeSource({ ffprobePath: ff.ffprobePath, url, rtspTimeoutSeconds, timeoutMs: 10_000, secrets: s.password ? [s.password] : [] });
    const left = deadline - Date.now();
    if (!p.ok || p.bitrateKbps !== undefined || left < 1500) return p;
    const bitrateKbps = await measureBitrate({ ffprobePath: ff.ffprobePath, url, rtspTimeoutSeconds: Math.min(rtspTimeoutSeconds, Math.floor(left / 1000)), timeoutMs: left });
    return { ...p, bitrateKbps };
  };
}
