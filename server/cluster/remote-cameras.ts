/**
 * Other nodes' cameras in this node's camera list and event stream (issue J, docs/cluster.md "Cameras of other
 * nodes"): what they publish on the shared MQTT broker (NodeTable), as CameraViews with `node` and origin 'remote'.
 * Only with cluster.secret (else their video could not play through this node), only for users who may see every
 * camera (the proxy's rule), never an id this node holds itself (its own camera wins; logged once per id).
 *
 * Changes reach the console through the bus ('camera.remote'): a 1 s watch compares what the list would say now
 * with what it said before, so a new state on the broker and a node's heartbeats running out (offline `recorder
 * down` after 3 missed heartbeats) both come out within a second, without waiting for a request.
 */
import { remoteCameraView, type CameraView } from '../../shared/wire/cameras.ts';
import type { NodeCameraView } from '../../shared/wire/nodes.ts';
import type { EventBus } from '../events/bus.ts';
import { createLogger } from '../util/log.ts';

const log = createLogger('cluster');

export interface RemoteCamerasDeps {
  /** every camera the other nodes published (Nodes.allRemoteCameras) */
  published(): { node: string; camera: NodeCameraView }[];
  /** this node holds a camera of that id */
  isLocal(id: string): boolean;
  bus: EventBus;
  /** how often the watch looks (ms) */
  watchMs?: number;
}

export class RemoteCameras {
  private readonly clashLogged = new Set<string>();
  private last = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly d: RemoteCamerasDeps) {}

  /** Other nodes' cameras by the order they were heard; local ids left out. */
  list(): CameraView[] {
    const out: CameraView[] = [];
    for (const { node, camera } of this.d.published()) {
      if (this.d.isLocal(camera.id)) {
        if (!this.clashLogged.has(camera.id)) {
          this.clashLogged.add(camera.id);
          log.warn('another node publishes a camera id this node holds: this node\'s camera is listed', { camera: camera.id, node });
        }
        continue;
      }
      out.push(remoteCameraView(node, camera));
    }
    return out;
  }

  get(id: string): CameraView | undefined {
    return this.list().find((c) => c.id === id);
  }

  /** One look: a 'camera.remote' event for each camera whose view changed, appeared or went away. */
  check(): void {
    const now = new Map(this.list().map((c) => [c.id, JSON.stringify(c)]));
    for (const [id, v] of now) if (this.last.get(id) !== v) this.d.bus.emit('camera.remote', { cameraId: id });
    for (const id of this.last.keys()) if (!now.has(id) && !this.d.isLocal(id)) this.d.bus.emit('camera.remote', { cameraId: id, removed: true });
    this.last = now;
  }

  start(): void {
    this.last = new Map(this.list().map((c) => [c.id, JSON.stringify(c)]));
    this.timer = setInterval(() => this.check(), this.d.watchMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
