import { css } from 'lit';
import { fieldBox } from './form';
import { dataTable } from './table';

/** Layout shared by list pages (audit, users, …): a scrolling column with a filter/create form and a table. */
export const pageStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 0.8em;
    height: 100%;
    min-height: 0;
    padding: 0.8em 1em;
    overflow: auto;
  }
  h1 {
    margin: 0;
    font-size: 1.3em;
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6em;
    align-items: end;
  }
  label {
    display: grid;
    gap: 0.2em;
    font-size: 0.85em;
    color: var(--wp-text-muted);
  }
  ${fieldBox('input, select', '0.35em 0.5em')}
  ${dataTable('0.35em 0.5em', 'top')}
  table {
    font-size: 0.9em;
  }
`;
