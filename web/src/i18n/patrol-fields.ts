/**
 * A failed patrol request as errors per form field (issue K: "errors next to the field, not at the top of the
 * page"). The server's 400 lists its problems as "path: message; path: message" (server/http/errors.ts); each
 * part whose path names a field of the form goes under that field, translated like errors.ts does, and what is
 * left is the form's own error.
 */
import { ApiError } from '../data/api';
import { CHECKLIST_INCOMPLETE } from '../data/patrol';
import { errorMessage, validationText } from './errors';
import { getLang, t } from './index';

export interface FormErrors {
  /** field key → its message: "name", "stops.0.cameraId", "stops.0.checklist", "stops", "note", "reason", "checks" */
  fields: Record<string, string>;
  /** what belongs to no field ('' when none) */
  form: string;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: '' };

/** "stops.1.checklist.0" → "stops.1.checklist" (the checklist is one textarea); other paths stay as they are. */
const fieldKey = (path: string): string => path.replace(/^(stops\.\d+\.checklist)\.\d+$/, '$1');

/** One validation message, translated when known; the server's text otherwise. */
function messageText(msg: string): string {
  const text = validationText(msg) ?? msg;
  return getLang() === 'en' ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** The text of a 400 checklist_incomplete (the items are named in the server's message as "not ticked: 1, 3"). */
export function checklistIncompleteText(message: string): string {
  const items = /not ticked: ([\d, ]+)/.exec(message)?.[1];
  return items ? t('step.checklistIncomplete', { items: items.replace(/, /g, getLang() === 'en' ? ', ' : '、') }) : t('step.checklistIncompletePlain');
}

/** Split a failed request into field errors (`known`: the form's field keys) and the rest. */
export function formErrors(err: unknown, known: (key: string) => boolean): FormErrors {
  if (!(err instanceof ApiError)) return { fields: {}, form: errorMessage(err) };
  if (err.code === CHECKLIST_INCOMPLETE && known('checks')) return { fields: { checks: checklistIncompleteText(err.message) }, form: '' };
  if (err.code === 'unknown_camera' && known('stops')) return { fields: { stops: errorMessage(err) }, form: '' };
  if (err.code !== 'invalid_request' || !err.message) return { fields: {}, form: errorMessage(err) };
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of err.message.split('; ')) {
    const m = /^([A-Za-z][\w.]*): (.+)$/.exec(part);
    const key = m ? fieldKey(m[1]!) : '';
    if (m && known(key)) fields[key] ??= messageText(m[2]!);
    else rest.push(part);
  }
  if (!rest.length) return { fields, form: '' };
  return { fields, form: errorMessage(new ApiError(err.status, err.code, rest.join('; '))) };
}
