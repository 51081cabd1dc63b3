/**
 * The evidence signing key: one Ed25519 key pair per installation, created at first start in the data dir
 * (`evidence-ed25519.pem`, PKCS#8, mode 0600). Export manifests are signed with it; the public key and its
 * fingerprint are shown in the console and by `GET /api/evidence/public-key`, so a recipient can check that a
 * bundle was signed by this installation and not just by any key that came with it.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../util/log.ts';

const log = createLogger('evidence');
export const KEY_FILE = 'evidence-ed25519.pem';

/** sha256 of the raw 32-byte public key, as `sha256:ab12…` (64 hex digits). */
export function fingerprint(pub: KeyObject): string {
  const raw = rawPublicKey(pub);
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/** The 32 raw key bytes (the last 32 bytes of the SPKI DER of an Ed25519 key). */
export function rawPublicKey(pub: KeyObject): Buffer {
  const der = pub.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}

export function publicKeyPem(pub: KeyObject): string {
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

export class SigningKey {
  readonly publicKey: KeyObject;
  readonly fingerprint: string;
  readonly publicPem: string;

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    this.fingerprint = fingerprint(this.publicKey);
    this.publicPem = publicKeyPem(this.publicKey);
  }

  /** Load `<dir>/evidence-ed25519.pem`, creating it on first use. */
  static loadOrCreate(dir: string): SigningKey {
    const file = join(dir, KEY_FILE);
    if (!existsSync(file)) {
      const { privateKey } = generateKeyPairSync('ed25519');
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      renameSync(tmp, file);
      const key = new SigningKey(privateKey);
      log.info('created the evidence signing key', { file, fingerprint: key.fingerprint });
      return key;
    }
    const key = createPrivateKey(readFileSync(file));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
    return new SigningKey(key);
  }

  /** For tests: an in-memory key. */
  static generate(): SigningKey {
    return new SigningKey(generateKeyPairSync('ed25519').privateKey);
  }

  /** Detached Ed25519 signature (64 bytes). */
  sign(data: Buffer): Buffer {
    return sign(null, data, this.privateKey);
  }
}

export function verifySignature(data: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}
