/**
 * Versioned schema migrations. Each entry moves the database from version i to i+1
 * (PRAGMA user_version). Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: cameras, users, sessions, recording segments
  `
  CREATE TABLE cameras (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    url TEXT NOT NULL,
    sub_url TEXT,
    username TEXT,
    password_enc TEXT,
    retention_days INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator','supervisor','investigator','admin')),
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ip TEXT,
    user_agent TEXT
  );
  CREATE INDEX sessions_expiry ON sessions(expires_at);
  CREATE TABLE segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    codec TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX segments_camera_time ON segments(camera_id, start_ms);
  `,
  // 2 (issue D): patrol routes, rounds and stops, spot-checks, handovers, the hash-chained duty log
  `
  CREATE TABLE patrol_routes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    post TEXT NOT NULL DEFAULT '',
    interval_min INTEGER NOT NULL,
    active_from TEXT NOT NULL,
    active_to TEXT NOT NULL,
    grace_min INTEGER NOT NULL,
    stops_json TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  CREATE TABLE patrol_rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    route_id INTEGER NOT NULL REFERENCES patrol_routes(id),
    route_name TEXT NOT NULL,
    slot_ms INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    username TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_progress','completed','abandoned')),
    started_ms INTEGER NOT NULL,
    ended_ms INTEGER,
    abandon_reason TEXT,
    log_seq INTEGER,
    UNIQUE (route_id, slot_ms)
  );
  CREATE INDEX patrol_rounds_user ON patrol_rounds(user_id, status);
  CREATE TABLE patrol_stops (
    round_id INTEGER NOT NULL REFERENCES patrol_rounds(id),
    idx INTEGER NOT NULL,
    camera_id TEXT NOT NULL,
    camera_name TEXT NOT NULL,
    preset TEXT,
    min_dwell_s INTEGER NOT NULL,
    checklist_json TEXT NOT NULL,
    alarm_flag INTEGER NOT NULL DEFAULT 0,
    view_started_ms INTEGER,
    view_ended_ms INTEGER,
    outcome TEXT CHECK (outcome IN ('normal','anomaly','not_verifiable','skipped')),
    note TEXT,
    checks_json TEXT,
    snapshot TEXT,
    rec_from_ms INTEGER,
    rec_to_ms INTEGER,
    user_id INTEGER,
    dispatch INTEGER NOT NULL DEFAULT 0,
    log_seq INTEGER,
    PRIMARY KEY (round_id, idx)
  );
  CREATE TABLE patrol_spot_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id INTEGER NOT NULL REFERENCES patrol_rounds(id),
    idx INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    username TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('agree','disagree')),
    note TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    log_seq INTEGER
  );
  CREATE TABLE patrol_missed (
    route_id INTEGER NOT NULL,
    slot_ms INTEGER NOT NULL,
    log_seq INTEGER,
    PRIMARY KEY (route_id, slot_ms)
  );
  CREATE TABLE handovers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_ms INTEGER NOT NULL,
    from_user_id INTEGER NOT NULL,
    from_username TEXT NOT NULL,
    notes TEXT NOT NULL,
    open_items_json TEXT NOT NULL,
    log_seq INTEGER NOT NULL,
    ack_user_id INTEGER,
    ack_username TEXT,
    ack_ms INTEGER,
    ack_log_seq INTEGER
  );
  CREATE TABLE duty_log (
    seq INTEGER PRIMARY KEY,
    ts_ms INTEGER NOT NULL,
    camera_id TEXT,
    category TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    author_id INTEGER,
    author_name TEXT NOT NULL,
    ref_seq INTEGER,
    data_json TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
  );
  CREATE INDEX duty_log_time ON duty_log(ts_ms);
  CREATE TRIGGER duty_log_no_update BEFORE UPDATE ON duty_log
    BEGIN SELECT RAISE(ABORT, 'duty_log is append-only: entries cannot be changed'); END;
  CREATE TRIGGER duty_log_no_delete BEFORE DELETE ON duty_log
    BEGIN SELECT RAISE(ABORT, 'duty_log is append-only: entries cannot be deleted'); END;
  `,
  // (issue B): ONVIF facts of onboarded cameras; the row goes with its camera
  `
  CREATE TABLE camera_onvif (
    camera_id TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
    xaddr TEXT NOT NULL,
    urn TEXT,
    manufacturer TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    firmware TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT '',
    hardware_id TEXT NOT NULL DEFAULT '',
    media_xaddr TEXT,
    ptz_xaddr TEXT,
    main_token TEXT,
    sub_token TEXT,
    snapshot_uri TEXT,
    capabilities_json TEXT NOT NULL DEFAULT '{}',
    clock_offset_ms INTEGER,
    clock_checked_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX camera_onvif_urn ON camera_onvif(urn);
  `,
  // (issue E): audit trail (append-only, hash-chained), evidence locks, export jobs, recording gaps
  `
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor_id INTEGER,
    actor TEXT,
    role TEXT,
    ip TEXT,
    action TEXT NOT NULL,
    camera_id TEXT,
    target TEXT,
    footage_ms INTEGER,
    detail TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
  );
  CREATE INDEX audit_log_time ON audit_log(at_ms);
  CREATE INDEX audit_log_action ON audit_log(action, at_ms);
  CREATE INDEX audit_log_camera ON audit_log(camera_id, at_ms);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
  CREATE TABLE evidence_locks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    reason TEXT NOT NULL,
    case_ref TEXT,
    export_id TEXT,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    released_at INTEGER,
    released_by TEXT,
    release_reason TEXT,
    CHECK (end_ms > start_ms)
  );
  CREATE INDEX evidence_locks_camera ON evidence_locks(camera_id, start_ms);
  CREATE TABLE exports (
    id TEXT PRIMARY KEY,
    camera_ids TEXT NOT NULL,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER NOT NULL,
    case_ref TEXT,
    reason TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed')),
    progress REAL NOT NULL DEFAULT 0,
    file TEXT,
    bytes INTEGER,
    sha256 TEXT,
    error_code TEXT,
    error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX exports_created ON exports(created_at);
  CREATE TABLE recording_gaps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    reason TEXT NOT NULL,
    path TEXT,
    detected_at INTEGER NOT NULL
  );
  CREATE INDEX recording_gaps_camera ON recording_gaps(camera_id, start_ms);
  CREATE INDEX segments_start ON segments(start_ms);
  `,
  // alarms (issue C): per-camera detection zones; alarms raised by live analytics and their handling
  `
  CREATE TABLE camera_zones (
    camera_id TEXT PRIMARY KEY,
    zones TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT
  );
  CREATE TABLE alarms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    zone TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('loitering','blocked_exit')),
    status TEXT NOT NULL CHECK (status IN ('open','acknowledged','dispatched','resolved')),
    since_ms INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER,
    recording_ms INTEGER NOT NULL,
    score REAL NOT NULL,
    track_ids TEXT NOT NULL DEFAULT '[]',
    snapshot TEXT,
    ack_ms INTEGER,
    ack_by TEXT,
    ack_note TEXT,
    dispatch_ms INTEGER,
    dispatch_by TEXT,
    dispatch_to TEXT,
    dispatch_note TEXT,
    resolve_ms INTEGER,
    resolve_by TEXT,
    resolve_note TEXT
  );
  CREATE INDEX alarms_status ON alarms(status, start_ms);
  CREATE INDEX alarms_camera ON alarms(camera_id, start_ms);
  `,
  // review markers (issue E): duty-log entries and patrol stops of one camera by time
  `
  CREATE INDEX duty_log_camera ON duty_log(camera_id, ts_ms);
  CREATE INDEX patrol_stops_camera ON patrol_stops(camera_id, view_started_ms);
  `,
  // alarm handling (issue H, helper H-handling): kind camera_tamper (SQLite cannot alter a CHECK: rebuild);
  // outcome on resolve, per-zone priority (1 high, 2 normal, 3 low), episode occurrences, last_seen_ms
  // (last time the condition was confirmed; restart continuity), reopened_ms (last re-open of a resolved alarm)
  `
  CREATE TABLE alarms_h (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    zone TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('loitering','blocked_exit','camera_tamper')),
    status TEXT NOT NULL CHECK (status IN ('open','acknowledged','dispatched','resolved')),
    since_ms INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER,
    recording_ms INTEGER NOT NULL,
    score REAL NOT NULL,
    track_ids TEXT NOT NULL DEFAULT '[]',
    snapshot TEXT,
    ack_ms INTEGER,
    ack_by TEXT,
    ack_note TEXT,
    dispatch_ms INTEGER,
    dispatch_by TEXT,
    dispatch_to TEXT,
    dispatch_note TEXT,
    resolve_ms INTEGER,
    resolve_by TEXT,
    resolve_note TEXT,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('genuine','false_alarm','test')),
    outcome_note TEXT,
    priority INTEGER NOT NULL DEFAULT 2 CHECK (priority IN (1, 2, 3)),
    occurrences INTEGER NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
    last_seen_ms INTEGER,
    reopened_ms INTEGER
  );
  INSERT INTO alarms_h (id, camera_id, zone, kind, status, since_ms, start_ms, end_ms, recording_ms, score, track_ids,
    snapshot, ack_ms, ack_by, ack_note, dispatch_ms, dispatch_by, dispatch_to, dispatch_note, resolve_ms, resolve_by,
    resolve_note, priority, last_seen_ms)
  SELECT id, camera_id, zone, kind, status, since_ms, start_ms, end_ms, recording_ms, score, track_ids,
    snapshot, ack_ms, ack_by, ack_note, dispatch_ms, dispatch_by, dispatch_to, dispatch_note, resolve_ms, resolve_by,
    resolve_note, CASE kind WHEN 'blocked_exit' THEN 1 ELSE 2 END, COALESCE(end_ms, start_ms)
  FROM alarms;
  DROP TABLE alarms;
  ALTER TABLE alarms_h RENAME TO alarms;
  CREATE INDEX alarms_status ON alarms(status, start_ms);
  CREATE INDEX alarms_camera ON alarms(camera_id, start_ms);
  CREATE INDEX alarms_episode ON alarms(camera_id, zone, kind, start_ms);
  `,
  // integrity (issue F): signed checkpoints of the hash chains (duty log, audit trail, per-camera recordings);
  // recordings sealed when written (sha256 per segment, chained per camera); tombstones keep the seal of a
  // segment whose row was deleted (retention, reconcile) so the chain stays checkable and a deletion explains itself
  `
  CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    log TEXT NOT NULL,
    seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    count INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    key_fp TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    digest TEXT NOT NULL,
    sig TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
  );
  CREATE INDEX checkpoints_log ON checkpoints(log, seq);
  CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
  CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
  ALTER TABLE segments ADD COLUMN sha256 TEXT;
  ALTER TABLE segments ADD COLUMN seal_seq INTEGER;
  ALTER TABLE segments ADD COLUMN seal_hash TEXT;
  ALTER TABLE segments ADD COLUMN origin TEXT NOT NULL DEFAULT 'recorder';
  CREATE UNIQUE INDEX segments_seal ON segments(camera_id, seal_seq);
  CREATE INDEX segments_unsealed ON segments(start_ms) WHERE seal_seq IS NULL;
  CREATE TABLE segment_tombstones (
    segment_id INTEGER PRIMARY KEY,
    camera_id TEXT NOT NULL,
    path TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    seal_seq INTEGER NOT NULL,
    seal_hash TEXT NOT NULL,
    deleted_ms INTEGER NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE UNIQUE INDEX segment_tombstones_seal ON segment_tombstones(camera_id, seal_seq);
  CREATE TRIGGER segment_tombstones_no_update BEFORE UPDATE ON segment_tombstones
    BEGIN SELECT RAISE(ABORT, 'segment tombstones are append-only'); END;
  CREATE TRIGGER segment_tombstones_no_delete BEFORE DELETE ON segment_tombstones
    BEGIN SELECT RAISE(ABORT, 'segment tombstones are append-only'); END;
  CREATE TRIGGER segments_tombstone AFTER DELETE ON segments WHEN OLD.seal_seq IS NOT NULL
    BEGIN
      INSERT OR IGNORE INTO segment_tombstones (segment_id, camera_id, path, start_ms, end_ms, bytes, sha256, seal_seq, seal_hash, deleted_ms, reason)
      VALUES (OLD.id, OLD.camera_id, OLD.path, OLD.start_ms, OLD.end_ms, OLD.bytes, OLD.sha256, OLD.seal_seq, OLD.seal_hash,
        CAST(unixepoch('subsec') * 1000 AS INTEGER), 'unexplained');
    END;
  `,
  // rights (issue G): role 'wall' (live wall and alarm pop-ups only), display name, forced password change,
  // per-user camera list (NULL = all cameras), camera groups (site, building, area) and group membership
  `
  CREATE TABLE users_g (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator','supervisor','investigator','admin','wall')),
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    display_name TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    cameras_json TEXT,
    updated_at INTEGER
  );
  INSERT INTO users_g (id, username, password_hash, role, disabled, created_at)
    SELECT id, username, password_hash, role, disabled, created_at FROM users;
  DROP TABLE users;
  ALTER TABLE users_g RENAME TO users;
  CREATE TABLE camera_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE camera_group_members (
    group_id INTEGER NOT NULL REFERENCES camera_groups(id) ON DELETE CASCADE,
    camera_id TEXT NOT NULL,
    PRIMARY KEY (group_id, camera_id)
  );
  CREATE TABLE user_groups (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES camera_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
  );
  `,
  // daily equipment check (issue L point 3): pipeline restarts per camera (offline → starting), kept 90 days
  `
  CREATE TABLE camera_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('restart')),
    detail TEXT
  );
  CREATE INDEX camera_events_camera ON camera_events(camera_id, ts_ms);
  `,
  // PTZ presets as patrol stops (issue L point 1): the move to the preset and the time the camera got there
  `
  ALTER TABLE patrol_stops ADD COLUMN ptz_state TEXT CHECK (ptz_state IN ('waiting','moving','arrived','failed'));
  ALTER TABLE patrol_stops ADD COLUMN ptz_error TEXT;
  ALTER TABLE patrol_stops ADD COLUMN goto_ms INTEGER;
  ALTER TABLE patrol_stops ADD COLUMN arrived_ms INTEGER;
  `,
  // dispatch to a guard's phone (issue L point 2): role 'guard'; a dispatch addressed to a guard account with its
  // steps (on my way → arrived → handled) and times, the not-accepted-in-time flag, and up to 3 photos with their sha256
  `
  CREATE TABLE users_l (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator','supervisor','investigator','admin','wall','guard')),
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    display_name TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    cameras_json TEXT,
    updated_at INTEGER
  );
  INSERT INTO users_l (id, username, password_hash, role, disabled, created_at, display_name, must_change_password, cameras_json, updated_at)
    SELECT id, username, password_hash, role, disabled, created_at, display_name, must_change_password, cameras_json, updated_at FROM users;
  DROP TABLE users;
  ALTER TABLE users_l RENAME TO users;
  CREATE TABLE dispatches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alarm_id INTEGER NOT NULL REFERENCES alarms(id),
    camera_id TEXT NOT NULL,
    guard_id INTEGER NOT NULL REFERENCES users(id),
    by_name TEXT NOT NULL,
    note TEXT,
    state TEXT NOT NULL CHECK (state IN ('sent','on_way','arrived','handled')),
    sent_ms INTEGER NOT NULL,
    accept_by_ms INTEGER NOT NULL,
    on_way_ms INTEGER,
    on_way_note TEXT,
    arrived_ms INTEGER,
    arrived_note TEXT,
    handled_ms INTEGER,
    handled_note TEXT,
    overdue_ms INTEGER
  );
  CREATE INDEX dispatches_guard ON dispatches(guard_id, sent_ms);
  CREATE INDEX dispatches_alarm ON dispatches(alarm_id, sent_ms);
  CREATE INDEX dispatches_time ON dispatches(sent_ms);
  CREATE INDEX dispatches_waiting ON dispatches(accept_by_ms) WHERE state = 'sent' AND overdue_ms IS NULL;
  CREATE TABLE dispatch_photos (
    dispatch_id INTEGER NOT NULL REFERENCES dispatches(id),
    n INTEGER NOT NULL CHECK (n BETWEEN 1 AND 3),
    file TEXT NOT NULL,
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg','image/png')),
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (dispatch_id, n)
  );
  CREATE TRIGGER dispatch_photos_no_update BEFORE UPDATE ON dispatch_photos
    BEGIN SELECT RAISE(ABORT, 'dispatch photos are evidence: append-only'); END;
  CREATE TRIGGER dispatch_photos_no_delete BEFORE DELETE ON dispatch_photos
    BEGIN SELECT RAISE(ABORT, 'dispatch photos are evidence: append-only'); END;
  `,
  // 13: a route may require every checklist item ticked before a stop is confirmed "normal" (issue K, patrol);
  // a round copies the setting when it starts, as it copies the stops (editing a route never changes a round)
  `
  ALTER TABLE patrol_routes ADD COLUMN require_checklist INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE patrol_rounds ADD COLUMN require_checklist INTEGER NOT NULL DEFAULT 0;
  `,
  // 14: named wall views (issue K, the wall): a layout and its tiles in order, per user, optionally named for a display
  `
  CREATE TABLE wall_views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    display TEXT,
    layout INTEGER NOT NULL,
    tiles_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
  );
  `,
];
