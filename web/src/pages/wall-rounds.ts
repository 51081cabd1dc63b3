/**
 * The patrol rounds the wall's banner shows: `GET /api/patrol/due` (data/patrol.ts) now and every 30 s while
 * the wall is open, and right after a slot starts or its grace ends (so "next" turns into "due" on time). A role the server refuses it to (403) gets no banner and no more asks; a wall-display account may read it (server/http/auth.ts).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from '../data/api';
import { fetchDue, serverNow, type DueItem } from '../data/patrol';

const POLL_MS = 30_000;

export class DueRoundsController implements ReactiveController {
  items: DueItem[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private connected = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    void this.poll();
  }

  hostDisconnected(): void {
    this.connected = false;
    clearTimeout(this.timer);
  }

  /** 30 s, or sooner when a slot starts or a grace ends before that (plus a second for the server's clock). */
  private nextPollMs(): number {
    const now = serverNow();
    const soon = this.items.flatMap((i) => [i.nextSlotMs, i.dueBy]).filter((t): t is number => t !== null && t > now);
    return Math.max(1000, Math.min(POLL_MS, ...soon.map((t) => t - now + 1000)));
  }

  private async poll(): Promise<void> {
    clearTimeout(this.timer);
    try {
      this.items = await fetchDue();
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        this.items = [];
        this.host.requestUpdate();
        return;
      }
      // network trouble: keep the last answer, ask again later
    }
    this.host.requestUpdate();
    if (this.connected) this.timer = setTimeout(() => void this.poll(), this.nextPollMs());
  }
}
