/**
 * Evidence bundle format without ffmpeg: the ZIP writer, the strict reader, the manifest signature and the
 * verifier — including that flipping ANY single byte of a bundle makes verification fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SigningKey } from '../../server/evidence/keys.ts';
import {
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  PUBLIC_KEY_NAME,
  SIGNATURE_NAME,
  serializeManifest,
  serializeSignature,
  type Manifest,
} from '../../server/evidence/manifest.ts';
import { verifyBundle } from '../../server/evidence/verify.ts';
import { centralHeader, endRecords, localHeader } from '../../server/evidence/zip-format.ts';
import { readZipIndex } from '../../server/evidence/zip-read.ts';
import { ZipWriter } from '../../server/evidence/zip-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'wp-evidence-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A complete, signed bundle around a small fake "mp4". */
async function makeBundle(name: string, key: SigningKey, video = Buffer.from('fake mp4 bytes '.repeat(4))): Promise<string> {
  const src = join(dir, `${name}.src`);
  writeFileSync(src, video);
  const path = join(dir, name);
  const zip = await ZipWriter.create(path, Date.UTC(2025, 0, 31, 8, 0, 0));
  const v = await zip.addFile('cam.mp4', src);
  const k = await zip.addBuffer(PUBLIC_KEY_NAME, Buffer.from(key.publicPem));
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    exportId: 'exp-test',
    createdAt: '2025-01-31T08:00:00.000Z',
    software: { name: 'Watchpost', version: 'test' },
    exportedBy: { id: 1, username: 'inv', role: 'investigator' },
    case: 'C-1',
    reason: 'unit test',
    requested: { start: '2025-01-31T07:00:00.000Z', end: '2025-01-31T07:00:30.000Z', startMs: 0, endMs: 30_000 },
    items: [
      {
        camera: { id: 'cam', name: 'Cam', source: 'rtsp://10.0.0.1/x' },
        file: 'cam.mp4',
        bytes: v.size,
        sha256: v.sha256,
        actual: { start: 'a', end: 'b', startMs: 0, endMs: 30_000 },
        clockOffset: { ms: 0, known: false, source: null },
        media: { codec: 'h264', durationSeconds: 30 },
        gaps: [],
        segments: [],
      },
    ],
    files: [
      { name: v.name, bytes: v.size, sha256: v.sha256 },
      { name: k.name, bytes: k.size, sha256: k.sha256 },
    ],
    signature: { algorithm: 'Ed25519', file: SIGNATURE_NAME, publicKeyFile: PUBLIC_KEY_NAME, publicKeyFingerprint: key.fingerprint },
  };
  const bytes = serializeManifest(manifest);
  await zip.addBuffer(MANIFEST_NAME, bytes);
  await zip.addBuffer(SIGNATURE_NAME, serializeSignature(key.sign(bytes)));
  await zip.finish();
  return path;
}

