/**
 * The daily equipment check on the wire (GET /api/reports/equipment; names fixed by issue L). Types only, no
 * imports: the server (server/equipment/report.ts) and the console (web/src/data/equipment.ts) import it.
 */
export interface EquipmentGap {
  start: number;
  end: number;
  reason: string;
}

export interface EquipmentCamera {
  id: string;
  name: string;
  onlineMinutes: number;
  /** recorded ÷ expected seconds, 0..1 */
  completeness: number;
  gaps: EquipmentGap[];
  offlineEpisodes: number;
  clockOffsetMs: number | null;
  tamperAlarms: number;
  restarts: number;
  flagged: boolean;
}

export interface EquipmentReport {
  date: string;
  from: number;
  to: number;
  threshold: number;
  cameras: EquipmentCamera[];
}
