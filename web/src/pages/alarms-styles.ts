import { css } from 'lit';
import { fieldBox } from '../styles/form';

/** Layout of the alarm queue (wp-alarms-page). */
export const alarmsStyles = css`
  :host {
    display: block;
    overflow: auto;
    padding: 1em 1.4em;
  }
  header {
    display: flex;
    align-items: center;
    gap: 1em;
    flex-wrap: wrap;
  }
  h1 {
    font-size: 1.4em;
    margin: 0;
  }
  .banner {
    padding: 0.4em 0.8em;
    border-radius: var(--wp-radius);
    background: var(--wp-surface-2);
  }
  .banner.off {
    color: var(--wp-starting);
  }
  ul {
    list-style: none;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 0.7em;
  }
  li {
    display: grid;
    grid-template-columns: 12em 1fr;
    gap: 1em;
    background: var(--wp-surface);
    border: 1px solid var(--wp-border);
    border-left: 6px solid var(--wp-offline, #e53935);
    border-radius: var(--wp-radius);
    padding: 0.7em;
  }
  li[data-status='acknowledged'],
  li[data-status='dispatched'] {
    border-left-color: var(--wp-starting);
  }
  li[data-status='resolved'] {
    border-left-color: var(--wp-online);
    opacity: 0.8;
  }
  img {
    width: 100%;
    border-radius: 3px;
    background: #000;
  }
  .head {
    display: flex;
    gap: 0.8em;
    align-items: baseline;
    flex-wrap: wrap;
  }
  .kind {
    font-weight: 700;
  }
  .state {
    padding: 0.1em 0.5em;
    border-radius: 3px;
    background: var(--wp-surface-2);
    font-size: 0.9em;
  }
  .muted {
    color: var(--wp-text-muted);
  }
  .steps {
    margin: 0.3em 0;
    font-size: 0.92em;
  }
  .row {
    display: flex;
    gap: 0.4em;
    flex-wrap: wrap;
    margin-top: 0.4em;
  }
  ${fieldBox('input', '0.3em 0.5em', 'var(--wp-surface-2)')}
  .err {
    color: var(--wp-offline, #e53935);
  }
  li[data-priority='1'] .prio {
    background: var(--wp-offline, #e53935);
    color: #fff;
  }
  .prio {
    padding: 0.1em 0.5em;
    border-radius: 3px;
    background: var(--wp-surface-2);
    font-size: 0.85em;
  }
  .pick {
    display: flex;
    align-items: center;
    gap: 0.3em;
  }
  .pick input {
    width: 1.2em;
    height: 1.2em;
  }
  .bulk {
    display: flex;
    align-items: center;
    gap: 0.6em;
    flex-wrap: wrap;
    margin-top: 0.8em;
  }
  ${fieldBox('select', '0.3em 0.5em', 'var(--wp-surface-2)')}
`;
