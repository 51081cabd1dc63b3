/** Entry point of the Watchpost console. hls.js is not imported here: it loads when a tile plays. */
import './wp-app';
