import { css } from 'lit';
import { fromSiteInput, toSiteInput } from '../data/site-time';
import { t } from '../i18n';
import { modalDialogStyles } from '../styles/dialog';
import { fieldBox, fieldLabelStyles } from '../styles/form';

/** Shared look of the evidence dialogs (export, lock). */
export const dialogStyles = css`
  ${modalDialogStyles}
  dialog {
    width: min(38em, 94vw);
  }
  h2 {
    margin: 0 0 0.9em;
    font-size: 1.15em;
  }
  form {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 0.8em 1em;
  }
  ${fieldLabelStyles}
  ${fieldBox("input[type='datetime-local'], textarea, select", '0.45em 0.6em')}
  input[type='datetime-local'],
  textarea,
  select {
    width: 100%;
  }
  textarea {
    min-height: 4em;
    resize: vertical;
  }
  .cams {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em 1.2em;
    color: var(--wp-text);
  }
  .cams label {
    display: flex;
    align-items: center;
    gap: 0.4em;
    color: var(--wp-text);
  }
  .actions {
    grid-column: 1 / -1;
    display: flex;
    justify-content: flex-end;
    gap: 0.6em;
    margin-top: 0.4em;
  }
  progress {
    width: 100%;
    height: 1.1em;
  }
  .mono {
    font-family: var(--wp-mono);
    font-size: 0.85em;
    word-break: break-all;
  }
  .ok {
    color: var(--wp-online);
    font-weight: 700;
  }
  .hint {
    color: var(--wp-text-muted);
    font-size: 0.85em;
  }
`;

/** ms → value of an <input type="datetime-local" step="1"> in the site's time zone (not the browser's). */
export function toLocalInput(ms: number): string {
  return toSiteInput(ms);
}

/** Value of a datetime-local input, read in the site's time zone → ms; NaN when empty or invalid. */
export function fromLocalInput(v: string): number {
  return fromSiteInput(v);
}

/** The message for the first of `names` in the form that is no date-time, or null when all are. */
export function invalidTime(data: FormData, names: string[]): string | null {
  for (const n of names) {
    const v = String(data.get(n) ?? '');
    if (!Number.isFinite(fromSiteInput(v))) return t('time.invalid', { value: v || '—' });
  }
  return null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${u[i]}`;
}
