import { ApiError } from '../data/api';
import { t } from './index';

/** A readable, translated message for a failed request. Validation messages come from the server. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.isNetwork) return t('error.network');
    switch (err.code) {
      case 'forbidden':
        return t('error.forbidden');
      case 'read_only':
        return t('error.read_only');
      case 'not_found':
        return t('error.not_found');
      case 'weak_password':
        return t('error.weak_password');
      case 'last_admin':
        return t('error.last_admin');
      case 'password_change_required':
        return t('error.password_change_required');
      case 'bad_credentials':
        return err.message.startsWith('current:') ? t('error.bad_current_password') : err.message;
      case 'csrf':
        return t('error.csrf');
      case 'unknown_camera':
      case 'unknown_group':
        return t('error.unknown_camera');
      case 'conflict':
      case 'exists':
      case 'already_exists':
        return err.message && err.message !== err.code ? err.message : t('error.conflict');
      default:
        return err.message || t('error.generic', { message: err.code });
    }
  }
  return t('error.generic', { message: err instanceof Error ? err.message : String(err) });
}
