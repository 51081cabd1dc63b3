/**
 * Makes node-onvif safe to point at untrusted devices. node-onvif parses with xml2js (sax), which does not expand
 * DTD entities; we still refuse any document with a DOCTYPE or ENTITY declaration before it reaches a parser, cap
 * the response size, and replace node-onvif's HTTP transport with one that honours a deadline and never sends
 * credentials in the URL. Installed once, on import.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { DeviceFault, OnvifError } from './errors.ts';

export const MAX_XML_BYTES = 1024 * 1024;
const require = createRequire(import.meta.url);

/** Throws OnvifError('bad_response') for documents we never parse: DTDs, entity declarations, oversize. */
export function assertSafeXml(xml: string): void {
  if (xml.length > MAX_XML_BYTES) throw new OnvifError('bad_response', 'the camera sent a response larger than 1 MiB');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new OnvifError('bad_response', 'the camera sent XML with a DTD or entity declarations (refused, never parsed)');
  }
}

interface Deadline {
  at: number;
  requestTimeoutMs: number;
}
const deadlines = new AsyncLocalStorage<Deadline>();
let defaultRequestTimeoutMs = 3000;

export function setDefaultRequestTimeout(ms: number): void {
  defaultRequestTimeoutMs = ms;
}

/** Run fn with every SOAP request inside it bounded by `totalMs` overall and `requestTimeoutMs` each. */
export function withDeadline<T>(totalMs: number, fn: () => Promise<T>, requestTimeoutMs = defaultRequestTimeoutMs): Promise<T> {
  return deadlines.run({ at: Date.now() + totalMs, requestTimeoutMs }, fn);
}

function timeoutNow(): number {
  const d = deadlines.getStore();
  if (!d) return defaultRequestTimeoutMs;
  return Math.max(1, Math.min(d.requestTimeoutMs, d.at - Date.now()));
}

interface LegacyUrl {
  protocol?: string | null;
  hostname?: string | null;
  port?: string | null;
  path?: string | null;
  pathname?: string | null;
}

interface SoapModule {
  parse(xml: string): Promise<unknown>;
  _request(oxaddr: LegacyUrl, soap: string): Promise<string>;
  __watchpostGuard?: boolean;
}

/** Best-effort SOAP fault text of an error response (already size/DTD-checked). */
async function faultText(soap: SoapModule, xml: string): Promise<string> {
  try {
    const body = ((await soap.parse(xml)) as { Body?: { Fault?: { Reason?: { Text?: unknown }; Code?: { Subcode?: { Value?: unknown } } } } })
      .Body?.Fault;
    const raw = body?.Reason?.Text;
    const text: unknown = Array.isArray(raw) ? raw[0] : raw; // one Text per language: the first
    const reason = typeof text === 'object' && text && '_' in text ? String((text as { _: unknown })._) : typeof text === 'string' ? text : '';
    const sub = body?.Code?.Subcode?.Value;
    return [reason, typeof sub === 'string' ? sub : ''].filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** POST a SOAP envelope; resolves the body of a 200 answer. */
export function postSoap(soap: SoapModule, o: LegacyUrl, body: string): Promise<string> {
  const timeoutMs = timeoutNow();
  const https = o.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  return new Promise<string>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, xml?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(xml!);
    };
    const req = send({
      protocol: https ? 'https:' : 'http:',
      hostname: o.hostname ?? undefined,
      port: o.port ?? (https ? 443 : 80),
      path: o.path ?? o.pathname ?? '/',
      method: 'POST',
      headers: { 'Content-Type': 'application/soap+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(body) },
    });
    const timer = setTimeout(() => {
      finish(new OnvifError('timeout', `the camera did not answer within ${(timeoutMs / 1000).toFixed(1)} s`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish(new Error(`Network Error: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_XML_BYTES) {
          finish(new OnvifError('bad_response', 'the camera sent a response larger than 1 MiB'));
          req.destroy();
        } else chunks.push(c);
      });
      res.on('error', (e) => finish(e));
      res.on('end', () => {
        const xml = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status === 200) {
          if (!/<([\w.-]+:)?Envelope[\s>]/.test(xml.slice(0, 4096))) {
            return finish(new OnvifError('bad_response', 'the device did not answer with SOAP: is this the ONVIF device service URL?'));
          }
          // a fault sent with 200 (some devices do): the device's own words, as for any other status
          if (!/<([\w.-]+:)?Fault[\s>/]/.test(xml)) return finish(null, xml);
        }
        if (status === 401 || status === 403) return finish(new OnvifError('auth', 'authentication failed: the camera rejected the username or password'));
        try {
          assertSafeXml(xml);
        } catch (e) {
          return finish(e as Error);
        }
        void faultText(soap, xml).then((text) => finish(new DeviceFault(status, text)));
      });
    });
    req.end(body);
  });
}

/** Patch node-onvif's shared SOAP module (idempotent). */
export function installSoapGuard(): void {
  const soap = require('node-onvif/lib/modules/soap.js') as SoapModule;
  if (soap.__watchpostGuard) return;
  const parse = soap.parse.bind(soap);
  soap.parse = (xml: string) => {
    try {
      assertSafeXml(String(xml));
    } catch (e) {
      return Promise.reject(e);
    }
    return parse(xml);
  };
  soap._request = (oxaddr: LegacyUrl, body: string) => postSoap(soap, oxaddr, body);
  soap.__watchpostGuard = true;
}

installSoapGuard();
