/**
 * The tables the SQL layer (Kysely, docs/cluster.md) knows so far, as Kysely types. One interface per table,
 * column names as stored. Grows table by table as the repositories of server/store are ported.
 */
import type { Generated } from 'kysely';

export interface DutyLogTable {
  seq: number;
  ts_ms: number;
  camera_id: string | null;
  category: string;
  kind: string;
  text: string;
  author_id: number | null;
  author_name: string;
  ref_seq: number | null;
  data_json: string;
  prev_hash: string;
  hash: string;
}

/** One row per hash chain ("log"): the newest link. Appends lock this row (PostgreSQL: SELECT … FOR UPDATE). */
export interface ChainHeadsTable {
  log: string;
  seq: number;
  hash: string;
}

/** Named wall views (issue K; SQL step 0018). */
export interface WallViewsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  display: string | null;
  layout: number;
  tiles_json: string;
  created_at: number;
  updated_at: number;
}

/** Camera groups (issue G; SQL step 0019). Names unique regardless of ASCII case. */
export interface CameraGroupsTable {
  id: Generated<number>;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface CameraGroupMembersTable {
  group_id: number;
  camera_id: string;
}

/** The camera groups a user is given (issue G; SQL step 0019). */
export interface UserGroupsTable {
  user_id: number;
  group_id: number;
}

/** Users (issue G; SQL step 0020). Usernames unique regardless of ASCII case; 0/1 flags as on SQLite. */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: string;
  disabled: Generated<number>;
  created_at: number;
  display_name: string | null;
  must_change_password: Generated<number>;
  cameras_json: string | null;
  updated_at: number | null;
}

/**
 * Sessions (issue G; SQL step 0021): only the token's sha256. SQLite's legacy table is keyed by its rowid (no id
 * column); PostgreSQL's has an identity column `id` (server/store/sessions.ts picks the one of the engine).
 */
