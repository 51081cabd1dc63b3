/** Patrol domain types shared by the store, services and routes. */

/** Routes and rounds on the wire: shared/wire/patrol.ts (the console imports the same module). */
export type { PatrolRoute, PtzState, Round, RoundStatus, RoundStop, RouteStop, SpotCheck } from '../../shared/wire/patrol.ts';
import type { PatrolRoute } from '../../shared/wire/patrol.ts';

/** `requireChecklist` absent = off (routes written before issue K). */
export type RouteInput = Omit<PatrolRoute, 'id' | 'createdMs' | 'updatedMs' | 'requireChecklist'> & { requireChecklist?: boolean };

export type { StopOutcome } from '../../shared/wire/patrol.ts';

export interface Actor {
  id: number;
  username: string;
  role: string;
}
