import type { usersEn } from './users-en';

/** 用户管理页面的中文消息。 */
export const usersZhCN: Record<keyof typeof usersEn, string> = {
  'nav.users': '用户',

  'users.title': '用户',
  'users.username': '用户名',
  'users.password': '密码',
  'users.role': '角色',
  'users.created': '创建时间',
  'users.status': '状态',
  'users.active': '启用',
  'users.disabled': '已停用',
  'users.create': '创建用户',
  'users.created.ok': '已创建用户 {name}。',
  'users.empty': '没有用户。',
};
