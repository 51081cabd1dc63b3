/**
 * A failed patrol request as errors per form field (issue K: "errors next to the field, not at the top of the
 * page"). The server's 400 lists its problems in `fields`, each with its path and a code (server/http/error-fields.ts);
 * each problem whose path names a field of the form goes under that field, in the console's language, and what is
 * left is the form's own error.
 */
import { ApiError, type FieldProblem } from '../data/api';
import { CHECKLIST_INCOMPLETE } from '../data/patrol';
import { errorMessage, problemMessage } from './errors';
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

/** One validation problem, translated when its code is known; the server's text otherwise. */
function messageText(p: FieldProblem): string {
  const text = problemMessage(p) ?? p.message;
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
  if (err.code !== 'invalid_request' || !err.fields?.length) return { fields: {}, form: errorMessage(err) };
  const fields: Record<string, string> = {};
  const rest: FieldProblem[] = [];
  for (const p of err.fields) {
    const key = p.path ? fieldKey(p.path) : '';
    if (key && known(key)) fields[key] ??= messageText(p);
    else rest.push(p);
  }
  if (!rest.length) return { fields, form: '' };
  const text = rest.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  return { fields, form: errorMessage(new ApiError(err.status, err.code, text, undefined, rest)) };
}
