import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Current time, updated on every wall-clock second. All clocks share one timer aligned to the
 * second boundary, so the 16 tiles of a wall tick together.
 */
const subscribers = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;

function tick(): void {
  for (const fn of subscribers) fn();
  schedule();
}

function schedule(): void {
  clearTimeout(timer);
  timer = subscribers.size ? setTimeout(tick, 1000 - (Date.now() % 1000) + 5) : undefined;
}

export class ClockController implements ReactiveController {
  now = Date.now();
  private readonly onTick = () => {
    this.now = Date.now();
    this.host.requestUpdate();
  };

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.now = Date.now();
    subscribers.add(this.onTick);
    if (subscribers.size === 1) schedule();
  }

  hostDisconnected(): void {
    subscribers.delete(this.onTick);
    if (!subscribers.size) schedule();
  }
}
