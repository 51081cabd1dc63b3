/** Today's cameras below the equipment threshold, for the handover's open items (patrol). */
import type { SqlDb } from '../store/sql/db.ts';
import { equipmentReport } from '../equipment/report.ts';
import { dayKey } from '../patrol/compliance.ts';
import { reportRange } from '../patrol/reports.ts';

export async function equipmentProblems(sql: SqlDb, cameras: readonly { id: string; name: string }[], threshold: number, segmentSeconds: number) {
  const now = Date.now();
  const { from, to } = reportRange(dayKey(now));
  const rep = await equipmentReport({
    sql, date: dayKey(now), from, to, now, threshold, liveEdgeMs: segmentSeconds * 2000 + 5000,
    cameras: cameras.map((c) => ({ id: c.id, name: c.name, clockOffsetMs: null })),
  });
  return rep.cameras.filter((c) => c.flagged).map((c) => ({ cameraId: c.id, cameraName: c.name, completeness: c.completeness, gaps: c.gaps.length }));
}
