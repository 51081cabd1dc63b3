/**
 * Duty-log (监控记录) entries on the wire (GET/POST /api/dutylog, POST /api/dutylog/:seq/corrections). The
 * server (server/dutylog/chain.ts re-exports these and hashes LogContent) and the console
 * (web/src/data/dutylog.ts) both import this module. Same rule as shared/wire/dispatch.ts: no imports of any kind.
 */

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
