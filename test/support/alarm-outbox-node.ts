/**
 * A node process for test/integration/alarm-outbox-kill.test.ts: the server's alarm service and MQTT publisher
 * (its broker unreachable, so every event stays in the outbox) on one SQLite file, raising and acknowledging
 * alarms in a tight loop until it is killed. Prints "ready", then "at N" after each N-th alarm.
 * `--after-commit 1`: the publisher is not given the alarm service (events written to the outbox after the commit,
 * the way before this port), to show what the test catches.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlarmService } from '../../server/alarms/service.ts';
import { EventBus } from '../../server/events/bus.ts';
import { MqttOutbox } from '../../server/mqtt/outbox.ts';
import { MqttPublisher } from '../../server/mqtt/publisher.ts';
import { openDb } from '../../server/store/db.ts';
import { openSql } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const file = arg('file')!;
const sql = openSql({ engine: 'sqlite', file }, { sqlite: openDb(file) });
await migrateSql(sql);
const bus = new EventBus();
const alarms = await AlarmService.open({ sql, bus, dataDir: mkdtempSync(join(tmpdir(), 'wp-kill-')) });
const pub = new MqttPublisher({
  url: 'mqtt://127.0.0.1:1', // nothing listens: the broker is "away"
  nodeId: 'rec-k',
  role: 'standalone',
  version: 'test',
  snapshots: false,
  discovery: false,
  discoveryPrefix: 'homeassistant',
  reconnectMs: 60_000,
  bus,
  sources: { cameras: () => [], camera: () => undefined, zones: () => [], holdingAlarms: () => [], latestSnapshot: () => undefined, alarmSnapshot: () => undefined },
  outbox: new MqttOutbox(sql),
  alarms: arg('after-commit') === '1' ? undefined : alarms,
});
pub.start();
process.stdout.write('ready\n');
for (let i = 1; ; i++) {
  const a = await alarms.raise({ cameraId: `cam-${i}`, zone: 'gate', kind: 'loitering', sinceMs: i * 1000, startMs: i * 1000 + 500, score: 0.7, trackIds: [i] });
  await alarms.acknowledge(a.id, 'op');
  process.stdout.write(`at ${i}\n`);
}
