import { css } from 'lit';

/** A player's <video> filling its box, letterboxed on black (live tiles' wp-hls-video, recorded footage). */
export const fittedVideoStyles = css`
  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: contain;
    background: #000;
  }
`;
