/**
 * PTZ on the single-camera view (issue K): the presets of the camera (data/onvif.ts), a goto, and the press-and-hold
 * of the arrow pad and of the arrow keys on the focused picture (PtzHold: repeats while held, Stop on release).
 * Any way the page loses the user — the window's focus, the tab hidden, the page gone, another camera — stops the
 * dome; the server's dead-man timeout covers a lost link.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { keysVelocity, PTZ_KEYS } from '../components/wp-ptz-pad';
import { gotoPreset, listPresets, onvifError, PtzHold, ptzError, type Preset, type PtzVelocity } from '../data/onvif';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';

export class CameraPtzController implements ReactiveController {
  /** the PTZ camera shown ('' = none) and its presets (null while loading) */
  cameraId = '';
  presets: Preset[] | null = null;
  presetBusy = false;
  presetMessage: string | null = null;
  presetError: string | null = null;
  padError = '';
  /** the pad button held now ('' = none) */
  padActive = '';
  speed = 0.6;
  private hold: PtzHold | null = null;
  private readonly keys = new Set<string>();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('blur', this.release);
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
  }

  hostDisconnected(): void {
    window.removeEventListener('blur', this.release);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    this.release();
  }

  /** The page shows this camera ('' when it has no PTZ): call from willUpdate. */
  show(ptzCameraId: string): void {
    if (ptzCameraId === this.cameraId) return;
    this.release();
    this.cameraId = ptzCameraId;
    this.hold = ptzCameraId ? new PtzHold(ptzCameraId, (err) => this.failed(err)) : null;
    this.padError = '';
    this.presets = null;
    this.presetMessage = this.presetError = null;
    if (ptzCameraId) void this.loadPresets(ptzCameraId);
  }

  private async loadPresets(cameraId: string): Promise<void> {
    try {
      const list = await listPresets(cameraId);
      if (this.cameraId === cameraId) this.presets = list;
    } catch (err) {
      if (this.cameraId !== cameraId) return;
      this.presets = [];
      this.presetError = onvifError(err) ?? errorMessage(err);
    }
    this.host.requestUpdate();
  }

  async goto(token: string, name: string): Promise<void> {
    const cameraId = this.cameraId;
    this.release();
    this.presetBusy = true;
    this.presetMessage = this.presetError = null;
    this.host.requestUpdate();
    try {
      await gotoPreset(cameraId, token);
      this.presetMessage = t('ptz.moved', { name });
    } catch (err) {
      this.presetError = ptzError(err);
    } finally {
      this.presetBusy = false;
      this.host.requestUpdate();
    }
  }

  private failed(err: unknown): void {
    this.padActive = '';
    this.keys.clear();
    this.padError = ptzError(err);
    this.host.requestUpdate();
  }

  /** A pad button (or keys) held: move at this velocity until release(). */
  move(v: PtzVelocity, button = ''): void {
    this.padError = '';
    this.padActive = button;
    this.hold?.hold({ pan: v.pan, tilt: v.tilt, zoom: v.zoom });
    this.host.requestUpdate();
  }

  readonly release = (): void => {
    this.keys.clear();
    if (this.padActive) {
      this.padActive = '';
      this.host.requestUpdate();
    }
    this.hold?.release();
  };

  setSpeed(speed: number): void {
    this.speed = speed;
    this.host.requestUpdate();
  }

  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.release();
  };

  private readonly onPageHide = (): void => {
    this.keys.clear();
    this.hold?.releaseOnUnload();
  };

  /** Arrow keys, + / − and Page Up / Down on the focused picture move the camera while held. */
  key(e: KeyboardEvent, down: boolean): void {
    if (!this.hold || !PTZ_KEYS.has(e.key) || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    if (down && e.repeat) return;
    if (down) this.keys.add(e.key);
    else this.keys.delete(e.key);
    const v = keysVelocity(this.keys, this.speed);
    if (v) this.move(v);
    else this.release();
  }
}
