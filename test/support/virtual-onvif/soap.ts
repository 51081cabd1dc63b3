/**
 * SOAP helpers of the virtual ONVIF camera: envelopes, faults, a tiny field reader for the requests
 * node-onvif sends, and WS-UsernameToken (PasswordDigest) verification.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  ter: 'http://www.onvif.org/ver10/error',
  a: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  d: 'http://schemas.xmlsoap.org/ws/2005/04/discovery',
  dn: 'http://www.onvif.org/ver10/network/wsdl',
} as const;

export function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function unesc(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_m, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
}

export function envelope(body: string, header = ''): string {
  const ns = Object.entries(NS)
    .map(([k, v]) => `xmlns:${k}="${v}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${ns}><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

export function fault(code: 'Sender' | 'Receiver', subcode: string, reason: string): string {
  return envelope(
    `<s:Fault><s:Code><s:Value>s:${code}</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code>` +
      `<s:Reason><s:Text xml:lang="en">${esc(reason)}</s:Text></s:Reason></s:Fault>`,
  );
}

/** Text of the first element with this local name (any prefix), unescaped. */
export function field(xml: string, local: string): string | undefined {
  const m = new RegExp(`<(?:[\\w.-]+:)?${local}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${local}>`).exec(xml);
  return m ? unesc(m[1]!.trim()) : undefined;
}

/** Local name of the first element inside <Body>: the operation. */
export function operation(xml: string): string | undefined {
  return /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([\w]+)/.exec(xml)?.[1];
}

export type AuthResult = 'ok' | 'missing' | 'bad';

/**
 * WS-UsernameToken with PasswordDigest = base64(sha1(nonce + created + password)), Created within
 * `windowMs` of the device's own (possibly skewed) clock.
 */
export function checkUsernameToken(xml: string, user: string, password: string, deviceNowMs: number, windowMs = 60_000): AuthResult {
  const username = field(xml, 'Username');
  const digest = field(xml, 'Password');
  const nonce = field(xml, 'Nonce');
  const created = field(xml, 'Created');
  if (username === undefined || digest === undefined || nonce === undefined || created === undefined) return 'missing';
  const createdMs = Date.parse(created);
  if (!Number.isFinite(createdMs) || Math.abs(createdMs - deviceNowMs) > windowMs) return 'bad';
  const expected = createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created), Buffer.from(password)]))
    .digest();
  const got = Buffer.from(digest, 'base64');
  if (username !== user || got.length !== expected.length || !timingSafeEqual(got, expected)) return 'bad';
  return 'ok';
}
