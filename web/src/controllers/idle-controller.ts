import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Pointer activity on the page: `active` is true while the pointer moved in the last `idleMs`, so a kiosk wall
 * shows its controls only while someone is using it. `onGesture` runs on every pointer press or key (browsers
 * grant fullscreen only inside such a gesture).
 */
export class IdleController implements ReactiveController {
  active = true;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly idleMs: number,
    private readonly onGesture: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('pointermove', this.onActivity, { passive: true });
    window.addEventListener('pointerdown', this.gesture);
    window.addEventListener('keydown', this.gesture);
    this.onActivity();
  }

  hostDisconnected(): void {
    window.removeEventListener('pointermove', this.onActivity);
    window.removeEventListener('pointerdown', this.gesture);
    window.removeEventListener('keydown', this.gesture);
    clearTimeout(this.timer);
  }

  private readonly gesture = () => this.onGesture();

  private readonly onActivity = () => {
    if (!this.active) {
      this.active = true;
      this.host.requestUpdate();
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.active = false;
      this.host.requestUpdate();
    }, this.idleMs);
  };
}
