import { css } from 'lit';

/** Styles of <wp-wall-page> (kept apart to keep the page file short). */
export const wallStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
    background: #000;
  }
  :host([kiosk]) {
    position: fixed;
    inset: 0;
    z-index: 10;
  }
  :host([kiosk][idle]) {
    cursor: none;
  }
  .area {
    flex: 1;
    min-height: 0;
    display: grid;
    place-items: center;
    container-type: size;
    padding: 4px;
  }
  :host([kiosk]) .area {
    padding: 0;
  }
  .grid {
    --g: 4px;
    --w: min(100cqw, (100cqh - (var(--n) - 1) * var(--g)) * 16 / 9 + (var(--n) - 1) * var(--g));
    width: var(--w);
    height: calc((var(--w) - (var(--n) - 1) * var(--g)) * 9 / 16 + (var(--n) - 1) * var(--g));
    display: grid;
    gap: var(--g);
    grid-template-columns: repeat(var(--n), minmax(0, 1fr));
    grid-template-rows: repeat(var(--n), minmax(0, 1fr));
  }
  :host([kiosk]) .grid {
    --g: 2px;
  }
  /* 6 and 8: the first tile spans big×big cells; the others fill the cells around it */
  .grid > .big {
    grid-column: span var(--big);
    grid-row: span var(--big);
  }
  .empty {
    flex: 1;
    display: grid;
    place-items: center;
    color: var(--wp-text-muted);
    font-size: 1.4em;
  }
  .kiosk-controls {
    position: absolute;
    top: 0;
    left: 0;
    right: 0;
    z-index: 2;
    opacity: 0;
    pointer-events: none;
    /* read by the toolbar's controls: only a shown bar takes clicks, and only on its controls (wp-wall-toolbar) */
    --wp-kiosk-controls-pe: none;
    transition: opacity 0.3s;
  }
  .kiosk-controls wp-wall-toolbar {
    --wp-wall-toolbar-bg: rgb(20 26 35 / 0.92);
  }
  .kiosk-controls.show {
    opacity: 1;
    --wp-kiosk-controls-pe: auto;
  }
  .kiosk-conn {
    position: absolute;
    left: 8px;
    bottom: 8px;
    z-index: 3;
    padding: 3px 6px;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.55);
    opacity: 0.6;
  }
  .kiosk-conn.show,
  .kiosk-conn[state='reconnecting'] {
    opacity: 1;
  }
  /* the status line under the grid: tour indicator, patrol banner (nothing when both are empty) */
  .status {
    display: flex;
    justify-content: center;
    gap: 0.6em;
    padding: 0 4px;
    min-width: 0;
  }
`;
