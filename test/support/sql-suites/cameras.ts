/** CameraRepo (server/store/cameras.ts) and OnvifRepo (server/onvif/repo.ts) on one engine. */
import { expect, test } from 'vitest';
import { OnvifRepo, type OnvifRecord } from '../../../server/onvif/repo.ts';
import { CameraRepo } from '../../../server/store/cameras.ts';
import { SecretBox } from '../../../server/store/secret-box.ts';
import type { TestEngine } from '../sql-engines.ts';

export function cameraSuite(e: TestEngine): void {
  test('cameras: passwords sealed and given back, upsert keeps created order, delete; Unicode names', async () => {
    const s = await e.open();
    const repo = new CameraRepo(s, SecretBox.ephemeral());
    await repo.save({ id: 'gate', name: '东门 🚨 بوابة', enabled: true, origin: 'db', source: { url: 'rtsp://127.0.0.1/s', username: 'admin', password: 'hunter2 密码' } });
    await new Promise((r) => setTimeout(r, 5));
    await repo.save({ id: 'bank', name: 'Bank', enabled: false, origin: 'db', source: { url: 'rtsp://127.0.0.1/b', subUrl: 'rtsp://127.0.0.1/b2' }, retentionDays: 7 });
    const raw = await s.db.selectFrom('cameras').select('password_enc').where('id', '=', 'gate').executeTakeFirstOrThrow();
    expect(raw.password_enc).not.toContain('hunter2');
    expect((await repo.get('gate'))?.source).toMatchObject({ username: 'admin', password: 'hunter2 密码' });
    expect(await repo.get('bank')).toEqual({ id: 'bank', name: 'Bank', enabled: false, origin: 'db', source: { url: 'rtsp://127.0.0.1/b', subUrl: 'rtsp://127.0.0.1/b2', username: undefined, password: undefined }, retentionDays: 7 });
    // an update is an upsert: the order (by creation) stays, the password goes when it is cleared
    await repo.save({ id: 'gate', name: 'Gate 2', enabled: false, origin: 'db', source: { url: 'rtsp://127.0.0.1/s' } });
    expect((await repo.list()).map((c) => [c.id, c.name, c.source.password])).toEqual([['gate', 'Gate 2', undefined], ['bank', 'Bank', undefined]]);
    expect(await repo.delete('gate')).toBe(true);
    expect(await repo.delete('gate')).toBe(false);
    expect((await repo.list()).map((c) => c.id)).toEqual(['bank']);
  });

  test('ONVIF facts: saved, updated, read; a camera update keeps them, its delete takes them; none without a camera', async () => {
    const s = await e.open();
    const cams = new CameraRepo(s, SecretBox.ephemeral());
    const repo = new OnvifRepo(s);
    await cams.save({ id: 'gate', name: 'Gate', enabled: true, origin: 'db', source: { url: 'rtsp://127.0.0.1/main', username: 'u', password: 'p' } });
    const rec: OnvifRecord = {
      cameraId: 'gate',
      xaddr: 'http://127.0.0.1:8000/onvif/device_service',
      urn: 'urn:uuid:1',
      manufacturer: 'ACME',
      model: 'X1',
      firmware: '1.0',
      serial: 's',
      hardwareId: 'h',
      mediaXaddr: 'http://127.0.0.1:8000/onvif/media_service',
      ptzXaddr: null,
      mainToken: 'main',
      subToken: 'sub',
      snapshotUri: 'http://127.0.0.1:8000/snap.jpg',
      capabilities: { ptz: false, snapshot: true, events: false, imaging: false },
      clockOffsetMs: -7400,
      clockCheckedAt: 1,
    };
    await repo.save(rec);
    await repo.save({ ...rec, clockOffsetMs: 200 });
    expect(await repo.get('gate')).toEqual({ ...rec, clockOffsetMs: 200 });
    await cams.save({ id: 'gate', name: 'Gate 2', enabled: false, origin: 'db', source: { url: 'rtsp://127.0.0.1/main' } });
    expect(await repo.list()).toHaveLength(1);
    await cams.delete('gate');
    expect(await repo.get('gate')).toBeUndefined();
    await expect(repo.save({ ...rec, cameraId: 'nope' })).rejects.toThrow(/FOREIGN KEY|foreign key/);
    expect(await repo.list()).toEqual([]);
  });

  if (e.name === 'PostgreSQL') {
    test('PostgreSQL: a NUL in a camera name is refused by the database and nothing is written', async () => {
      const s = await e.open();
      const repo = new CameraRepo(s, SecretBox.ephemeral());
      await expect(repo.save({ id: 'x', name: 'nul \u0000', enabled: true, origin: 'db', source: { url: 'rtsp://127.0.0.1/x' } })).rejects.toThrow(/0x00/);
      expect(await repo.list()).toEqual([]);
    });
  }
}
