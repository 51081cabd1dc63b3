import { css } from 'lit';
import { surfaceBox } from './surface';

/**
 * A modal <dialog> (confirm, evidence export and lock): the card surface with 1.4em padding, the page's text
 * colour, a dark backdrop. The component sets the width (a confirmation is narrow, a form wide).
 */
export const modalDialogStyles = css`
  ${surfaceBox('dialog', '1.4em')}
  dialog {
    color: var(--wp-text);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.6);
  }
`;