describe('evidence bundle', () => {
  const key = SigningKey.generate();

  it('writes a ZIP that standard tools accept and the verifier passes', async () => {
    const path = await makeBundle('ok.zip', key);
    const v = await verifyBundle(path, { expectKey: key.fingerprint });
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.fingerprint).toBe(key.fingerprint);
    const listing = execFileSync('unzip', ['-t', path]).toString();
    expect(listing).toMatch(/No errors detected/);
    expect(execFileSync('unzip', ['-p', path, 'cam.mp4']).toString()).toBe('fake mp4 bytes '.repeat(4));
  });

  it('fails when any single byte of the bundle changes', async () => {
    const path = await makeBundle('flip.zip', key);
    const original = readFileSync(path);
    const copy = join(dir, 'flipped.zip');
    const passed: number[] = [];
    // every byte, except that inside the manifest's JSON (signed as a whole) every 5th is enough
    const m = (await readZipIndex(path)).entries.find((e) => e.name === MANIFEST_NAME)!;
    for (let i = 0; i < original.length; i += i >= m.dataOffset && i < m.dataOffset + m.size ? 5 : 1) {
      const b = Buffer.from(original);
      b[i] = b[i]! ^ 0x01;
      writeFileSync(copy, b);
      if ((await verifyBundle(copy)).ok) passed.push(i);
    }
    expect(passed).toEqual([]);
  }, 60_000);

  it('adopts a finished file as the first entry in place (block-aligned), and still catches any flipped byte', async () => {
    const src = join(dir, 'adopt.mp4');
    const video = Buffer.from('adopted video '.repeat(50));
    writeFileSync(src, video);
    const adopted = await ZipWriter.adopt(src, 'cam.mp4', Date.UTC(2025, 0, 31));
    if (!adopted) return; // the temp dir's file system cannot insert ranges (tmpfs): the copy path is tested above
    const { zip, entry } = adopted;
    expect(entry).toMatchObject({ name: 'cam.mp4', size: video.length, offset: 0 });
    const k = await zip.addBuffer(PUBLIC_KEY_NAME, Buffer.from(key.publicPem));
    const manifest = {
      format: MANIFEST_FORMAT,
      exportId: 'exp-adopt',
      files: [
        { name: 'cam.mp4', bytes: entry.size, sha256: entry.sha256 },
        { name: PUBLIC_KEY_NAME, bytes: k.size, sha256: k.sha256 },
      ],
      items: [],
      signature: { publicKeyFingerprint: key.fingerprint },
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    await zip.addBuffer(MANIFEST_NAME, bytes);
    await zip.addBuffer(SIGNATURE_NAME, serializeSignature(key.sign(bytes)));
    await zip.finish();
    expect((await verifyBundle(src)).checks.filter((c) => !c.ok)).toEqual([]);
    expect(execFileSync('unzip', ['-p', src, 'cam.mp4']).equals(video)).toBe(true);
    const idx = await readZipIndex(src);
    expect(idx.entries[0]!.dataOffset).toBe(4096);
    const original = readFileSync(src);
    const copy = join(dir, 'adopt-flipped.zip');
    const passed: number[] = [];
    for (let i = 0; i < original.length; i += i < 4096 ? 11 : 3) {
      const b = Buffer.from(original);
      b[i] = b[i]! ^ 0x40;
      writeFileSync(copy, b);
      if ((await verifyBundle(copy)).ok) passed.push(i);
    }
    expect(passed).toEqual([]);
  }, 60_000);

  it('fails on appended or removed bytes, and names the problem', async () => {
    const path = await makeBundle('len.zip', key);
    const original = readFileSync(path);
    const copy = join(dir, 'len-changed.zip');
    writeFileSync(copy, Buffer.concat([original, Buffer.from([0])]));
    const appended = await verifyBundle(copy);
    expect(appended.ok).toBe(false);
    expect(appended.checks[0]!.detail).toMatch(/end-of-central-directory/);
    writeFileSync(copy, original.subarray(1));
    expect((await verifyBundle(copy)).ok).toBe(false);
  });

  it('reports exactly which check fails for a changed video', async () => {
    const path = await makeBundle('video.zip', key);
    const buf = readFileSync(path);
    const at = buf.indexOf('fake mp4');
    buf[at] = 'F'.charCodeAt(0);
    writeFileSync(path, buf);
    const v = await verifyBundle(path);
    const failed = v.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(['CRC-32 of cam.mp4', 'sha256 of cam.mp4']);
    expect(v.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
  });

  it('rejects a bundle re-signed with another key when the key is pinned', async () => {
    const other = SigningKey.generate();
    const path = await makeBundle('other.zip', other);
    expect((await verifyBundle(path)).ok).toBe(true); // self-consistent…
    const pinned = await verifyBundle(path, { expectKey: key.publicPem });
    expect(pinned.ok).toBe(false); // …but not signed by this installation
    expect(pinned.checks.find((c) => c.name === 'signer is the expected key')?.detail).toMatch(/expected sha256:/);
  });

  it('reads back what it wrote, with entries back to back', async () => {
    const path = await makeBundle('index.zip', key);
    const idx = await readZipIndex(path);
    expect(idx.entries.map((e) => e.name)).toEqual(['cam.mp4', PUBLIC_KEY_NAME, MANIFEST_NAME, SIGNATURE_NAME]);
    expect(idx.entries[0]!.offset).toBe(0);
    for (let i = 1; i < idx.entries.length; i++) {
      expect(idx.entries[i]!.offset).toBe(idx.entries[i - 1]!.dataOffset + idx.entries[i - 1]!.size);
    }
  });

  it('uses ZIP64 fields exactly when sizes or offsets need 64 bits', () => {
    const small = { name: 'a.mp4', size: 10, crc: 1, offset: 0, dosTime: 0, dosDate: 33 };
    expect(localHeader(small).length).toBe(30 + 5);
    expect(centralHeader(small).length).toBe(46 + 5);
    const big = { ...small, size: 5 * 1024 ** 3, offset: 6 * 1024 ** 3 };
    const lh = localHeader(big);
    expect(lh.readUInt32LE(18)).toBe(0xffffffff);
    expect(Number(lh.readBigUInt64LE(30 + 5 + 4))).toBe(big.size);
    const ch = centralHeader(big);
    expect(ch.readUInt32LE(42)).toBe(0xffffffff);
    expect(Number(ch.readBigUInt64LE(46 + 5 + 4 + 16))).toBe(big.offset);
    expect(endRecords(3, 100, 200).length).toBe(22);
    expect(endRecords(3, 5 * 1024 ** 3, 200).length).toBe(22 + 56 + 20);
  });
});
