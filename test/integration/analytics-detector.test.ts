import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector, getDetector, type Detection } from '../../server/analytics/detector.ts';
import { iou } from '../../server/analytics/postprocess.ts';
import { REPO_ROOT } from '../support/scenarios.ts';

async function rgb(path: string) {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, order: 'rgb' as const };
}

describe('YOLOX-Nano detector on real photos', () => {
  let det: Detector;
  beforeAll(async () => {
    det = await getDetector();
  });

  it('finds the people in COCO 139 where they are (hand-measured boxes, IoU ≥ 0.5)', async () => {
    const dets = await det.detect(await rgb(join(REPO_ROOT, 'assets/images/coco_000000000139.jpg')), { scoreThreshold: 0.25 });
    const people = dets.filter((d) => d.className === 'person');
    // the woman at the counter, and the man seen through the window behind her
    const expected = [
      { x1: 413, y1: 158, x2: 466, y2: 296 },
      { x1: 384, y1: 172, x2: 400, y2: 208 },
    ];
    for (const e of expected) {
      const best = Math.max(0, ...people.map((p) => iou(p, e)));
      expect(best, JSON.stringify(e)).toBeGreaterThanOrEqual(0.5);
    }
    // and the room: a tv and chairs
    expect(dets.some((d) => d.className === 'tv' && iou(d, { x1: 5, y1: 166, x2: 155, y2: 262 }) >= 0.5)).toBe(true);
    expect(dets.filter((d) => d.className === 'chair').length).toBeGreaterThanOrEqual(2);
  });

  it('finds at least 8 people in the COCO 1000 group photo, boxes inside the image', async () => {
    const img = await rgb(join(REPO_ROOT, 'assets/images/coco_000000001000.jpg'));
    const people = (await det.detect(img, { scoreThreshold: 0.3 })).filter((d: Detection) => d.className === 'person');
    expect(people.length).toBeGreaterThanOrEqual(8);
    for (const p of people) {
      expect(p.x1).toBeGreaterThanOrEqual(0);
      expect(p.x2).toBeLessThanOrEqual(img.width);
      expect(p.y2).toBeLessThanOrEqual(img.height);
      expect(p.score).toBeGreaterThanOrEqual(0.3);
    }
  });

  it('maps boxes to source pixels for a downscaled BGR frame and serialises concurrent calls', async () => {
    const full = await rgb(join(REPO_ROOT, 'assets/images/coco_000000000139.jpg'));
    // the same photo as ffmpeg would hand it over: BGR, scaled to 416×277, source 640×426
    const small = await sharp(join(REPO_ROOT, 'assets/images/coco_000000000139.jpg')).resize(416, 277).removeAlpha().raw().toBuffer();
    for (let i = 0; i < small.length; i += 3) [small[i], small[i + 2]] = [small[i + 2]!, small[i]!];
    const [a, b] = await Promise.all([
      det.detect(full, { scoreThreshold: 0.5 }),
      det.detect({ data: small, width: 416, height: 277, sourceWidth: 640, sourceHeight: 426 }, { scoreThreshold: 0.5 }),
    ]);
    const tvA = a.find((d) => d.className === 'tv')!;
    const tvB = b.find((d) => d.className === 'tv')!;
    expect(iou(tvA, tvB)).toBeGreaterThan(0.85);
    expect(det.pending).toBe(0);
  });
});

describe('model checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wp-model-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing model says to run npm run assets', async () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'models/yolox_nano.json'), 'utf8'));
    writeFileSync(join(dir, 'm.json'), JSON.stringify(manifest));
    await expect(Detector.load({ manifestPath: join(dir, 'm.json') })).rejects.toThrow(/model missing at .*yolox_nano\.onnx: run npm run assets/);
  });

  it('a corrupt model is a sha256 mismatch', async () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'models/yolox_nano.json'), 'utf8'));
    writeFileSync(join(dir, 'm.json'), JSON.stringify(manifest));
    const bytes = readFileSync(join(REPO_ROOT, 'models/yolox_nano.onnx'));
    bytes[1000] = (bytes[1000]! + 1) % 256;
    writeFileSync(join(dir, manifest.file), bytes);
    await expect(Detector.load({ manifestPath: join(dir, 'm.json') })).rejects.toThrow(/sha256 mismatch/);
  });
});
