/**
 * Annotated alarm snapshot: the analysed frame (BGR) upscaled, with the zone polygon and the boxes of the
 * tracks that raised the alarm drawn on it (sharp + an SVG overlay), as JPEG.
 */
import sharp from 'sharp';
import type { Frame } from '../analytics/frames.ts';
import type { Track } from '../analytics/tracker.ts';
import type { Point } from '../analytics/zones.ts';

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Annotation {
  polygon: readonly Point[];
  zoneName: string;
  label: string;
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
  const boxes = a.tracks
    .filter((t) => t.confirmed || a.alarmTrackIds.has(t.id))
    .map((t) => {
      const hot = a.alarmTrackIds.has(t.id);
      const x = t.box.x1 * sx;
      const y = t.box.y1 * sy;
      const color = hot ? '#ff2020' : '#c0c0c0';
      return (
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${((t.box.x2 - t.box.x1) * sx).toFixed(1)}" height="${((t.box.y2 - t.box.y1) * sy).toFixed(1)}" fill="none" stroke="${color}" stroke-width="${hot ? 4 : 2}"/>` +
        `<text x="${x.toFixed(1)}" y="${Math.max(14, y - 4).toFixed(1)}" fill="${color}" font-family="sans-serif" font-size="16" font-weight="bold">${esc(`${t.className} #${t.id} ${t.score.toFixed(2)}`)}</text>`
      );
    })
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">` +
    `<polygon points="${pts}" fill="rgba(255,200,0,0.18)" stroke="#ffc800" stroke-width="3"/>` +
    boxes +
    `<rect x="0" y="0" width="${W}" height="28" fill="rgba(0,0,0,0.6)"/>` +
    `<text x="8" y="20" fill="#fff" font-family="sans-serif" font-size="16">${esc(`${a.label} · ${a.zoneName}`)}</text>` +
    `</svg>`;
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(W, H)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 82 })
    .toBuffer();
}
