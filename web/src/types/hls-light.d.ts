// hls.js ships its light build (no subtitles / alt audio / DRM) without a typings entry of its own.
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
