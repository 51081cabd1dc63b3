/**
 * manifest.json of an evidence bundle: what was exported, from which recordings, by whom and why, with the
 * sha256 of every file. It is signed as the exact bytes stored in the bundle (detached Ed25519 signature in
 * manifest.sig), so the JSON is never re-serialised for checking.
 */
import { z } from 'zod';

export const MANIFEST_FORMAT = 'watchpost-evidence/1';
export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'manifest.sig';
export const PUBLIC_KEY_NAME = 'public-key.pem';
export const README_NAME = 'README.txt';

export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface ManifestSegment {
  /** relative to the recordings directory */
  path: string;
  start: string;
  end: string;
  bytes: number;
  sha256: string;
  /** position in the camera's seal chain and the sha256 sealed when the segment was recorded */
  sealSeq?: number | null;
  sealedSha256?: string | null;
}

export interface ManifestItem {
  camera: { id: string; name: string; source: string };
  /** the MP4's name in the bundle */
  file: string;
  bytes: number;
  sha256: string;
  /** what the MP4 covers: from the key frame at or before the requested start to the end of the last frame */
  actual: { start: string; end: string; startMs: number; endMs: number };
  /** device clock minus server clock; footage times are server times */
  clockOffset: { ms: number; known: boolean; source: string | null };
  media: { codec: string | null; durationSeconds: number | null };
  /** stretches of the actual range with no recording (the MP4's timeline keeps them as a frozen picture) */
  gaps: { start: string; end: string }[];
  segments: ManifestSegment[];
  /** the signed checkpoint of the camera's seal chain that covers these segments (issue F) */
  seal?: { log: string; checkpoint: { log: string; seq: number; time: number; hash: string } | null };
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  exportId: string;
  createdAt: string;
  software: { name: string; version: string };
  exportedBy: { id: number | null; username: string; role: string };
  case: string | null;
  reason: string;
  requested: { start: string; end: string; startMs: number; endMs: number };
  items: ManifestItem[];
  /** every file of the bundle except manifest.json and manifest.sig */
  files: ManifestFile[];
  signature: { algorithm: 'Ed25519'; file: typeof SIGNATURE_NAME; publicKeyFile: typeof PUBLIC_KEY_NAME; publicKeyFingerprint: string };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export function serializeManifest(m: Manifest): Buffer {
  return Buffer.from(JSON.stringify(m, null, 2) + '\n', 'utf8');
}

export function serializeSignature(sig: Buffer): Buffer {
  return Buffer.from(sig.toString('base64') + '\n', 'ascii');
}

/** Strict parse of manifest.sig: base64 of exactly 64 bytes, one trailing newline. */
export function parseSignature(text: Buffer): Buffer | undefined {
  const s = text.toString('ascii');
  if (!/^[A-Za-z0-9+/]{86}==\n$/.test(s)) return undefined;
  const sig = Buffer.from(s.trim(), 'base64');
  return sig.length === 64 ? sig : undefined;
}

/** The README inside every bundle: what the files are and how to check them. */
export function bundleReadme(m: Pick<Manifest, 'exportId' | 'createdAt' | 'software' | 'items'>, fingerprint: string): string {
  const lines = [
    `Watchpost evidence export ${m.exportId}`,
    `Created ${m.createdAt} by ${m.software.name} ${m.software.version}.`,
    '',
    'Files:',
    ...m.items.map((i) => `  ${i.file}  camera "${i.camera.name}" (${i.camera.id}), ${i.actual.start} to ${i.actual.end} UTC`),
    `  ${MANIFEST_NAME}  what was exported, by whom and why; sha256 of every file and of every source recording segment`,
    `  ${SIGNATURE_NAME}  Ed25519 signature (base64) over the exact bytes of ${MANIFEST_NAME}`,
    `  ${PUBLIC_KEY_NAME}  the public key of the exporting installation`,
    '',
    `Public key fingerprint: ${fingerprint}`,
    'Compare it with the one shown by the Watchpost console (Audit page) of the installation that made the export.',
    '',
    'To verify (checks the archive structure, every hash and the signature; any changed byte fails):',
    '  npm run verify-export -- this-bundle.zip [--key <fingerprint or public-key.pem>]',
    '',
    'The video files are H.264 in MP4, copied from the recordings without re-encoding. They start at the key frame',
    'at or before the requested start. Their timeline follows the wall clock: a gap in the recording appears as',
    'a still picture for the length of the gap (the gaps are listed in the manifest).',
    '',
  ];
  return lines.join('\n');
}

const fileShape = z.object({ name: z.string(), bytes: z.number(), sha256: z.string() });
/** The fields the verifier relies on (the signature covers the rest). */
export const manifestShape = z.object({
  format: z.literal(MANIFEST_FORMAT),
  exportId: z.string(),
  files: z.array(fileShape),
  items: z.array(
    z.object({
      camera: z.object({ id: z.string(), name: z.string(), source: z.string() }),
      file: z.string(),
      bytes: z.number(),
      sha256: z.string(),
      segments: z.array(z.object({ path: z.string(), sha256: z.string() })),
    }),
  ),
  signature: z.object({ publicKeyFingerprint: z.string() }),
});
