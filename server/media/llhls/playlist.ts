/**
 * LL-HLS media playlist (RFC 8216bis) of a PartRing, and the blocking-reload rules of its delivery
 * directives. URIs are relative to the playlist: ll_init<n>.mp4 (EXT-X-MAP), ll_s<msn>.m4s (segments),
 * ll_p<id>.m4s (parts, numbered across segments so the preload hint names the next part before anyone knows
 * whether it starts a new segment).
 */
import type { PartRing, Segment } from './part-ring.ts';

export const partUri = (id: number) => `ll_p${id}.m4s`;
export const segmentUri = (msn: number) => `ll_s${msn}.m4s`;
export const initUri = (id: number) => `ll_init${id}.mp4`;
export const LL_FILE_RE = /^ll_(?:(p|s)(\d{1,15})\.m4s|(init)(\d{1,15})\.mp4)$/;

/** An LL-HLS file name: what it is and its number. */
export function parseLlFile(name: string): { kind: 'p' | 's' | 'init'; n: number } | undefined {
  const m = LL_FILE_RE.exec(name);
  if (!m) return undefined;
  return m[1] ? { kind: m[1] as 'p' | 's', n: Number(m[2]) } : { kind: 'init', n: Number(m[4]) };
}

const sec = (s: number) => s.toFixed(3).replace(/\.?0+$/, '') || '0';
const iso = (ms: number) => new Date(ms).toISOString();

/** PART-HOLD-BACK: 3 part targets (the spec's floor is 2). */
export const partHoldBack = (ring: PartRing) => Math.round(ring.partTargetSeconds * 3 * 1000) / 1000;

export function writePlaylist(ring: PartRing): string {
  const segs = ring.segments.filter((s) => s.parts.length > 0);
  const first = segs[0];
  const target = ring.targetDuration;
  const out = [
    '#EXTM3U',
    '#EXT-X-VERSION:9',
    `#EXT-X-TARGETDURATION:${target}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${sec(partHoldBack(ring))}`,
    `#EXT-X-PART-INF:PART-TARGET=${sec(ring.partTargetSeconds)}`,
    `#EXT-X-MEDIA-SEQUENCE:${first?.msn ?? 0}`,
  ];
  if (ring.discontinuitySequence) out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${ring.discontinuitySequence}`);
  // parts are listed for the segments within 3 target durations of the live edge
  let edge = 0;
  const withParts = new Set<Segment>();
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = segs[i]!;
    if (edge >= target * 3) break;
    withParts.add(s);
    edge += s.durationSec;
  }
  let initId = -1;
  for (const s of segs) {
    if (s !== first && s.discontinuity) out.push('#EXT-X-DISCONTINUITY');
    if (s.initId !== initId) {
      initId = s.initId;
      out.push(`#EXT-X-MAP:URI="${initUri(initId)}"`);
    }
    out.push(`#EXT-X-PROGRAM-DATE-TIME:${iso(s.parts[0]!.pdtMs)}`);
    if (withParts.has(s)) {
      for (const p of s.parts) {
        out.push(`#EXT-X-PART:DURATION=${sec(p.durationSec)},URI="${partUri(p.id)}"${p.independent ? ',INDEPENDENT=YES' : ''}`);
      }
    }
    if (s.complete) out.push(`#EXTINF:${sec(s.durationSec)},`, segmentUri(s.msn));
  }
  if (ring.live) out.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partUri(ring.nextId)}"`);
  return out.join('\n') + '\n';
}

export type Directive = { msn: number; part?: number };

/** _HLS_msn / _HLS_part from a query: undefined when absent, 'bad' when not plain non-negative integers. */
export function parseDirective(q: Record<string, unknown>): Directive | undefined | 'bad' {
  const msn = q._HLS_msn;
  const part = q._HLS_part;
  if (msn === undefined && part === undefined) return undefined;
  const int = (v: unknown) => (typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : NaN);
  const m = int(msn);
  if (!Number.isFinite(m)) return 'bad'; // _HLS_part without _HLS_msn is an error too
  if (part === undefined) return { msn: m };
  const p = int(part);
  return Number.isFinite(p) ? { msn: m, part: p } : 'bad';
}

/** The playlist the directive asks for exists: segment msn complete, or part (msn, part) or a later one. */
export function directiveReady(ring: PartRing, d: Directive): boolean {
  const last = ring.segments.at(-1);
  if (!last) return false;
  if (d.part === undefined) return ring.segments.some((s) => s.complete && s.msn >= d.msn);
  if (last.msn > d.msn) return true;
  return last.msn === d.msn && last.parts.length > d.part;
}

/**
 * A directive too far ahead of the live edge (RFC 8216bis 6.2.5.2): msn beyond the last segment + 2, or a
 * part beyond the last part by more than the advance part limit. The server answers 400 at once.
 */
export function directiveTooFar(ring: PartRing, d: Directive): boolean {
  const last = ring.segments.at(-1);
  const lastMsn = last?.msn ?? -1;
  if (d.msn > lastMsn + 2) return true;
  if (d.part === undefined) return false;
  const limit = ring.partTargetSeconds < 1 ? Math.ceil(3 / ring.partTargetSeconds) : 3;
  if (d.msn < lastMsn) return false;
  const base = d.msn === lastMsn && last ? last.parts.length - 1 : -1;
  return d.part - base > limit;
}
