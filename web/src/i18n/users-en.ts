/** English messages of the user management page (spread into en.ts). */
export const usersEn = {
  'nav.users': 'Users',

  'users.title': 'Users',
  'users.username': 'Username',
  'users.password': 'Password',
  'users.role': 'Role',
  'users.created': 'Created',
  'users.status': 'Status',
  'users.active': 'Active',
  'users.disabled': 'Disabled',
  'users.create': 'Create user',
  'users.created.ok': 'User {name} created.',
  'users.empty': 'No users.',
};
