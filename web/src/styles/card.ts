import { css } from 'lit';
import { fieldLabelStyles } from './form';
import { sharedStyles } from './shared';
import { surfaceBox } from './surface';

/**
 * A component whose host is a card (camera form, ONVIF discovery and onboarding, a guard's dispatch): surface,
 * border, rounded corners, padding. Put it after sharedStyles and before the component's own styles, which may
 * change the border or the padding.
 */
export const cardStyles = css`
  :host {
    display: block;
  }
  ${surfaceBox(':host', '1.2em')}
`;

/**
 * Cards inside a page (the compliance page's panels, the handover's sections, the rounds list): the same surface,
 * border and corners as a card host, a little less padding. `.card` on any element, and a page's `section`.
 */
export const innerCardStyles = css`
  ${surfaceBox('.card, section', '0.8em 1em')}
`;

/** A form in a card (camera form, ONVIF onboarding, discovery's manual address): label above field, wide rows, buttons at the end. */
export const cardFormStyles = css`
  ${fieldLabelStyles}
  .actions {
    display: flex;
    gap: 0.6em;
    justify-content: flex-end;
  }
`;

/** The whole style stack of a card that holds a form (camera form, ONVIF discovery and onboarding), in cascade order; the component adds its own after it. */
export const cardFormHostStyles = [sharedStyles, cardStyles, cardFormStyles];
