import { describe, expect, it } from 'vitest';
import { classifyExit, classifyText, cleanLine, redactLine } from '../../server/media/classify.ts';

// Real stderr captured from ffmpeg/ffprobe 5.1 against the GStreamer test server.
const AUTH = [
  '[rtsp @ 0x55ded8ef69c0] method DESCRIBE failed: 401 Unauthorized',
  'rtsp://admin:wrong@127.0.0.1:18555/cam: Server returned 401 Unauthorized (authorization failed)',
].join('\n');
const NOT_FOUND = [
  '[rtsp @ 0x564f78efe9c0] method DESCRIBE failed: 404 Not Found',
  'rtsp://127.0.0.1:18554/nope: Server returned 404 Not Found',
].join('\n');
const REFUSED = [
  '[tcp @ 0x55fdb990f880] Connection to tcp://127.0.0.1:18559?timeout=5000000 failed: Connection refused',
  'rtsp://127.0.0.1:18559/cam: Connection refused',
].join('\n');
const TIMED_OUT = 'rtsp://127.0.0.1:18554/cam: Connection timed out';
const HUNG_DESCRIBE = 'rtsp://127.0.0.1:18554/cam: Invalid data found when processing input';
const STARTUP_NOISE = [
  '[hls @ 0x561a45504a00] Timestamps are unset in a packet for stream 0. This is deprecated and will stop working in the future. Fix your code to set the timestamps properly',
  '[segment @ 0x561a454d4a00] Non-monotonous DTS in output stream 1:0; previous: 0, current: 0; changing to 1. This may result in incorrect timestamps in the output file.',
].join('\n');

describe('classifyText', () => {
  it.each([
    [AUTH, 'authentication failed', 'camera rejected the credentials (401)'],
    ['[rtsp @ 0x1] method DESCRIBE failed: 403 Forbidden', 'authentication failed', 'access forbidden (403)'],
    [NOT_FOUND, 'unreachable', 'stream not found (404): check the URL path'],
    [REFUSED, 'unreachable', 'connection refused'],
    [TIMED_OUT, 'unreachable', 'connection timed out'],
    ['[tcp @ 0x1] Connection to tcp://10.0.0.9:554?timeout=5000000 failed: No route to host', 'unreachable', 'no route to host'],
    ['[tcp @ 0x1] Failed to resolve hostname nocam.invalid: Name or service not known', 'unreachable', 'host name not found'],
    ['[tcp @ 0x1] Failed to resolve hostname cam.lan: Temporary failure in name resolution', 'unreachable', 'host name not found'],
    ['rtsp://127.0.0.1:1/cam: End of file', 'unreachable', 'connection closed by the camera'],
    ['/tmp/missing.mp4: No such file or directory', 'unreachable', 'file not found'],
    ['Output file #0 does not contain any stream', 'no video', 'the source has no video stream'],
    ["Stream map '0:v:0' matches no streams.", 'no video', 'the source has no video stream'],
    [HUNG_DESCRIBE, 'unreachable', 'no valid RTSP answer from the camera'],
  ])('%s → %s', (text, reason, detail) => {
    expect(classifyText(text)).toEqual({ reason, detail });
  });

  it('"Invalid data found" on a file means it is not a video file', () => {
    expect(classifyText('/tmp/x.mp4: Invalid data found when processing input', { isFile: true })).toEqual({
      reason: 'no video',
      detail: 'not a playable video file',
    });
  });

  it('harmless start-up warnings explain nothing', () => {
    expect(classifyText(STARTUP_NOISE)).toBeUndefined();
  });

  it('authentication wins over what follows it', () => {
    expect(classifyText(`${AUTH}\nrtsp://x: End of file`)?.reason).toBe('authentication failed');
  });
});

describe('classifyExit', () => {
  it('an RTSP stream that ends silently (exit 0): the camera went away', () => {
    expect(classifyExit({ stderr: STARTUP_NOISE.split('\n'), code: 0, signal: null })).toEqual({
      reason: 'unreachable',
      detail: 'stream ended (camera closed the connection)',
    });
  });

  it('killed by a signal nobody asked for', () => {
    expect(classifyExit({ stderr: [], code: null, signal: 'SIGKILL' })).toEqual({
      reason: 'error',
      detail: 'ffmpeg was killed by SIGKILL',
    });
  });

  it('unknown failure: error with the last meaningful line, cleaned', () => {
    const stderr = ['[segment @ 0x5562] Timestamps are unset in a packet for stream 0.', '[mp4 @ 0x55aa] Failed to open segment: Permission denied'];
    expect(classifyExit({ stderr, code: 1, signal: null })).toEqual({ reason: 'error', detail: 'Failed to open segment: Permission denied' });
  });

  it('nothing on stderr', () => {
    expect(classifyExit({ stderr: [], code: 187, signal: null })).toEqual({ reason: 'error', detail: 'ffmpeg exited with code 187' });
  });

  it('"Immediate exit requested" alone is an error (a signal we did not send)', () => {
    expect(classifyExit({ stderr: ['Immediate exit requested'], code: 255, signal: null }).reason).toBe('error');
  });
});

describe('redaction', () => {
  it('removes user:pass@ from URLs and known secrets', () => {
    expect(redactLine('rtsp://admin:hunter22@10.0.0.5/s: Server returned 401', ['hunter22'])).toBe(
      'rtsp://***@10.0.0.5/s: Server returned 401',
    );
    expect(redactLine('password hunter22 rejected', ['hunter22'])).toBe('password *** rejected');
  });

  it('a full disk is said as such, whatever else ffmpeg printed', () => {
    const stderr = ['[segment @ 0x55d1] Opening \'/data/gate/000001.ts\' for writing', 'av_interleaved_write_frame(): No space left on device', 'Connection reset by peer'];
    expect(classifyExit({ stderr, code: 1, signal: null })).toEqual({ reason: 'error', detail: 'the disk is full' });
  });

  it('cleanLine drops the [ctx @ 0x…] prefix and a leading URL', () => {
    expect(cleanLine('[tcp @ 0x55fd] Connection to tcp://h:1 failed: x')).toBe('Connection to tcp://h:1 failed: x');
    expect(cleanLine('rtsp://***@h/s: Connection refused')).toBe('Connection refused');
  });
});
