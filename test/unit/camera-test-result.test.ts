/** POST /api/cameras/test (issue K): a probe result → the stable answer of the camera form's "test connection". */
import { describe, expect, it } from 'vitest';
import { testResult } from '../../server/http/routes/cameras.ts';

describe('camera test result', () => {
  it('a readable source: size, codec, rounded rate, bit rate or null', () => {
    expect(testResult({ ok: true, codec: 'h264', width: 640, height: 360, fps: 30000 / 1001, bitrateKbps: 800 })).toEqual({
      ok: true, codec: 'h264', width: 640, height: 360, fps: 29.97, bitrateKbps: 800,
    });
    expect(testResult({ ok: true, codec: 'hevc' })).toEqual({ ok: true, codec: 'hevc', width: null, height: null, fps: null, bitrateKbps: null });
  });

  it('failures get a stable code (the classification of camera status)', () => {
    const code = (reason: Parameters<typeof testResult>[0] & { ok: false }) => (testResult(reason) as { code: string }).code;
    expect(code({ ok: false, reason: 'authentication failed', detail: 'camera rejected the credentials (401)' })).toBe('auth_failed');
    expect(code({ ok: false, reason: 'unreachable', detail: 'connection refused' })).toBe('unreachable');
    expect(code({ ok: false, reason: 'unreachable', detail: 'stream not found (404): check the URL path' })).toBe('unreachable');
    expect(code({ ok: false, reason: 'unreachable', detail: 'connection timed out' })).toBe('timeout');
    expect(code({ ok: false, reason: 'unreachable', detail: 'no answer within 10 s' })).toBe('timeout');
    expect(code({ ok: false, reason: 'no video', detail: 'the source has no video stream' })).toBe('not_video');
    expect(code({ ok: false, reason: 'error', detail: 'something else' })).toBe('probe_failed');
  });
});
