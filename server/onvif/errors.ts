/**
 * ONVIF failures, classified once so the API and the console can say what went wrong:
 * unreachable, timeout, authentication failed, a bad (malformed or unsafe) response, unsupported, a SOAP fault.
 */
import { AppError } from '../util/errors.ts';

export type OnvifErrorKind = 'unreachable' | 'timeout' | 'auth' | 'bad_response' | 'unsupported' | 'fault';

export class OnvifError extends Error {
  constructor(
    readonly kind: OnvifErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'OnvifError';
  }
}

/**
 * A SOAP fault the device itself sent (soap-guard.ts): its text is the device's own words, shown as they are —
 * never mistaken for a crash in our parsing because it mentions "undefined" or "cannot read".
 */
export class DeviceFault extends Error {
  constructor(
    readonly status: number,
    readonly faultText: string,
  ) {
    super(`HTTP ${status}${faultText ? ` - ${faultText}` : ''}`);
    this.name = 'DeviceFault';
  }
}

const AUTH_RE = /\b401\b|\b403\b|NotAuthorized|not authori[sz]ed|Unauthori[sz]ed|authentication|authority failure|Invalid ?Credentials|wsse:FailedAuthentication/i;
const NET_RE = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ECONNRESET|EPIPE|EADDRNOTAVAIL|socket hang up|Network Error/i;
const XML_RE = /Unexpected close tag|Unclosed root tag|Non-whitespace before first tag|Invalid character|Unmatched closing tag|Text data outside of root node|Attribute without value|Invalid attribute name|Unexpected end|Unquoted attribute value|Invalid tagname/i;

/** Any error from node-onvif, the network or our guards → an OnvifError with a readable message. */
export function classifyOnvifError(err: unknown): OnvifError {
  if (err instanceof OnvifError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const device = err instanceof DeviceFault;
  if (AUTH_RE.test(msg)) return new OnvifError('auth', 'authentication failed: the camera rejected the username or password');
  if (!device && NET_RE.test(msg)) return new OnvifError('unreachable', `camera unreachable: ${shortNetMessage(msg)}`);
  if (!device && XML_RE.test(msg)) return new OnvifError('bad_response', `the camera sent malformed XML (${msg.split('\n')[0]})`);
  if (/does not support|not supported|seems to not support|ActionNotSupported/i.test(msg)) return new OnvifError('unsupported', msg);
  if (!device && /Cannot read|undefined|is not a function|is not iterable/i.test(msg)) {
    return new OnvifError('bad_response', 'the camera sent a response Watchpost does not understand');
  }
  return new OnvifError('fault', `the camera answered with an error: ${msg.slice(0, 200)}`);
}

function shortNetMessage(msg: string): string {
  const code = /E[A-Z]{4,}/.exec(msg)?.[0];
  const text: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    EHOSTUNREACH: 'no route to host',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'unknown host name',
    EAI_AGAIN: 'host name lookup failed',
    ECONNRESET: 'connection reset',
  };
  return (code && text[code]) ?? msg.replace(/^Network Error:\s*/, '').slice(0, 120);
}

const HTTP: Record<OnvifErrorKind, [number, string]> = {
  // never 401: the console treats a 401 as "your session is gone"
  auth: [422, 'onvif_auth_failed'],
  unreachable: [502, 'onvif_unreachable'],
  timeout: [504, 'onvif_timeout'],
  bad_response: [502, 'onvif_bad_response'],
  unsupported: [502, 'onvif_unsupported'],
  fault: [502, 'onvif_fault'],
};

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = classifyOnvifError(err);
  const [status, code] = HTTP[e.kind];
  return new AppError(status, code, e.message);
}
