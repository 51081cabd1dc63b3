import { css } from 'lit';
import { fieldBox } from '../styles/form';

/** Layout of the review page (wp-review-page). */
export const reviewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 0.6em;
    height: 100%;
    min-height: 0;
    padding: 0.8em 1em;
    overflow: auto;
  }
  header,
  .controls,
  .zoom {
    display: flex;
    align-items: center;
    gap: 0.6em;
    flex-wrap: wrap;
  }
  .inline {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    color: var(--wp-text-muted);
  }
  ${fieldBox("select, input[type='datetime-local']", '0.35em 0.5em')}
  .players {
    flex: 1;
    min-height: 14em;
    display: grid;
    gap: 0.5em;
    grid-template-columns: 1fr;
  }
  .players.n2 {
    grid-template-columns: 1fr 1fr;
  }
  .players.n3,
  .players.n4 {
    grid-template-columns: 1fr 1fr;
    grid-template-rows: 1fr 1fr;
  }
  figure {
    margin: 0;
    display: grid;
    grid-template-rows: minmax(0, 1fr) auto;
    min-height: 0;
  }
  wp-recorded-player {
    min-height: 0;
  }
  figcaption {
    font-size: 0.85em;
    color: var(--wp-text-muted);
    padding: 0.2em 0;
  }
  .clock {
    font-family: var(--wp-mono);
    font-size: 1.1em;
    color: var(--wp-text);
  }
  .spacer {
    flex: 1;
  }
  button.small {
    padding: 0.1em 0.5em;
    font-size: 0.85em;
  }
  .sel {
    color: var(--wp-accent);
  }
  .note {
    margin: 0;
    color: var(--wp-text-muted);
  }
  .locks {
    list-style: none;
    margin: 0;
    padding: 0;
    font-size: 0.9em;
    display: grid;
    gap: 0.3em;
  }
  .locks li {
    display: flex;
    align-items: center;
    gap: 0.5em;
  }
  .lock-dot {
    width: 0.7em;
    height: 0.7em;
    border-radius: 2px;
    background: #f5b400;
  }
  .empty {
    padding: 2em;
  }
`;
