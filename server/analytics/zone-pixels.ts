/**
 * The per-pixel pass of an exit zone's clear-look model (ZoneScene.step in background-zone.ts): learning each
 * pixel's clear look, comparing the short-term background with it, updating it. Typed arrays and numbers only.
 */
/** normalised intensity difference (in zone std units) */
export const Z_DIFF = 1.0;
const G_DIFF = 0.9; // normalised gradient difference
const STILL = 0.6; // frame vs short-term, normalised units
const STILL_GREY = 12; // learning: frame vs previous frame, grey levels (a busy zone has a large std)
/** a pixel a person covered this recently is not compared (S still holds their fading ghost); 3 × TAU_SHORT */
const GHOST_SECONDS = 3;
/** a changed pixel hidden by a passer-by counts as changed this long (while the visible part shows the change) */
const HOLD_HIDDEN_SECONDS = 8;
const STEADY_SECONDS = 2;
/** a pixel that has not once matched its learned look this long after learning is learned again */
const SUSPECT_SECONDS = 10;

/** A zone's per-pixel arrays (w×h; only the zone's pixels `idx` are used; nx/ny: their centres, by k). */
export interface PixelArrays {
  idx: Uint32Array;
  nx: Float64Array;
  ny: Float64Array;
  S: Float32Array;
  L: Float32Array;
  learned: Uint8Array;
  stable: Float32Array;
  acc: Float32Array;
  run: Float32Array;
  personAt: Float32Array;
  verdict: Uint8Array;
  verdictAt: Float32Array;
  changedSince: Float32Array;
  matched: Uint8Array;
  learnedT: Float32Array;
}

/**
 * The per-pixel part of ZoneScene.step: learn, compare with the clear look, update it. On its own with
 * typed arrays and numbers only: as a method it was compiled and thrown away again a dozen times a run
 * (the scene object's shape changes as its fields fill in) and in between ran unoptimised, boxing every
 * double it computed (~60 KB of garbage per zone and frame).
 * out: [changed, held, x1, y1, x2, y2 (of the changed pixels), Δ learnedCount, Δ learnedVersion].
 */
export function pixelPass(
  p: PixelArrays, px: Float32Array, prev: Float32Array, zs: Float32Array, zf: Float32Array, zl: Float32Array, zp: Float32Array,
  w: number, t: number, dt: number, bl: number, ready: boolean, learnSeconds: number,
  boxes: Float64Array, nb: number, moving: Uint8Array, gw: number, gh: number, out: Float64Array,
): void {
  const { idx, nx: nxs, ny: nys, S, L, learned, stable, acc, run, personAt, verdict, verdictAt, changedSince, matched, learnedT } = p;
  let changed = 0;
  let held = 0;
  let learnedDelta = 0;
  let versions = 0;
  let x1 = 1, y1 = 1, x2 = 0, y2 = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const nx = nxs[k]!;
    const ny = nys[k]!;
    // under a detected box (people with a margin: arms, their shadow, a bag at their feet)
    let covered = false;
    for (let j = 0; j < nb; j++) {
      const o = j * 5;
      if (nx < boxes[o]! || nx > boxes[o + 2]! || ny < boxes[o + 1]! || ny > boxes[o + 3]!) continue;
      covered = true;
      if (boxes[o + 4] === 1) personAt[i] = t;
    }
    // static: the frame ≈ the short-term background here (the motion detector's background adapts
    // in ~7 s: too slow to say a newly left object is still, it only gates the learning)
    const still = Math.abs(zf[i]! - zs[i]!) < STILL;
    if (!learned[i]) {
      // per pixel, between the people passing: the mean of the frames where it was still (≈ the
      // previous frame, no motion cell) and under no box, once that adds up to learnSeconds
      // (counted once it has been still for a second in a row: random flicker is never still that long)
      const movingHere = gw > 0 && moving[Math.min(gh - 1, Math.floor(ny * gh)) * gw + Math.min(gw - 1, Math.floor(nx * gw))] === 1;
      if (!covered && Math.abs(zf[i]! - zp[i]!) < STILL && Math.abs(px[i]! - prev[i]!) < STILL_GREY && !movingHere) {
        run[i] = run[i]! + dt;
        if (run[i]! >= 1) {
          stable[i] = stable[i]! + dt;
          acc[i] = acc[i]! + px[i]! * dt;
        }
      } else run[i] = 0;
      if (stable[i]! >= learnSeconds) {
        L[i] = acc[i]! / stable[i]!;
        learned[i] = 1;
        learnedDelta++;
        versions++;
        matched[i] = 0;
        learnedT[i] = t;
      }
      continue;
    }
    if (t - personAt[i]! < GHOST_SECONDS) {
      // hidden by someone passing in front: it keeps what it showed last (for a while)
      // (only a change that was steady for a while before: not the passer-by's own approach)
      if (verdict[i] && t - verdictAt[i]! < HOLD_HIDDEN_SECONDS && verdictAt[i]! - changedSince[i]! >= STEADY_SECONDS) held++;
      continue;
    }
    const dz = Math.abs(zs[i]! - zl[i]!);
    const gx = i % w > 0 && learned[i - 1] ? zs[i]! - zs[i - 1]! - (zl[i]! - zl[i - 1]!) : 0;
    const gy = i >= w && learned[i - w] ? zs[i]! - zs[i - w]! - (zl[i]! - zl[i - w]!) : 0;
    const diff = dz > Z_DIFF || Math.abs(gx) + Math.abs(gy) > G_DIFF * 2;
    if (!diff && still) matched[i] = 1;
    else if (diff && still && !matched[i]) {
      // never matched its learned look: learned wrong (someone standing there, undetected, while it
      // was learned) — after a while it is learned again; it never counts as changed
      if (t - learnedT[i]! > SUSPECT_SECONDS) {
        learned[i] = 0;
        learnedDelta--;
        versions++;
        stable[i] = 0;
        acc[i] = 0;
        run[i] = 0;
      }
      continue;
    }
    if (!ready) continue;
    if (diff && still && !verdict[i]) changedSince[i] = t;
    verdict[i] = diff && still ? 1 : 0;
    verdictAt[i] = t;
    if (diff && still) {
      changed++;
      x1 = Math.min(x1, nx);
      y1 = Math.min(y1, ny);
      x2 = Math.max(x2, nx);
      y2 = Math.max(y2, ny);
    } else if (!diff && still && !covered) {
      // selective update of the clear reference: only unchanged, still pixels under no box
      L[i] = L[i]! + (S[i]! - L[i]!) * bl;
    }
  }
  out[0] = changed;
  out[1] = held;
  out[2] = x1;
  out[3] = y1;
  out[4] = x2;
  out[5] = y2;
  out[6] = learnedDelta;
  out[7] = versions;
}
