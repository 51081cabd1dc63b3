import { css } from 'lit';

/**
 * The PTZ sections of the single-camera view (wp-ptz-pad, wp-ptz-presets): a block host, the section heading and the
 * error line under the controls. Put it after sharedStyles and before the component's own styles.
 */
export const ptzSectionStyles = css`
  :host {
    display: block;
  }
  h2 {
    margin: 1.2em 0 0.6em;
    font-size: 1em;
    color: var(--wp-text-muted);
  }
  .error {
    margin-top: 0.5em;
    font-size: 0.9em;
  }
`;
