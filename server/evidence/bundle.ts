/**
 * Builds one evidence bundle: per camera an MP4 remuxed from the recordings, then README.txt, public-key.pem,
 * manifest.json (sha256 of every file and of every source segment) and manifest.sig (Ed25519), in a store-only
 * ZIP. Everything is written under temporary names in the exports dir and the bundle is renamed into place only
 * when complete: a failure (full disk, ffmpeg error, cancel) leaves no bundle and no temporary files behind.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Segment } from '../store/segments.ts';
import type { SigningKey } from './keys.ts';
import {
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  PUBLIC_KEY_NAME,
  README_NAME,
  SIGNATURE_NAME,
  bundleReadme,
  iso,
  serializeManifest,
  serializeSignature,
  type Manifest,
  type ManifestItem,
} from './manifest.ts';
import { concatScript, planCamera, type CameraPlan } from './plan.ts';
import { hashFiles } from './file-hash.ts';
import { VERIFY_HTML_NAME, verifyHtml } from './verify-html.ts';
import { RemuxError, keyframeTimes, remux } from './remux.ts';
import { ZipWriter } from './zip-write.ts';

/** The signed checkpoint an export names for a camera's seal chain. */
export interface CheckpointAt {
  log: string;
  seq: number;
  time: number;
  hash: string;
}

export interface BundleCamera {
  id: string;
  name: string;
  /** source URL without credentials */
  source: string;
  clockOffset: { ms: number; known: boolean; source: string | null };
}

export interface BundleRequest {
  exportId: string;
  fromMs: number;
  toMs: number;
  reason: string;
  caseRef: string | null;
  user: { id: number | null; username: string; role: string };
  createdAt: number;
  cameras: { camera: BundleCamera; segments: Segment[] }[];
  /** the checkpoint that covers a camera's sealed segments up to `seq` (made just before bundling) */
  checkpointFor?: (cameraId: string, seq: number) => CheckpointAt | null | Promise<CheckpointAt | null>;
}

export interface BundleDeps {
  ffmpegPath: string;
  ffprobePath: string;
  recordingsDir: string;
  /** where bundles go (same file system for the final rename) */
  outDir: string;
  key: SigningKey;
  version: string;
}

export interface BundleResult {
  /** absolute path of the finished bundle */
  path: string;
  fileName: string;
  bytes: number;
  /** sha256 of manifest.json — it carries the hash of every other file */
  manifestSha256: string;
  manifest: Manifest;
  /** where the time went (ms); `inPlace`: the first MP4 became the archive without a copy */
  timings: { probe: number; remux: number; sourceHash: number; zip: number; total: number; inPlace: boolean };
}

export function bundleFileName(exportId: string): string {
  return `${exportId}.zip`;
}

