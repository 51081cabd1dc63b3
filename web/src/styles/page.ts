import { css } from 'lit';

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
  input,
  select {
    font: inherit;
    color: var(--wp-text);
    background: var(--wp-bg);
    border: 1px solid var(--wp-border);
    border-radius: var(--wp-radius);
    padding: 0.35em 0.5em;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9em;
  }
  th,
  td {
    text-align: left;
    padding: 0.35em 0.5em;
    border-bottom: 1px solid var(--wp-border);
    vertical-align: top;
  }
`;
