import { describe, expect, it } from 'vitest';
import { openDb } from '../../server/store/db.ts';
import { CameraRepo } from '../../server/store/cameras.ts';
import { SecretBox } from '../../server/store/secret-box.ts';
import { OnvifRepo, type OnvifRecord } from '../../server/onvif/repo.ts';

describe('camera_onvif store', () => {
  it('saves, updates and reads ONVIF facts; the row goes when its camera is deleted', () => {
    const db = openDb(':memory:');
    const cams = new CameraRepo(db, SecretBox.ephemeral());
    const repo = new OnvifRepo(db);
    cams.save({ id: 'gate', name: 'Gate', enabled: true, origin: 'db', source: { url: 'rtsp://127.0.0.1/main', username: 'u', password: 'p' } });
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
    repo.save(rec);
    repo.save({ ...rec, clockOffsetMs: 200 });
    expect(repo.get('gate')).toEqual({ ...rec, clockOffsetMs: 200 });
    // a plain camera update (upsert) keeps the row
    cams.save({ id: 'gate', name: 'Gate 2', enabled: false, origin: 'db', source: { url: 'rtsp://127.0.0.1/main' } });
    expect(repo.list()).toHaveLength(1);
    cams.delete('gate');
    expect(repo.get('gate')).toBeUndefined();
    expect(() => repo.save({ ...rec, cameraId: 'nope' })).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
