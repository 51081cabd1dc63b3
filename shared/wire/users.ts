/**
 * Users, rights and sessions on the wire (issue K: one set of API types). Types and constants only, no imports:
 * imported by the server (server/store/users.ts, server/http/routes/users.ts) and the console (web/src/data).
 */

/**
 * `wall`: a wall-display account — the live wall and alarm pop-ups, nothing else (issue G).
 * `guard`: a guard on foot with a phone — only the dispatches sent to them (/guard, issue L point 2).
 */
export const ROLES = ['operator', 'supervisor', 'investigator', 'admin', 'wall', 'guard'] as const;
export type Role = (typeof ROLES)[number];

/** A user as the API shows it (GET /api/users, PATCH, the session). */
export interface UserView {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  /** must choose a new password before anything else (after an admin reset) */
  mustChangePassword: boolean;
  /** cameras listed for the user; null (with no groups) = all cameras */
  cameras: string[] | null;
  groups: number[];
  createdAt?: number;
}

export interface CameraGroupView {
  id: number;
  name: string;
  cameras: string[];
  createdAt: number;
  updatedAt: number;
}

export interface SessionView {
  id: number;
  userId: number;
  username: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  /** the session of this request */
  current?: boolean;
}
