/** User management (server/http/routes/users.ts). Administrators only. */
import { api } from './api';
import type { Role } from './types';

export const ROLES: readonly Role[] = ['operator', 'supervisor', 'investigator', 'admin'];

export interface UserRow {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
}

export function fetchUsers(): Promise<UserRow[]> {
  return api('GET', '/api/users');
}

export function createUser(body: { username: string; password: string; role: Role }): Promise<unknown> {
  return api('POST', '/api/users', { body });
}
