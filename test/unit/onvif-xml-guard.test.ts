import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { MAX_XML_BYTES, assertSafeXml } from '../../server/onvif/soap-guard.ts';
import { OnvifError, classifyOnvifError, toAppError } from '../../server/onvif/errors.ts';

const require = createRequire(import.meta.url);
const soap = require('node-onvif/lib/modules/soap.js') as { parse(xml: string): Promise<unknown> };
const xml2js = require('xml2js') as { parseString(xml: string, cb: (err: Error | null, r: unknown) => void): void };

const LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' +
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><X>&lol2;</X></s:Body></s:Envelope>';
const OK = '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><R a="1">x &amp; y</R></s:Body></s:Envelope>';

describe('XML guard', () => {
  it('refuses DTDs and entity declarations in any case, and oversize documents', () => {
    for (const bad of [LAUGHS, '<!doctype x><x/>', '<x><!ENTITY e "e"></x>', '<?xml version="1.0"?>\n<!DocType foo SYSTEM "file:///etc/passwd"><foo/>']) {
      expect(() => assertSafeXml(bad), bad).toThrow(/DTD or entity/);
    }
    expect(() => assertSafeXml(`<x>${'a'.repeat(MAX_XML_BYTES)}</x>`)).toThrow(/larger than 1 MiB/);
    expect(() => assertSafeXml(OK)).not.toThrow();
  });

  it('is installed in node-onvif: its parser rejects entity expansion and still parses normal SOAP', async () => {
    await import('../../server/onvif/client.ts'); // installs the guard
    await expect(soap.parse(LAUGHS)).rejects.toThrow(/DTD or entity/);
    const parsed = (await soap.parse(OK)) as { Body: { R: { _: string } } };
    expect(parsed.Body.R._).toBe('x & y');
  });

  it('xml2js itself never expands internal entities (defence in depth)', async () => {
    const out = await new Promise<string>((resolve) =>
      xml2js.parseString(LAUGHS, (err: Error | null, r: unknown) => resolve(err ? `error: ${err.message}` : JSON.stringify(r))),
    );
    expect(out).not.toContain('lollol');
  });
});

describe('ONVIF error classification', () => {
  it('maps transport, auth and XML failures to clear API errors (never 401)', () => {
    const cases: [unknown, string, number, RegExp][] = [
      [new Error('HTTP 400 - Sender not Authorized ter:NotAuthorized'), 'onvif_auth_failed', 422, /authentication failed/],
      [new OnvifError('auth', 'authentication failed: x'), 'onvif_auth_failed', 422, /authentication failed/],
      [new Error('Network Error: ECONNREFUSED'), 'onvif_unreachable', 502, /connection refused/],
      [new Error('Network Error: EHOSTUNREACH'), 'onvif_unreachable', 502, /no route to host/],
      [new OnvifError('timeout', 'the camera did not answer within 3.0 s'), 'onvif_timeout', 504, /did not answer/],
      [new Error('Unclosed root tag\nLine: 0'), 'onvif_bad_response', 502, /malformed XML/],
      [new TypeError("Cannot read properties of undefined (reading 'Body')"), 'onvif_bad_response', 502, /does not understand/],
      [new Error('The device seems to not support the GetProfiles() method.'), 'onvif_unsupported', 502, /GetProfiles/],
      [new Error('HTTP 500 - Internal error ter:Action'), 'onvif_fault', 502, /answered with an error: HTTP 500/],
    ];
    for (const [err, code, status, msg] of cases) {
      const e = toAppError(err);
      expect(e.code, String(err)).toBe(code);
      expect(e.status).toBe(status);
      expect(e.message).toMatch(msg);
    }
    expect(classifyOnvifError('weird').kind).toBe('fault');
  });
});
