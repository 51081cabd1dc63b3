/**
 * The duty log's entries once the background writers are done (issue J: appends are async; the camera, alarm
 * and dispatch watches write through the DutyWriter's promise chain): newest first, like DutyLog.list.
 */
import type { LogEntry } from '../../server/dutylog/chain.ts';
import type { DutyLog } from '../../server/dutylog/log.ts';
import { dutyWriter } from '../../server/dutylog/writer.ts';

export async function dutyEntries(log: DutyLog): Promise<LogEntry[]> {
  let before = -1;
  for (let i = 0; i < 100; i++) {
    await dutyWriter(log).settled();
    const now = (await log.list({ limit: 5000 })).length;
    if (now === before) break;
    before = now;
    await new Promise((r) => setTimeout(r, 15));
  }
  return log.list({ limit: 5000 });
}
