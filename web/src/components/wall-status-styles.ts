import { css } from 'lit';

/** The pills of the wall's status line (tour indicator, patrol banner): `.warn` amber, `.alert` red. */
export const wallStatusStyles = css`
  :host {
    display: contents;
  }
  .pill {
    padding: 0.2em 0.8em;
    border-radius: 999px;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    background: rgb(255 255 255 / 0.12);
    color: var(--wp-text);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    min-width: 0;
    margin: 3px 0;
  }
  .pill.warn {
    background: var(--wp-starting);
    color: #111;
  }
  .pill.alert {
    background: var(--wp-offline);
    color: #fff;
  }
`;
