/** Full screen for the wall (browsers only grant it inside a user gesture: call these from a click or key). */
export function enterFullscreen(): void {
  if (!document.fullscreenElement) void document.documentElement.requestFullscreen?.().catch(() => {});
}

export function exitFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
}

export function toggleFullscreen(): void {
  if (document.fullscreenElement) exitFullscreen();
  else enterFullscreen();
}
