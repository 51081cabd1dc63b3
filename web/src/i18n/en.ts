import { onvifEn } from './onvif-en';
import { alarmsEn } from './alarms-en';
import { patrolEn } from './patrol-en';
import { evidenceEn } from './evidence-en';
import { usersEn } from './users-en';
import { equipmentEn } from './equipment-en';
import { dispatchEn } from './dispatch-en';
import { serverEn } from './server-en';
import { dutylogEn } from './dutylog-en';
import { errorsEn } from './errors-en';

/** English message table. Keys are shared with zh-CN (which must translate every key). */
export const en = {
  'app.name': 'Watchpost',
  // the Chinese name is the zh-CN subtitle only: an English page has no CJK text
  'app.subtitle': '',
  'app.loading': 'Connecting to the server…',
  'app.serverUnreachable': 'Server unreachable, retrying…',

  'nav.wall': 'Wall',
  'nav.cameras': 'Cameras',
  'nav.logout': 'Log out',
  'nav.language': 'Language',

  'role.operator': 'Operator',
  'role.supervisor': 'Supervisor',
  'role.investigator': 'Investigator',
  'role.admin': 'Administrator',
  'role.wall': 'Wall display',

  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.badCredentials': 'Wrong username or password.',
  'login.rateLimited': 'Too many failed attempts. Try again in {seconds} s.',
  'login.rateLimitedNoTime': 'Too many failed attempts. Try again later.',
  'login.required': 'Enter username and password.',

  'status.online': 'Online',
  'status.starting': 'Starting',
  'status.offline': 'Offline',
  'status.disabled': 'Disabled',

  'reason.unreachable': 'Camera unreachable',
  'reason.authentication failed': 'Authentication failed',
  'reason.no video': 'No video',
  'reason.stalled': 'Stream stalled',
  'reason.error': 'Stream error',
  'reason.unknown': 'No signal',

  'tile.since': 'since {time}',
  'tile.connecting': 'Connecting…',
  'tile.disabled': 'Camera disabled',
  'tile.empty': 'No camera',
  'tile.playerError': 'Video interrupted, retrying…',
  'tile.lost': 'Connection to the server lost',
  'tile.late': 'The picture is more than 3 s behind or frozen',
  'status.unknown': 'Unknown',

  'wall.layout': 'Layout',
  'wall.layoutN': '{n} tiles',
  'wall.page': 'Page {page} / {pages}',
  'wall.prev': 'Previous page',
  'wall.next': 'Next page',
  'wall.kiosk': 'Wall mode',
  'wall.exitKiosk': 'Exit wall mode',
  'wall.fullscreen': 'Full screen',
  'wall.noCameras': 'No cameras configured.',
  'wall.summary': '{online} / {total} online',

  'conn.connected': 'Live',
  'conn.reconnecting': 'Reconnecting…',

  'camera.back': 'Back',
  'camera.notFound': 'Camera "{id}" not found.',
  'camera.info': 'Camera information',
  'camera.id': 'ID',
  'camera.name': 'Name',
  'camera.status': 'Status',
  'camera.reason': 'Reason',
  'camera.detail': 'Detail',
  'camera.since': 'Since',
  'camera.url': 'RTSP URL',
  'camera.subUrl': 'Sub-stream URL',
  'camera.origin': 'Source',
  'camera.credentials': 'Credentials',
  'camera.enabled': 'Enabled',
  'camera.yes': 'Yes',
  'camera.no': 'No',
  'camera.none': '—',

  'origin.config': 'Config file (read-only)',
  'origin.db': 'Console',
  'origin.demo': 'Demo',

  'cameras.title': 'Cameras',
  'cameras.add': 'Add camera',
  'cameras.edit': 'Edit',
  'cameras.delete': 'Delete',
  'cameras.confirmDelete': 'Delete camera "{name}"? Recordings stay on disk.',
  'cameras.confirm': 'Delete',
  'cameras.cancel': 'Cancel',
  'cameras.readOnly': 'Read-only (config file)',
  'cameras.credentialsSaved': 'Credentials saved',
  'cameras.noCredentials': 'No credentials',
  'cameras.adminOnly': 'Only administrators can change cameras.',
  'cameras.empty': 'No cameras yet.',
  'cameras.actions': 'Actions',

  'form.addTitle': 'Add camera',
  'form.editTitle': 'Edit camera "{name}"',
  'form.name': 'Name',
  'form.url': 'RTSP URL',
  'form.subUrl': 'Sub-stream URL (optional)',
  'form.username': 'Username',
  'form.password': 'Password',
  'form.passwordKeep': 'Credentials saved — leave empty to keep',
  'form.clearPassword': 'Clear saved password',
  'form.enabled': 'Enabled',
  'form.save': 'Save',
  'form.saving': 'Saving…',
  'form.cancel': 'Cancel',

  'error.network': 'Cannot reach the server.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.read_only': 'This camera comes from the config file and cannot be changed here.',
  'error.conflict': 'A camera with this id already exists.',
  'error.not_found': 'Not found.',
  'error.generic': 'Error: {message}',
  'error.weak_password': 'Password too weak: at least 10 characters, not the user name, not a common password.',
  'error.last_admin': 'This is the last active administrator: make another administrator first.',
  'error.password_change_required': 'Choose a new password first.',
  'error.bad_current_password': 'The current password is wrong.',
  'error.csrf': 'Request refused: it did not come from this console.',
  'error.unknown_camera': 'Unknown camera in the rights.',
  ...patrolEn,
  ...onvifEn,
  ...alarmsEn,
  ...evidenceEn,
  ...usersEn,
  ...equipmentEn,
  ...dispatchEn,
  ...serverEn,
  ...dutylogEn,
  ...errorsEn,
};

export type MessageKey = keyof typeof en;
