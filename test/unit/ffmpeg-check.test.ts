import { afterEach, describe, expect, it } from 'vitest';
import { checkFfmpeg, parseVersion } from '../../server/media/ffmpeg-check.ts';

describe('parseVersion', () => {
  it.each([
    ['ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers', '5.1.9-0+deb12u1', 5],
    ['ffmpeg version n6.1.1 Copyright (c) 2000-2023', 'n6.1.1', 6],
    ['ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright', '4.4.2-0ubuntu0.22.04.1', 4],
    ['ffmpeg version N-113045-g1b3b7a5 Copyright', 'N-113045-g1b3b7a5', Number.POSITIVE_INFINITY],
  ])('%s', (text, version, major) => expect(parseVersion(text)).toEqual({ version, major }));

  it('not ffmpeg output', () => expect(parseVersion('hello')).toBeUndefined());
});

describe('checkFfmpeg', () => {
  const saved = process.env.FFMPEG_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.FFMPEG_PATH;
    else process.env.FFMPEG_PATH = saved;
  });

  it('finds ffmpeg ≥ 5 and the ffprobe beside it', async () => {
    delete process.env.FFMPEG_PATH;
    const info = await checkFfmpeg();
    expect(info.major).toBeGreaterThanOrEqual(5);
    expect(info.ffprobePath).toMatch(/ffprobe$/);
  });

  it('a missing binary gives the install hint', async () => {
    process.env.FFMPEG_PATH = '/nonexistent/ffmpeg';
    await expect(checkFfmpeg()).rejects.toThrow('ffmpeg not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH');
  });
});
