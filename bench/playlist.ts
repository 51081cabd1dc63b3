/**
 * Live-playlist latency: poll each camera's index.m3u8 and note, for every segment the moment it
 * first shows up, how old its frames are by the segment's EXT-X-PROGRAM-DATE-TIME.
 */
import { sleep } from './stats.ts';

export interface PlaylistSegment {
  uri: string;
  /** EXTINF, seconds */
  duration: number;
  /** EXT-X-PROGRAM-DATE-TIME in ms since the epoch (own tag, or carried forward from an earlier one) */
  pdt: number | null;
  sequence: number;
}

/** Minimal media-playlist parser: URIs, EXTINF, PDT (carried forward per RFC 8216 §4.3.2.6). */
export function parsePlaylist(text: string): PlaylistSegment[] {
  const out: PlaylistSegment[] = [];
  let seq = 0;
  let duration = NaN;
  let pendingPdt: number | null = null;
  let nextPdt: number | null = null; // PDT implied by the previous segment's PDT + duration
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) seq = Number(line.slice(22));
    else if (line.startsWith('#EXTINF:')) duration = parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const t = Date.parse(line.slice(25));
      pendingPdt = Number.isFinite(t) ? t : null;
    } else if (line.startsWith('#EXT-X-DISCONTINUITY')) nextPdt = null;
    else if (!line.startsWith('#')) {
      const pdt: number | null = pendingPdt ?? nextPdt;
      out.push({ uri: line, duration, pdt, sequence: seq++ });
      nextPdt = pdt !== null && Number.isFinite(duration) ? pdt + duration * 1000 : null;
      pendingPdt = null;
      duration = NaN;
    }
  }
  return out;
}

export interface SegmentSample {
  camera: string;
  uri: string;
  /** when the poll that first showed the segment returned (ms since the epoch) */
  seenAt: number;
  /** seenAt − (PDT + EXTINF): how long after its last frame was received the segment became visible */
  afterLastFrameMs: number | null;
  /** seenAt − PDT: age of the segment's first frame */
  firstFrameAgeMs: number | null;
  /** EXT-X-PROGRAM-DATE-TIME (ms since the epoch) */
  pdt: number | null;
  duration: number;
}

export interface PollResult {
  samples: SegmentSample[];
  polls: number;
  errors: number;
  /** cameras whose playlist never had a PDT tag */
  camerasWithoutPdt: string[];
}

/**
 * Poll every camera's playlist every intervalMs for durationMs. Segments already listed at the
 * first poll are not measured (we do not know when they appeared).
 */
export async function pollPlaylists(opts: {
  baseUrl: string;
  cookie: string;
  cameraIds: string[];
  durationMs: number;
  intervalMs?: number;
  /** stop early */
  signal?: AbortSignal;
}): Promise<PollResult> {
  const interval = opts.intervalMs ?? 100;
  const samples: SegmentSample[] = [];
  let polls = 0;
  let errors = 0;
  const noPdt = new Set<string>();
  const end = Date.now() + opts.durationMs;

  await Promise.all(
    opts.cameraIds.map(async (id, i) => {
      const seen = new Set<string>();
      let first = true;
      let sawPdt = false;
      // stagger the cameras across the interval so requests do not all arrive together
      await sleep((interval * i) / opts.cameraIds.length);
      while (Date.now() < end && !opts.signal?.aborted) {
        const tick = Date.now();
        try {
          const res = await fetch(`${opts.baseUrl}/hls/${encodeURIComponent(id)}/index.m3u8`, {
            headers: { cookie: opts.cookie },
          });
          const body = await res.text();
          const now = Date.now();
          polls++;
          if (res.status !== 200) {
            errors++;
          } else {
            for (const seg of parsePlaylist(body)) {
              if (seg.pdt !== null) sawPdt = true;
              if (seen.has(seg.uri)) continue;
              seen.add(seg.uri);
              if (first) continue;
              samples.push({
                camera: id,
                uri: seg.uri,
                seenAt: now,
                afterLastFrameMs: seg.pdt === null ? null : now - (seg.pdt + seg.duration * 1000),
                firstFrameAgeMs: seg.pdt === null ? null : now - seg.pdt,
                pdt: seg.pdt,
                duration: seg.duration,
              });
            }
            first = false;
          }
        } catch {
          errors++;
        }
        await sleep(Math.max(0, interval - (Date.now() - tick)));
      }
      if (!sawPdt) noPdt.add(id);
    }),
  );
  return { samples, polls, errors, camerasWithoutPdt: [...noPdt] };
}
