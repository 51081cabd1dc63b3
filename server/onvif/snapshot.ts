/**
 * Still images: the camera's ONVIF snapshot over HTTP (basic or digest auth), or one frame grabbed with ffmpeg
 * from a stream or a live HLS segment when the camera has no snapshot; thumbnails are made with sharp.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import sharp from 'sharp';
import { OnvifError } from './errors.ts';

const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

interface Got {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function get(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<Got> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_IMAGE_BYTES) req.destroy(new OnvifError('bad_response', 'snapshot larger than 8 MiB'));
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new OnvifError('timeout', `no snapshot within ${timeoutMs / 1000} s`)));
    req.on('error', (e) =>
      reject(e instanceof OnvifError ? e : new OnvifError('unreachable', `snapshot unreachable: ${(e as NodeJS.ErrnoException).code ?? e.message}`)),
    );
    req.end();
  });
}

/** Authorization header answering a Digest challenge (RFC 7616, MD5 or SHA-256, qop=auth or none). */
export function digestAuthorization(challenge: string, method: string, uri: string, user: string, pass: string): string {
  const p: Record<string, string> = {};
  for (const m of challenge.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) p[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  const algo = /sha-?256/i.test(p.algorithm ?? '') ? 'sha256' : 'md5';
  const h = (s: string) => createHash(algo).update(s).digest('hex');
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const qop = (p.qop ?? '').split(',').map((s) => s.trim()).includes('auth') ? 'auth' : '';
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = h(`${user}:${realm}:${pass}`);
  const ha2 = h(`${method}:${uri}`);
  const response = qop ? h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`);
  const q = (s: string) => s.replace(/["\\]/g, '');
  const parts = [`username="${q(user)}"`, `realm="${q(realm)}"`, `nonce="${q(nonce)}"`, `uri="${q(uri)}"`, `response="${response}"`];
  if (p.algorithm) parts.push(`algorithm=${p.algorithm}`);
  if (p.opaque) parts.push(`opaque="${q(p.opaque)}"`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  return `Digest ${parts.join(', ')}`;
}

/** GET the snapshot URI, answering a basic or digest challenge with the camera's credentials. */
export async function fetchSnapshot(uri: string, user: string | undefined, pass: string | undefined, timeoutMs = 5000): Promise<Buffer> {
  const url = new URL(uri);
  let res = await get(url, {}, timeoutMs);
  const challenge = String(res.headers['www-authenticate'] ?? '');
  if (res.status === 401 && user !== undefined) {
    const auth = /^digest/i.test(challenge)
      ? digestAuthorization(challenge, 'GET', url.pathname + url.search, user, pass ?? '')
      : `Basic ${Buffer.from(`${user}:${pass ?? ''}`).toString('base64')}`;
    res = await get(url, { authorization: auth }, timeoutMs);
  }
  if (res.status === 401 || res.status === 403) throw new OnvifError('auth', 'authentication failed: the camera refused the snapshot');
  if (res.status !== 200) throw new OnvifError('fault', `snapshot failed: HTTP ${res.status}`);
  const type = String(res.headers['content-type'] ?? 'image/jpeg');
  if (!/^image\//i.test(type)) throw new OnvifError('bad_response', `the snapshot is not an image (${type.slice(0, 40)})`);
  return res.body;
}

/** One JPEG frame from a stream or file with ffmpeg. `input` may hold credentials: it is never logged. */
export function grabFrame(ffmpegPath: string, input: string, timeoutMs = 8000): Promise<Buffer> {
  const rtsp = /^rtsps?:\/\//i.test(input);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // a short analysis (~1 s instead of ~3 s): one frame needs no exact stream parameters
    ...(rtsp ? ['-rtsp_transport', 'tcp', '-timeout', String(Math.round(timeoutMs * 1000)), '-analyzeduration', '1000000', '-probesize', '500000'] : []),
    '-i', input, '-map', '0:v:0', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '4', 'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-400)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new OnvifError('fault', `cannot run ffmpeg: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const jpeg = Buffer.concat(chunks);
      if (code === 0 && jpeg.length > 0) return resolve(jpeg);
      const detail = err.replace(/\w+:\/\/[^\s]*/g, '<url>').trim().split('\n').pop() ?? '';
      if (/401|Unauthorized/i.test(err)) return reject(new OnvifError('auth', 'authentication failed: the stream refused the credentials'));
      reject(new OnvifError(code === null ? 'timeout' : 'unreachable', `no frame from the stream${detail ? `: ${detail}` : ''}`));
    });
  });
}

/** What the bytes are, whatever the camera's Content-Type said: JPEG (FF D8 FF) or PNG (89 50 4E 47), else null. */
export function imageType(b: Buffer): 'image/jpeg' | 'image/png' | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  return null;
}

/** Any image sharp decodes, as a JPEG. Throws OnvifError('bad_response') for anything else. */
export async function toJpeg(image: Buffer): Promise<Buffer> {
  try {
    return await sharp(image, { limitInputPixels: 40_000_000 }).rotate().jpeg({ quality: 85 }).toBuffer();
  } catch (e) {
    throw new OnvifError('bad_response', `the camera's image cannot be decoded (${(e as Error).message.slice(0, 80)})`);
  }
}

/** JPEG and PNG as they are; any other image sharp decodes (WebP, GIF, TIFF…) becomes a JPEG; the rest is refused. */
export async function browserImage(image: Buffer): Promise<{ type: 'image/jpeg' | 'image/png'; body: Buffer }> {
  const type = imageType(image);
  return type ? { type, body: image } : { type: 'image/jpeg', body: await toJpeg(image) };
}

/** A small JPEG for lists (sharp, cover-cropped). Rejects anything that is not a decodable image. */
export async function makeThumbnail(image: Buffer, width = 320, height = 180): Promise<Buffer> {
  try {
    return await sharp(image, { limitInputPixels: 40_000_000 }).rotate().resize(width, height, { fit: 'cover' }).jpeg({ quality: 72 }).toBuffer();
  } catch (e) {
    throw new OnvifError('bad_response', `the camera's image cannot be decoded (${(e as Error).message.slice(0, 80)})`);
  }
}
