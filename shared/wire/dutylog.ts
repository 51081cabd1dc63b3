/**
 * Duty-log (监控记录) entries on the wire (GET/POST /api/dutylog, POST /api/dutylog/:seq/corrections). The
 * server (server/dutylog/chain.ts re-exports these and hashes LogContent) and the console
 * (web/src/data/dutylog.ts) both import this module. Same rule as shared/wire/dispatch.ts: no imports of any kind.
 */

/** Categories an operator may choose for a hand-written entry (POST /api/dutylog). */
export const MANUAL_CATEGORIES = ['anomaly', 'dispatch', 'equipment_fault', 'visitor', 'other'] as const;
export type ManualCategory = (typeof MANUAL_CATEGORIES)[number];

/** The content an entry's hash covers (everything but the hashes themselves). */
export interface LogContent {
  seq: number;
  ts: number;
  cameraId: string | null;
  category: string;
  kind: string;
  text: string;
  authorId: number | null;
  authorName: string;
  /** a correction names the entry it corrects */
  refSeq: number | null;
  data: Record<string, unknown>;
}

/** An entry as the log stores it and the API sends it: the content and its link in the hash chain. */
export interface LogEntry extends LogContent {
  prevHash: string;
  hash: string;
}
