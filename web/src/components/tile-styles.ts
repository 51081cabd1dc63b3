import { css } from 'lit';

/** Styles of <wp-camera-tile> (kept apart to keep the component file short). */
export const tileStyles = css`
  :host {
    display: block;
    position: relative;
    container-type: size;
    background: #000;
    border: 2px solid var(--wp-border);
    border-radius: 4px;
    overflow: hidden;
    cursor: pointer;
    min-width: 0;
    min-height: 0;
  }
  :host([large]) {
    cursor: default;
  }
  :host(:focus-visible) {
    outline: 3px solid var(--wp-accent);
    outline-offset: -3px;
  }
  :host([data-status='offline']) {
    border-color: var(--wp-offline);
  }
  :host([alarm]) {
    border: 4px solid var(--wp-offline, #e53935);
    box-shadow: 0 0 12px var(--wp-offline, #e53935);
  }
  :host([data-status='starting']) {
    border-color: color-mix(in srgb, var(--wp-starting) 60%, transparent);
  }
  wp-hls-video,
  wp-zoom-view {
    position: absolute;
    inset: 0;
  }
  .bar {
    position: absolute;
    left: 0;
    right: 0;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    padding: 0.35em 0.55em;
    font-size: clamp(11px, 3.4cqw, 26px);
    pointer-events: none;
    text-shadow: 0 1px 2px #000;
  }
  .top {
    top: 0;
    background: linear-gradient(rgb(0 0 0 / 0.75), transparent);
  }
  .bottom {
    bottom: 0;
    justify-content: flex-end;
    background: linear-gradient(transparent, rgb(0 0 0 / 0.7));
  }
  .name {
    font-weight: 700;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .overlay {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 0.3em;
    text-align: center;
    padding: 12% 6% 10%;
    font-size: clamp(12px, 4cqw, 34px);
    pointer-events: none;
  }
  .overlay.offline {
    background: repeating-linear-gradient(135deg, #2a0b0b 0 14px, #1e0707 14px 28px);
    color: #fff;
  }
  .overlay.offline .big {
    font-size: 1.7em;
    font-weight: 800;
    color: var(--wp-offline);
    text-shadow: 0 0 8px rgb(0 0 0);
  }
  .overlay.offline .reason {
    font-size: 1.15em;
    font-weight: 700;
  }
  .overlay .detail {
    font-size: 0.6em;
    color: var(--wp-text-muted);
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
  }
  .overlay.disabled {
    background: #111419;
    color: var(--wp-disabled);
  }
  .overlay.soft {
    color: var(--wp-starting);
    background: rgb(0 0 0 / 0.35);
    font-size: clamp(11px, 3.2cqw, 26px);
  }
  .overlay.empty {
    color: #3a4352;
    cursor: default;
  }
  .overlay.lost {
    background: rgb(40 44 52 / 0.82);
    color: #c9ced6;
    font-weight: 700;
  }
  :host([data-liveness='lost']) {
    border-color: #6b7280;
    filter: grayscale(1);
  }
  :host([data-liveness='late']) {
    border-color: var(--wp-starting);
  }
  .video-time {
    font-family: var(--wp-mono);
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .video-time.late {
    color: var(--wp-starting);
  }
  /* kiosk: what a click does, while the pointer is on the tile */
  .click-hint {
    position: absolute;
    left: 50%;
    bottom: 0.4em;
    transform: translateX(-50%);
    padding: 0.2em 0.8em;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.75);
    border: 1px solid rgb(255 255 255 / 0.35);
    color: #fff;
    font-size: clamp(11px, 3cqw, 22px);
    white-space: nowrap;
    pointer-events: none;
    z-index: 1;
    opacity: 0;
    transition: opacity 0.2s;
  }
  :host(:hover) .click-hint,
  :host(:focus-visible) .click-hint {
    opacity: 1;
  }
`;
