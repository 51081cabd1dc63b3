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
];
