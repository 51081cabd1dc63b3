/** What a test sees of real ffmpeg from outside: the argv of the processes reading a URL, ffprobe's view of bytes. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** ffprobe's view of the first video stream of some bytes (written to `dir/name`) */
export function probeBytes(dir: string, data: Buffer, name: string): { codec_name: string; width: number; height: number } {
  const file = join(dir, name);
  writeFileSync(file, data);
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file]);
  return (JSON.parse(out.toString()) as { streams: { codec_name: string; width: number; height: number }[] }).streams[0]!;
}

/** argv of the ffmpeg processes whose command line holds `url` */
export function ffmpegArgv(url: string): string[][] {
  const found: string[][] = [];
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'ffmpeg') continue;
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.includes(url)) found.push(argv);
    } catch {
      /* gone */
    }
  }
  return found;
}
