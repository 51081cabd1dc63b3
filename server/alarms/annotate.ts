/**
 * Annotated alarm snapshot: the analysed frame (BGR) upscaled, with the zone polygon and the boxes of the
 * tracks that raised the alarm drawn on it (sharp + an SVG overlay), as JPEG. The header's time is in the
 * site's time zone (`site.timeZone`, set once at start-up by setSnapshotTimeZone), with its UTC offset; box
 * labels are placed so that none covers another or the header (placeLabels).
 */
import sharp from 'sharp';
import type { Frame } from '../analytics/frames.ts';
import type { Track } from '../analytics/tracker.ts';
import type { Point } from '../analytics/zones.ts';

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

let snapshotTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The site's time zone for snapshot labels (config `site.timeZone`). */
export function setSnapshotTimeZone(tz: string): void {
  new Intl.DateTimeFormat('en', { timeZone: tz }); // throws RangeError on a bad name
  snapshotTimeZone = tz;
}

export function getSnapshotTimeZone(): string {
  return snapshotTimeZone;
}

/** "2026-12-02 22:45:50 GMT+8" in `timeZone`. */
export function formatSiteTime(ms: number, timeZone = snapshotTimeZone): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(ms);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')}`;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const LABEL_FONT_PX = 16;
export const HEADER_PX = 28;
const LABEL_H = LABEL_FONT_PX + 4;

/** Width a label takes (generous estimate for DejaVu Sans Bold: 0.66 em per character, plus padding). */
export function labelWidth(text: string): number {
  return Math.ceil([...text].length * LABEL_FONT_PX * 0.66 + 8);
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Place one label per box so that no two labels overlap and none covers the header bar: above the box,
 * else inside its top, else below it, else the nearest free row scanning down (then up) at the box's left,
 * else the nearest free spot anywhere. Only when the picture has no free spot left does a label overlap.
 */
export function placeLabels(boxes: readonly { x: number; y: number; w: number; h: number; text: string }[], W: number, H: number): Rect[] {
  const placed: Rect[] = [{ x: 0, y: 0, w: W, h: HEADER_PX }];
  const out: Rect[] = [];
  const clampX = (x: number, w: number) => Math.max(0, Math.min(W - w, x));
  const fits = (r: Rect) => r.y >= HEADER_PX && r.y + r.h <= H && r.x >= 0 && r.x + r.w <= W && !placed.some((p) => overlaps(p, r));
  for (const b of boxes) {
    const w = Math.min(W, labelWidth(b.text));
    const h = LABEL_H;
    const x = clampX(b.x, w);
    const candidates: Rect[] = [
      { x, y: b.y - h, w, h },
      { x, y: b.y, w, h },
      { x, y: b.y + b.h, w, h },
    ];
    let best = candidates.find(fits);
    if (!best) {
      // nearest free row at the box's left edge, then anywhere, by distance from above the box
      const want = { x, y: b.y - h };
      let bestD = Infinity;
      for (let yy = HEADER_PX; yy + h <= H; yy += 2) {
        for (const xx of [x, ...Array.from({ length: Math.ceil(W / 8) }, (_, i) => i * 8)]) {
          const r = { x: clampX(xx, w), y: yy, w, h };
          if (!fits(r)) continue;
          const d = Math.abs(r.y - want.y) + Math.abs(r.x - want.x) * 0.5;
          if (d < bestD) {
            bestD = d;
            best = r;
          }
          break; // first free x at this row is the nearest in scan order after the box's own x
        }
      }
    }
    const r = best ?? { x, y: Math.max(HEADER_PX, Math.min(H - h, b.y - h)), w, h };
    placed.push(r);
    out.push(r);
  }
  return out;
}

export interface Annotation {
  polygon: readonly Point[];
  zoneName: string;
  /** e.g. the alarm kind; followed by `atMs` in the site's time zone when that is given */
  label: string;
  /** epoch ms stamped in the header (site time zone) */
  atMs?: number;
  /** default: setSnapshotTimeZone() (config site.timeZone) */
  timeZone?: string;
  tracks: readonly Track[];
  /** ids of the tracks that hold the condition (drawn red; others grey) */
  alarmTrackIds: ReadonlySet<number>;
}

/** Output width in pixels (frames are ~416 wide: doubled for legibility). */
export const SNAPSHOT_WIDTH = 832;

export async function annotateFrame(frame: Pick<Frame, 'data' | 'width' | 'height' | 'sourceWidth' | 'sourceHeight'>, a: Annotation): Promise<Buffer> {
  const { width, height } = frame;
  const rgb = Buffer.allocUnsafe(width * height * 3);
  const src = frame.data;
  for (let i = 0; i < rgb.length; i += 3) {
    rgb[i] = src[i + 2]!;
    rgb[i + 1] = src[i + 1]!;
    rgb[i + 2] = src[i]!;
  }
  const W = SNAPSHOT_WIDTH;
  const H = Math.round((height * W) / width);
  const sx = W / frame.sourceWidth;
  const sy = H / frame.sourceHeight;
  const pts = a.polygon.map(([x, y]) => `${(x * W).toFixed(1)},${(y * H).toFixed(1)}`).join(' ');
  const shown = a.tracks.filter((t) => t.confirmed || a.alarmTrackIds.has(t.id));
  // the alarm's tracks first: their labels get the best places
  shown.sort((p, q) => Number(a.alarmTrackIds.has(q.id)) - Number(a.alarmTrackIds.has(p.id)));
  const geo = shown.map((t) => ({
    x: t.box.x1 * sx,
    y: t.box.y1 * sy,
    w: (t.box.x2 - t.box.x1) * sx,
    h: (t.box.y2 - t.box.y1) * sy,
    text: `${t.className} #${t.id} ${t.score.toFixed(2)}`,
  }));
  const labels = placeLabels(geo, W, H);
  const rects = shown
    .map((t, i) => {
      const g = geo[i]!;
      const hot = a.alarmTrackIds.has(t.id);
      return `<rect x="${g.x.toFixed(1)}" y="${g.y.toFixed(1)}" width="${g.w.toFixed(1)}" height="${g.h.toFixed(1)}" fill="none" stroke="${hot ? '#ff2020' : '#c0c0c0'}" stroke-width="${hot ? 4 : 2}"/>`;
    })
    .join('');
  const texts = shown
    .map((t, i) => {
      const r = labels[i]!;
      const color = a.alarmTrackIds.has(t.id) ? '#ff4040' : '#e0e0e0';
      return (
        `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="rgba(0,0,0,0.55)"/>` +
        `<text x="${r.x + 4}" y="${r.y + LABEL_FONT_PX}" fill="${color}" font-family="sans-serif" font-size="${LABEL_FONT_PX}" font-weight="bold">${esc(geo[i]!.text)}</text>`
      );
    })
    .join('');
  const boxes = rects + texts;
  const header = a.atMs === undefined ? a.label : `${a.label} ${formatSiteTime(a.atMs, a.timeZone ?? snapshotTimeZone)}`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">` +
    `<polygon points="${pts}" fill="rgba(255,200,0,0.18)" stroke="#ffc800" stroke-width="3"/>` +
    boxes +
    `<rect x="0" y="0" width="${W}" height="${HEADER_PX}" fill="rgba(0,0,0,0.6)"/>` +
    `<text x="8" y="20" fill="#fff" font-family="sans-serif" font-size="16">${esc(`${header} · ${a.zoneName}`)}</text>` +
    `</svg>`;
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(W, H)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 82 })
    .toBuffer();
}
