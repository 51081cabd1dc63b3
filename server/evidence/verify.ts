/**
 * Verification of an evidence bundle (used by `npm run verify-export` and the tests). Every check is reported
 * by name with what was expected and what was found; the bundle passes only when all of them pass:
 *  - archive structure (canonical headers, nothing between entries, no trailing bytes) — zip-read.ts
 *  - CRC-32 of every entry
 *  - manifest.json parses, has the expected format, lists every other file with the right size and sha256
 *  - every exported MP4 listed in the items is one of those files
 *  - public-key.pem matches the fingerprint in the manifest (and the pinned key, when one is given)
 *  - manifest.sig is a valid Ed25519 signature over the exact bytes of manifest.json
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { hashRange } from './file-hash.ts';
import { fingerprint, verifySignature } from './keys.ts';
import {
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  manifestShape,
  PUBLIC_KEY_NAME,
  SIGNATURE_NAME,
  parseSignature,
  type Manifest,
} from './manifest.ts';
import { ZipFormatError, readEntry, readZipIndex, streamEntry, type ZipEntry } from './zip-read.ts';

const PARALLEL_MIN = 16 << 20;

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface VerifyResult {
  ok: boolean;
  checks: Check[];
  manifest?: Manifest;
  /** fingerprint of the key that signed the bundle */
  fingerprint?: string;
}

export interface VerifyOptions {
  /** Pin the signer: a fingerprint (`sha256:…`) or a public key PEM. */
  expectKey?: string;
  /** Progress over the bytes hashed. */
  onBytes?: (done: number, total: number) => void;
}

function parsePinned(expect: string): string {
  const s = expect.trim();
  if (/^sha256:[0-9a-f]{64}$/i.test(s)) return s.toLowerCase();
  return fingerprint(createPublicKey(s));
}

export async function verifyBundle(path: string, o: VerifyOptions = {}): Promise<VerifyResult> {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const done = (extra: Partial<VerifyResult> = {}): VerifyResult => ({ ok: checks.every((c) => c.ok), checks, ...extra });

  let entries: ZipEntry[];
  try {
    entries = (await readZipIndex(path)).entries;
    add('archive structure', true, `${entries.length} entries, canonical headers, no stray bytes`);
  } catch (e) {
    if (!(e instanceof ZipFormatError)) throw e;
    add('archive structure', false, e.message);
    return done();
  }

  // hash every entry once: CRC-32 (archive integrity) and sha256 (manifest)
  const total = entries.reduce((n, e) => n + e.size, 0);
  let hashed = 0;
  const sha = new Map<string, string>();
  for (const e of entries) {
    let crc = 0;
    if (e.size >= PARALLEL_MIN) {
      // big files (the MP4s): CRC-32 on a second core while this thread does sha256
      const base = hashed;
      const r = await hashRange(path, e.dataOffset, e.size, (d) => o.onBytes?.(base + d, total));
      hashed += e.size;
      crc = r.crc;
      sha.set(e.name, r.sha256);
    } else {
      const h = createHash('sha256');
      await streamEntry(path, e, (chunk) => {
        h.update(chunk);
        crc = crc32(chunk, crc);
        hashed += chunk.length;
        o.onBytes?.(hashed, total);
      });
      sha.set(e.name, h.digest('hex'));
    }
    const ok = crc >>> 0 === e.crc >>> 0;
    add(`CRC-32 of ${e.name}`, ok, ok ? 'matches' : `archive says ${hex8(e.crc)}, content is ${hex8(crc)}`);
  }

  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const required of [MANIFEST_NAME, SIGNATURE_NAME, PUBLIC_KEY_NAME]) {
    if (!byName.has(required)) add(`${required} present`, false, 'missing from the bundle');
  }
  const manifestEntry = byName.get(MANIFEST_NAME);
  if (!manifestEntry) return done();
  const manifestBytes = await readEntry(path, manifestEntry);

  let manifest: Manifest | undefined;
  try {
    const parsed: unknown = JSON.parse(manifestBytes.toString('utf8'));
    const shape = manifestShape.safeParse(parsed);
    if (shape.success) {
      manifest = parsed as Manifest;
      add('manifest format', true, MANIFEST_FORMAT);
    } else {
      const i = shape.error.issues[0];
      add('manifest format', false, `not a ${MANIFEST_FORMAT} manifest (${i?.path.join('.') || 'root'}: ${i?.message})`);
    }
  } catch (e) {
    add('manifest format', false, `manifest.json is not valid JSON: ${(e as Error).message}`);
  }

  if (manifest) {
    const listed = new Set<string>();
    for (const f of manifest.files) {
      listed.add(f.name);
      const e = byName.get(f.name);
      if (!e) {
        add(`sha256 of ${f.name}`, false, 'listed in the manifest but missing from the bundle');
        continue;
      }
      const actual = sha.get(f.name);
      const ok = actual === f.sha256 && e.size === f.bytes;
      add(`sha256 of ${f.name}`, ok, ok ? f.sha256 : `manifest says ${f.sha256} (${f.bytes} bytes), file is ${actual} (${e.size} bytes)`);
    }
    for (const e of entries) {
      if (e.name !== MANIFEST_NAME && e.name !== SIGNATURE_NAME && !listed.has(e.name)) {
        add(`${e.name} listed`, false, 'in the bundle but not in the manifest');
      }
    }
    for (const item of manifest.items) {
      const f = manifest.files.find((x) => x.name === item.file);
      const ok = f !== undefined && f.sha256 === item.sha256 && f.bytes === item.bytes;
      add(`export of camera ${item.camera.id}`, ok, ok ? `${item.file}, ${item.segments.length} source segments` : `${item.file} does not match the file list`);
    }
  }

  // signature
  const keyEntry = byName.get(PUBLIC_KEY_NAME);
  const sigEntry = byName.get(SIGNATURE_NAME);
  let fp: string | undefined;
  let key: KeyObject | undefined;
  if (keyEntry) {
    try {
      key = createPublicKey(await readEntry(path, keyEntry));
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key, not Ed25519`);
      fp = fingerprint(key);
      const claimed = manifest?.signature?.publicKeyFingerprint;
      if (manifest) add('public key matches the manifest', claimed === fp, claimed === fp ? fp : `manifest names ${claimed}, key is ${fp}`);
    } catch (e) {
      add('public key', false, `public-key.pem unusable: ${(e as Error).message}`);
      key = undefined;
    }
  }
  if (o.expectKey !== undefined) {
    let pinned: string | undefined;
    try {
      pinned = parsePinned(o.expectKey);
    } catch (e) {
      add('signer is the expected key', false, `cannot read the expected key: ${(e as Error).message}`);
    }
    if (pinned) add('signer is the expected key', pinned === fp, pinned === fp ? pinned : `expected ${pinned}, bundle signed by ${fp ?? 'an unreadable key'}`);
  }
  if (sigEntry && key) {
    const sig = parseSignature(await readEntry(path, sigEntry));
    if (!sig) add('signature', false, 'manifest.sig is not a base64 Ed25519 signature (64 bytes)');
    else {
      const ok = verifySignature(manifestBytes, sig, key);
      add('signature', ok, ok ? `Ed25519 over manifest.json, key ${fp}` : 'does not match manifest.json and the public key (manifest changed?)');
    }
  }
  return done({ manifest, fingerprint: fp });
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
