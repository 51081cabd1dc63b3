/** User management (server/http/routes/users.ts, camera-groups.ts; admins) and one's own password (everyone). */
import { api } from './api';
import { session } from './session';
import type { Role, User } from './types';

import type { CameraGroupView, SessionView, UserView } from '../../../shared/wire/users';
export type { SessionView } from '../../../shared/wire/users';
export { ROLES } from '../../../shared/wire/users';

/** A user as GET /api/users lists them (shared/wire/users.ts). */
export type UserRow = UserView & { createdAt: number };
export type CameraGroup = Pick<CameraGroupView, 'id' | 'name' | 'cameras'>;

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  displayName?: string | null;
  cameras?: string[] | null;
  groups?: number[];
}

export function fetchUsers(): Promise<UserRow[]> {
  return api('GET', '/api/users');
}

export function createUser(body: { username: string; password: string; role: Role }): Promise<unknown> {
  return api('POST', '/api/users', { body });
}

export function updateUser(id: number, patch: UserPatch): Promise<UserRow> {
  return api('PATCH', `/api/users/${id}`, { body: patch });
}

/** Admin reset: the user must choose a new password at next login. */
export function resetPassword(id: number, password: string): Promise<UserRow> {
  return api('POST', `/api/users/${id}/password`, { body: { password } });
}

/** Change one's own password; the other sessions end, this one stays. */
export async function changeOwnPassword(current: string, password: string): Promise<void> {
  const res = await api<{ user: User }>('POST', '/api/session/password', { body: { current, password } });
  session.set({ status: 'authenticated', user: res.user });
}

/** One's own sessions (the current one marked), and revoking one. */
export function fetchSessions(): Promise<SessionView[]> {
  return api('GET', '/api/sessions');
}

export function revokeSession(id: number): Promise<void> {
  return api('DELETE', `/api/sessions/${id}`);
}

export function fetchGroups(): Promise<CameraGroup[]> {
  return api('GET', '/api/camera-groups');
}

export function createGroup(name: string, cameras: string[]): Promise<CameraGroup> {
  return api('POST', '/api/camera-groups', { body: { name, cameras } });
}

export function updateGroup(id: number, patch: { name?: string; cameras?: string[] }): Promise<CameraGroup> {
  return api('PATCH', `/api/camera-groups/${id}`, { body: patch });
}

export function deleteGroup(id: number): Promise<void> {
  return api('DELETE', `/api/camera-groups/${id}`);
}
