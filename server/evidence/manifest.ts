/**
 * manifest.json of an evidence bundle: what was exported, from which recordings, by whom and why, with the
 * sha256 of every file. It is signed as the exact bytes stored in the bundle (detached Ed25519 signature in
 * manifest.sig), so the JSON is never re-serialised for checking.
 */
import { z } from 'zod';
import { siteIso } from '../util/site-time.ts';

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

/**
 * The README inside every bundle, in English and Chinese: what the files are and how to check them. Times are the
 * site's local time with the UTC offset (the manifest keeps UTC and epoch ms).
 */
export function bundleReadme(m: Pick<Manifest, 'exportId' | 'createdAt' | 'software' | 'items'>, fingerprint: string): string {
  const created = siteIso(Date.parse(m.createdAt));
  const range = (i: Manifest['items'][number], to: string) => `${siteIso(i.actual.startMs)} ${to} ${siteIso(i.actual.endMs)}`;
  const lines = [
    `Watchpost evidence export ${m.exportId}`,
    `Created ${created} by ${m.software.name} ${m.software.version} (times are the site's, with their offset from UTC).`,
    '',
    'Files:',
    ...m.items.map((i) => `  ${i.file}  camera "${i.camera.name}" (${i.camera.id}), ${range(i, 'to')}`),
    `  ${MANIFEST_NAME}  what was exported, by whom and why; sha256 of every file and of every source recording segment`,
    `  ${SIGNATURE_NAME}  Ed25519 signature (base64) over the exact bytes of ${MANIFEST_NAME}`,
    `  ${PUBLIC_KEY_NAME}  the public key of the exporting installation`,
    '  verify.html  checks the signature and every hash in a browser (unzip, open it, choose all files)',
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
  const zh = [
    '',
    '———— 中文说明 ————',
    `Watchpost 证据导出 ${m.exportId}，由 ${m.software.name} ${m.software.version} 于 ${created} 生成（当地时间，含与 UTC 的时差）。`,
    '文件：',
    ...m.items.map((i) => `  ${i.file}  摄像机“${i.camera.name}”（${i.camera.id}），${range(i, '至')}`),
    `  ${MANIFEST_NAME}  导出内容、导出人和原因；每个文件及每个原始录像片段的 sha256`,
    `  ${SIGNATURE_NAME}  对 ${MANIFEST_NAME} 原始字节的 Ed25519 签名（base64）`,
    `  ${PUBLIC_KEY_NAME}  导出站点的公钥`,
    '  verify.html  在浏览器中校验签名和全部哈希（解压后打开，选择全部文件）',
    `公钥指纹：${fingerprint}——请与导出站点控制台（审计页）显示的指纹核对。`,
    '校验（检查压缩包结构、每个哈希和签名；任何一个字节被改动都会失败）：',
    '  npm run verify-export -- this-bundle.zip [--key <指纹或 public-key.pem>]',
    '视频为 H.264 MP4，直接从录像复制，未重新编码；从请求开始时间之前的关键帧开始。录像中断处显示为静止画面（中断段列在清单中）。',
    '',
  ];
  return [...lines, ...zh].join('\n');
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
