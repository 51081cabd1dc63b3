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
 * The segment index (legacy migrations 1 and "issue F"; 0017 on PostgreSQL). Only its seal columns are the SQL
 * layer's so far (seal/chain-store.ts); the recorder still indexes through server/store/segments.ts.
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