/** Remux → hash → zip → sign → rename. `onProgress` gets 0..1. */
export async function buildBundle(
  req: BundleRequest,
  deps: BundleDeps,
  onProgress: (fraction: number) => void = () => {},
  signal?: AbortSignal,
): Promise<BundleResult> {
  const work = join(deps.outDir, `.${req.exportId}.work`);
  const fileName = bundleFileName(req.exportId);
  const finalPath = join(deps.outDir, fileName);
  const partial = join(deps.outDir, `.${fileName}.partial`);
  await mkdir(work, { recursive: true });
  let zip: ZipWriter | undefined;
  const t0 = performance.now();
  const timings = { probe: 0, remux: 0, sourceHash: 0, zip: 0, total: 0, inPlace: false };
  try {
    const abs = (s: Segment) => join(deps.recordingsDir, s.path);
    // weights: remux ~70 %, copy into the zip ~30 %, by each camera's planned duration
    const plans: CameraPlan[] = [];
    for (const c of req.cameras) {
      const first = c.segments[0]!;
      const last = c.segments[c.segments.length - 1]!;
      const [firstKeys, lastKeys] = await Promise.all([
        keyframeTimes(deps.ffprobePath, abs(first)),
        last === first ? undefined : keyframeTimes(deps.ffprobePath, abs(last)),
      ]);
      plans.push(planCamera(c.camera.id, c.segments, req.fromMs, req.toMs, firstKeys, lastKeys ?? firstKeys));
    }
    timings.probe = performance.now() - t0;
    const weights = plans.map((p) => Math.max(1, p.actualEndMs - p.actualStartMs));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    let doneWeight = 0;
    const report = (phase: number, part: number, w: number) => onProgress((doneWeight + w * (phase + part)) / totalWeight);

    const items: ManifestItem[] = [];
    const mp4s: string[] = [];
    for (const [i, plan] of plans.entries()) {
      if (signal?.aborted) throw new RemuxError('aborted', 'export cancelled');
      const cam = req.cameras[i]!.camera;
      const w = weights[i]!;
      const concatFile = join(work, `${cam.id}.ffconcat`);
      await writeFile(concatFile, concatScript(plan.entries, abs));
      // the first MP4 is written where the bundle is made: it becomes the archive in place (ZipWriter.adopt)
      const mp4 = i === 0 ? partial : join(work, `${cam.id}.mp4`);
      const durationSec = (plan.actualEndMs - plan.actualStartMs) / 1000;
      // hash the source segments while ffmpeg reads them (they are in the page cache by then)
      const tRemux = performance.now();
      const segHashes = hashFiles(plan.entries.map((e) => abs(e.seg)), signal).then((h) => {
        timings.sourceHash += performance.now() - tRemux;
        return h;
      });
      segHashes.catch(() => undefined);
      await remux({
        ffmpegPath: deps.ffmpegPath,
        concatFile,
        output: mp4,
        durationSec,
        creationTimeMs: plan.actualStartMs,
        onProgress: (f) => report(0, f * 0.7, w),
        signal,
      });
      timings.remux += performance.now() - tRemux;
      const hashes = await segHashes;
      // the bytes ffmpeg just read must be the bytes sealed when they were recorded
      const altered = plan.entries.filter((e, k) => e.seg.sha256 && e.seg.sha256 !== hashes[k]).map((e) => e.seg.path);
      if (altered.length) throw new RemuxError('footage_tampered', `recording segments do not match their seals: ${altered.join(', ')}`);
      const lastSeal = Math.max(0, ...plan.entries.map((e) => e.seg.sealSeq ?? 0));
      mp4s.push(mp4);
      items.push({
        camera: { id: cam.id, name: cam.name, source: cam.source },
        file: `${cam.id}.mp4`,
        bytes: 0,
        sha256: '',
        actual: { start: iso(plan.actualStartMs), end: iso(plan.actualEndMs), startMs: plan.actualStartMs, endMs: plan.actualEndMs },
        clockOffset: cam.clockOffset,
        media: { codec: plan.entries[0]!.seg.codec, durationSeconds: Math.round(durationSec * 1000) / 1000 },
        gaps: plan.gaps.map((g) => ({ start: iso(g.startMs), end: iso(g.endMs) })),
        segments: plan.entries.map((e, k) => ({
          path: e.seg.path,
          start: iso(e.seg.startMs),
          end: iso(e.seg.endMs),
          bytes: e.seg.bytes,
          sha256: hashes[k]!,
          sealSeq: e.seg.sealSeq ?? null,
          sealedSha256: e.seg.sha256 ?? null,
        })),
        seal: { log: `recordings/${cam.id}`, checkpoint: lastSeal ? ((await req.checkpointFor?.(cam.id, lastSeal)) ?? null) : null },
      });
      doneWeight += w * 0.7;
    }

    const tZip = performance.now();
    const files: Manifest['files'] = [];
    const zipProgress = (w: number) => (d: number, t: number) => onProgress((doneWeight + (w * 0.3 * d) / Math.max(1, t)) / totalWeight);
    const adopted = await ZipWriter.adopt(partial, items[0]!.file, req.createdAt, zipProgress(weights[0]!));
    timings.inPlace = adopted !== undefined;
    if (adopted) zip = adopted.zip;
    else {
      // no insert-range on this file system: move the MP4 aside and copy it into a new archive
      mp4s[0] = join(work, `${req.cameras[0]!.camera.id}.mp4`);
      await rename(partial, mp4s[0]);
      zip = await ZipWriter.create(partial, req.createdAt);
    }
    for (const [i, mp4] of mp4s.entries()) {
      const item = items[i]!;
      const w = weights[i]!;
      const e = i === 0 && adopted ? adopted.entry : await zip.addFile(item.file, mp4, zipProgress(w));
      doneWeight += w * 0.3;
      if (mp4 !== partial) await rm(mp4, { force: true });
      item.bytes = e.size;
      item.sha256 = e.sha256;
      files.push({ name: e.name, bytes: e.size, sha256: e.sha256 });
    }
    const base = { exportId: req.exportId, createdAt: iso(req.createdAt), software: { name: 'Watchpost', version: deps.version }, items };
    for (const [name, text] of [
      [README_NAME, bundleReadme(base, deps.key.fingerprint)],
      [PUBLIC_KEY_NAME, deps.key.publicPem],
      [VERIFY_HTML_NAME, verifyHtml(deps.key.fingerprint)],
    ] as const) {
      const e = await zip.addBuffer(name, Buffer.from(text, 'utf8'));
      files.push({ name, bytes: e.size, sha256: e.sha256 });
    }
    // who/why/what first, then the files and how they are signed
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      exportId: req.exportId,
      createdAt: base.createdAt,
      software: base.software,
      exportedBy: req.user,
      case: req.caseRef,
      reason: req.reason,
      requested: { start: iso(req.fromMs), end: iso(req.toMs), startMs: req.fromMs, endMs: req.toMs },
      items,
      files,
      signature: { algorithm: 'Ed25519', file: SIGNATURE_NAME, publicKeyFile: PUBLIC_KEY_NAME, publicKeyFingerprint: deps.key.fingerprint },
    };
    const manifestBytes = serializeManifest(manifest);
    await zip.addBuffer(MANIFEST_NAME, manifestBytes);
    await zip.addBuffer(SIGNATURE_NAME, serializeSignature(deps.key.sign(manifestBytes)));
    const bytes = await zip.finish();
    if (signal?.aborted) throw new RemuxError('aborted', 'export cancelled');
    await rename(partial, finalPath);
    timings.zip = performance.now() - tZip;
    timings.total = performance.now() - t0;
    onProgress(1);
    return {
      path: finalPath,
      fileName,
      bytes,
      manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
      manifest,
      timings,
    };
  } catch (err) {
    await zip?.abort();
    await rm(partial, { force: true });
    throw toExportError(err);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function toExportError(err: unknown): Error {
  if (err instanceof RemuxError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new RemuxError('disk_full', 'the disk is full');
  if (code === 'ABORT_ERR') return new RemuxError('aborted', 'export cancelled');
  return err instanceof Error ? err : new Error(String(err));
}
