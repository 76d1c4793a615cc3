-- The embedded job store (service/jobs/store/sqlite.py); every statement is idempotent.
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, status TEXT NOT NULL, request TEXT NOT NULL,
    callback_url TEXT, external_id TEXT, source TEXT, created_at REAL NOT NULL,
    started_at REAL, finished_at REAL, runs INTEGER NOT NULL DEFAULT 0, digest TEXT, problem TEXT);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (status, created_at);
CREATE INDEX IF NOT EXISTS jobs_item ON jobs (source, external_id, status);
CREATE TABLE IF NOT EXISTS idempotency (
    owner TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, job_id TEXT NOT NULL,
    created_at REAL NOT NULL, PRIMARY KEY (owner, key));
CREATE TABLE IF NOT EXISTS hook_receipts (
    source TEXT NOT NULL, webhook_id TEXT NOT NULL, job_id TEXT, received_at REAL NOT NULL,
    PRIMARY KEY (source, webhook_id));
CREATE TABLE IF NOT EXISTS hook_items (
    source TEXT NOT NULL, external_id TEXT NOT NULL, content_hash TEXT NOT NULL, job_id TEXT NOT NULL,
    updated_at REAL NOT NULL, PRIMARY KEY (source, external_id));
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY, job_id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, body BLOB NOT NULL,
    state TEXT NOT NULL, next_attempt_at REAL, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries (state);
CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id TEXT NOT NULL, n INTEGER NOT NULL, at REAL NOT NULL, status_code INTEGER, error TEXT,
    next_attempt_at REAL, PRIMARY KEY (delivery_id, n));
