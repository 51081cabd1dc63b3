import { css } from 'lit';
import { fieldBox } from './form';

/** Buttons, inputs and focus rings shared by components (theme variables live in index.html). */
export const sharedStyles = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  .button {
    font: inherit;
    color: var(--wp-text);
    background: var(--wp-surface-2);
    border: 1px solid var(--wp-border);
    border-radius: var(--wp-radius);
    padding: 0.4em 0.9em;
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    line-height: 1.3;
  }
  button:hover:not(:disabled),
  .button:hover {
    border-color: var(--wp-accent);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.primary {
    background: var(--wp-accent);
    border-color: var(--wp-accent);
    color: #06121f;
    font-weight: 600;
  }
  button.danger {
    color: var(--wp-danger);
    border-color: color-mix(in srgb, var(--wp-danger) 50%, transparent);
  }
  button[aria-pressed='true'] {
    background: var(--wp-accent);
    border-color: var(--wp-accent);
    color: #06121f;
    font-weight: 600;
  }
  ${fieldBox("input[type='text'], input[type='password'], input[type='url']", '0.5em 0.7em')}
  input[type='text'],
  input[type='password'],
  input[type='url'] {
    width: 100%;
  }
  input:focus-visible,
  button:focus-visible,
  a:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--wp-accent);
    outline-offset: 2px;
  }
  a {
    color: var(--wp-accent);
  }
  .error {
    color: #ffd2d2;
    background: color-mix(in srgb, var(--wp-offline) 22%, transparent);
    border: 1px solid var(--wp-offline);
    border-radius: var(--wp-radius);
    padding: 0.5em 0.8em;
  }
  .muted {
    color: var(--wp-text-muted);
  }
`;
