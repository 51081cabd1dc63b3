/** User management (server/http/routes/users.ts, camera-groups.ts; admins) and one's own password (everyone). */
import { api } from './api';
import { session } from './session';
import type { User } from './types';

import type { CameraGroupView, SessionView, UserView } from '../../../shared/wire/users';
export type { SessionView } from '../../../shared/wire/users';
export { ROLES } from '../../../shared/wire/users';
/** Bodies: shared/wire/requests/, the schemas the server validates with (types only here). */
import type { PasswordResetBody, UserCreateBody, UserPatchBody } from '../../../shared/wire/requests/users';
import type { PasswordChangeBody } from '../../../shared/wire/requests/session';
import type { CameraGroupCreateBody, CameraGroupPatchBody } from '../../../shared/wire/requests/camera-groups';

/** A user as GET /api/users lists them (shared/wire/users.ts). */
export type UserRow = UserView & { createdAt: number };
export type CameraGroup = Pick<CameraGroupView, 'id' | 'name' | 'cameras'>;

export type UserPatch = UserPatchBody;

export function fetchUsers(): Promise<UserRow[]> {
  return api('GET', '/api/users');
}

export function createUser(body: UserCreateBody): Promise<unknown> {
  return api('POST', '/api/users', { body });
}

export function updateUser(id: number, patch: UserPatch): Promise<UserRow> {
  return api('PATCH', `/api/users/${id}`, { body: patch });
}

/** Admin reset: the user must choose a new password at next login. */
export function resetPassword(id: number, password: string): Promise<UserRow> {
  return api('POST', `/api/users/${id}/password`, { body: { password } satisfies PasswordResetBody });
}

/** Change one's own password; the other sessions end, this one stays. */
export async function changeOwnPassword(current: string, password: string): Promise<void> {
  const res = await api<{ user: User }>('POST', '/api/session/password', { body: { current, password } satisfies PasswordChangeBody });
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
  return api('POST', '/api/camera-groups', { body: { name, cameras } satisfies CameraGroupCreateBody });
}

export function updateGroup(id: number, patch: CameraGroupPatchBody): Promise<CameraGroup> {
  return api('PATCH', `/api/camera-groups/${id}`, { body: patch });
}

export function deleteGroup(id: number): Promise<void> {
  return api('DELETE', `/api/camera-groups/${id}`);
}