export interface SessionsTable {
  token_hash: string;
  id: Generated<number>;
  user_id: number;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

/** Cameras added in the console (SQL step 0022); the password sealed with the SecretBox. */
export interface CamerasTable {
  id: string;
  name: string;
  enabled: Generated<number>;
  url: string;
  sub_url: string | null;
  username: string | null;
  password_enc: string | null;
  retention_days: number | null;
  created_at: number;
  updated_at: number;
}

/** ONVIF facts of an onboarded camera (SQL step 0022); goes with its camera. */
export interface CameraOnvifTable {
  camera_id: string;
  xaddr: string;
  urn: string | null;
  manufacturer: Generated<string>;
  model: Generated<string>;
  firmware: Generated<string>;
  serial: Generated<string>;
  hardware_id: Generated<string>;
  media_xaddr: string | null;
  ptz_xaddr: string | null;
  main_token: string | null;
  sub_token: string | null;
  snapshot_uri: string | null;
  capabilities_json: Generated<string>;
  clock_offset_ms: number | null;
  clock_checked_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SqlSchema {
  duty_log: DutyLogTable;
  chain_heads: ChainHeadsTable;
  wall_views: WallViewsTable;
  camera_groups: CameraGroupsTable;
  camera_group_members: CameraGroupMembersTable;
  user_groups: UserGroupsTable;
  users: UsersTable;
  sessions: SessionsTable;
  cameras: CamerasTable;
  camera_onvif: CameraOnvifTable;
}

// ---- issue J, the audit trail and the per-camera seal chains (migrations 0016, 0017; audit/chain-store.ts,
// seal/chain-store.ts). Kept in its own block, and SqlSchema extended by declaration merging below, so that
// other ports adding tables here do not touch these lines.

/** The audit trail (legacy SQLite migration "issue E"; 0016 on PostgreSQL). `id` is the chain's seq. */
export interface AuditLogTable {
  id: number;
  at_ms: number;
  actor_id: number | null;
  actor: string | null;
  role: string | null;
  ip: string | null;
  action: string;
  camera_id: string | null;
  target: string | null;
  footage_ms: number | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/**
 * The segment index (legacy migrations 1 and "issue F"; 0017 on PostgreSQL; index segments_camera_end 0028).
 * Written and read through server/store/segments.ts (the recorder, timeline, review, export, retention) and its
 * seal columns by seal/chain-store.ts; the Sealer, verify-recordings and reconcile still use the legacy handle.
 */
export interface SegmentsTable {
  id: Generated<number>;
  camera_id: string;
  path: string;
  start_ms: number;
  end_ms: number;
  bytes: number;
  codec: string | null;
  created_at: number;
  sha256: string | null;
  seal_seq: number | null;
  seal_hash: string | null;
  origin: Generated<string>;
}

/** The seal of a deleted segment row, written by a trigger on DELETE (append-only). */
export interface SegmentTombstonesTable {
  segment_id: number;
  camera_id: string;
  path: string;
  start_ms: number;
  end_ms: number;
  bytes: number;
  sha256: string;
  seal_seq: number;
  seal_hash: string;
  deleted_ms: number;
  reason: string;
}

// declaration merging: the same SqlSchema as above, these tables added
export interface SqlSchema {
  audit_log: AuditLogTable;
  segments: SegmentsTable;
  segment_tombstones: SegmentTombstonesTable;
}

// ---- issue J, the MQTT outbox (SQL step 0040; server/mqtt/outbox.ts). Its own block, SqlSchema merged below.

/** One message waiting for the broker's PUBACK: an alarm event or a duty-log entry, in seq order. */
export interface MqttOutboxTable {
  seq: Generated<number>;
  topic: string;
  /** a JSON object; published with `"seq":<seq>` added as its first member */
  payload: string;
  qos: Generated<number>;
  created_ms: number;
}

export interface SqlSchema {
  mqtt_outbox: MqttOutboxTable;
}

// ---- issue J, patrol and dispatch (SQL steps 0025–0027; server/patrol/routes-repo.ts, rounds-repo.ts,
// server/dispatch/repo.ts). Its own block, SqlSchema merged below. 0/1 flags as on SQLite.

export interface PatrolRoutesTable {
  id: Generated<number>;
  name: string;
  post: Generated<string>;
  interval_min: number;
  active_from: string;
  active_to: string;
  grace_min: number;
  stops_json: string;
  enabled: Generated<number>;
  created_ms: number;
  updated_ms: number;
  require_checklist: Generated<number>;
}

export interface PatrolRoundsTable {
  id: Generated<number>;
  route_id: number;
  route_name: string;
  slot_ms: number;
  user_id: number;
  username: string;
  status: 'in_progress' | 'completed' | 'abandoned';
  started_ms: number;
  ended_ms: number | null;
  abandon_reason: string | null;
  log_seq: number | null;
  require_checklist: Generated<number>;
}

export interface PatrolStopsTable {
  round_id: number;
  idx: number;
  camera_id: string;
  camera_name: string;
  preset: string | null;
  min_dwell_s: number;
  checklist_json: string;
  alarm_flag: Generated<number>;
  view_started_ms: number | null;
  view_ended_ms: number | null;
  outcome: 'normal' | 'anomaly' | 'not_verifiable' | 'skipped' | null;
  note: string | null;
  checks_json: string | null;
  snapshot: string | null;
  rec_from_ms: number | null;
  rec_to_ms: number | null;
  user_id: number | null;
  dispatch: Generated<number>;
  log_seq: number | null;
  ptz_state: 'waiting' | 'moving' | 'arrived' | 'failed' | null;
  ptz_error: string | null;
  goto_ms: number | null;
  arrived_ms: number | null;
}

export interface PatrolSpotChecksTable {
  id: Generated<number>;
  round_id: number;
  idx: number;
  user_id: number;
  username: string;
  verdict: 'agree' | 'disagree';
  note: Generated<string>;
  created_ms: number;
  log_seq: number | null;
}

export interface PatrolMissedTable {
  route_id: number;
  slot_ms: number;
  log_seq: number | null;
}

export interface DispatchesTable {
  id: Generated<number>;
  alarm_id: number;
  camera_id: string;
  guard_id: number;
  by_name: string;
  note: string | null;
  state: 'sent' | 'on_way' | 'arrived' | 'handled';
  sent_ms: number;
  accept_by_ms: number;
  on_way_ms: number | null;
  on_way_note: string | null;
  arrived_ms: number | null;
  arrived_note: string | null;
  handled_ms: number | null;
  handled_note: string | null;
  overdue_ms: number | null;
}

/** Append-only (evidence): at most 3 per dispatch. */
export interface DispatchPhotosTable {
  dispatch_id: number;
  n: number;
  file: string;
  mime: 'image/jpeg' | 'image/png';
  bytes: number;
  sha256: string;
  created_ms: number;
}

export interface SqlSchema {
  patrol_routes: PatrolRoutesTable;
  patrol_rounds: PatrolRoundsTable;
  patrol_stops: PatrolStopsTable;
  patrol_spot_checks: PatrolSpotChecksTable;
  patrol_missed: PatrolMissedTable;
  dispatches: DispatchesTable;
  dispatch_photos: DispatchPhotosTable;
}

// ---- issue J, the evidence locks (SQL step 0028; server/retention/locks.ts). Its own block, SqlSchema merged below.

/** A camera's time range retention must not delete while unreleased (legacy step "issue F"; 0028 on PostgreSQL). */
export interface EvidenceLocksTable {
  id: Generated<number>;
  camera_id: string;
  start_ms: number;
  end_ms: number;
  reason: string;
  case_ref: string | null;
  export_id: string | null;
  created_by: string;
  created_at: number;
  released_at: number | null;
  released_by: string | null;
  release_reason: string | null;
}

/** A stretch of recording found missing by the start-up reconcile (legacy step "issue B"; 0033 on PostgreSQL). */
export interface RecordingGapsTable {
  id: Generated<number>;
  camera_id: string;
  start_ms: number;
  end_ms: number;
  reason: string;
  path: string | null;
  detected_at: number;
}

export interface SqlSchema {
  evidence_locks: EvidenceLocksTable;
  recording_gaps: RecordingGapsTable;
}

// ---- issue J, zones and alarms (SQL steps 0023, 0024; server/alarms/repo.ts). Its own block, SqlSchema merged below.

/** Detection zones of one camera, as one JSON array (legacy migration "alarms (issue C)"; 0023 on PostgreSQL). */
export interface CameraZonesTable {
  camera_id: string;
  zones: string;
  updated_at: number;
  updated_by: string | null;
}

/** Alarms and their handling (legacy migrations "issue C" and "issue H"; 0024 on PostgreSQL). */
export interface AlarmsTable {
  id: Generated<number>;
  camera_id: string;
  zone: string;
  kind: 'loitering' | 'blocked_exit' | 'camera_tamper';
  status: 'open' | 'acknowledged' | 'dispatched' | 'resolved';
  since_ms: number;
  start_ms: number;
  end_ms: number | null;
  recording_ms: number;
  score: number;
  track_ids: Generated<string>;
  snapshot: string | null;
  ack_ms: number | null;
  ack_by: string | null;
  ack_note: string | null;
  dispatch_ms: number | null;
  dispatch_by: string | null;
  dispatch_to: string | null;
  dispatch_note: string | null;
  resolve_ms: number | null;
  resolve_by: string | null;
  resolve_note: string | null;
  outcome: 'genuine' | 'false_alarm' | 'test' | null;
  outcome_note: string | null;
  priority: Generated<1 | 2 | 3>;
  occurrences: Generated<number>;
  last_seen_ms: number | null;
  reopened_ms: number | null;
}

export interface SqlSchema {
  camera_zones: CameraZonesTable;
  alarms: AlarmsTable;
}

/** Shift handovers (issue D; SQL step 0029, migrations-dutylog.ts): index of the two duty-log entries. */
export interface HandoversTable {
  id: Generated<number>;
  created_ms: number;
  from_user_id: number;
  from_username: string;
  notes: string;
  open_items_json: string;
  log_seq: number;
  ack_user_id: number | null;
  ack_username: string | null;
  ack_ms: number | null;
  ack_log_seq: number | null;
}

/** Signed checkpoints of the hash chains (issue F; SQL step 0030, migrations-dutylog.ts). Append-only. */
export interface CheckpointsTable {
  id: Generated<number>;
  log: string;
  seq: number;
  head_hash: string;
  count: number;
  time_ms: number;
  key_fp: string;
  from_seq: number;
  digest: string;
  sig: string;
  hash: string;
}

export interface SqlSchema {
  handovers: HandoversTable;
  checkpoints: CheckpointsTable;
}

// ---- issue J, evidence exports and the equipment check (SQL steps 0031–0032; server/evidence/jobs.ts,
// server/equipment/events.ts). Its own block, SqlSchema merged below.

/** One requested evidence bundle, queued → running → done | failed (legacy step "issue E"; 0031 on PostgreSQL). */
export interface ExportsTable {
  id: string;
  /** JSON array of camera ids */
  camera_ids: string;
  from_ms: number;
  to_ms: number;
  case_ref: string | null;
  reason: string;
  user_id: number | null;
  username: string;
  role: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: Generated<number>;
  file: string | null;
  bytes: number | null;
  sha256: string | null;
  error_code: string | null;
  error: string | null;
  created_at: number;
  finished_at: number | null;
}

/** Pipeline restarts per camera for the equipment check, kept 90 days (legacy step "issue L point 3"; 0032). */
export interface CameraEventsTable {
  id: Generated<number>;
  camera_id: string;
  ts_ms: number;
  kind: 'restart';
  detail: string | null;
}

export interface SqlSchema {
  exports: ExportsTable;
  camera_events: CameraEventsTable;
}
