/**
 * The history database's schema, one migration per version. `PRAGMA user_version` says which have run; a migration
 * never changes once released: a new version adds one at the end.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: runs, each build, its timeline (steps, provisioners, post-processors), its artifacts; and one-off markers.
  `
  CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    template_path TEXT NOT NULL DEFAULT '',
    template_hash TEXT NOT NULL DEFAULT '',
    started_by TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    status TEXT NOT NULL,
    builds TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    variables TEXT NOT NULL DEFAULT '[]',
    inputs TEXT NOT NULL DEFAULT '{}',
    log_path TEXT NOT NULL DEFAULT '',
    -- The process recording the run, so a run whose process died is not shown running for ever.
    pid INTEGER,
    -- What the History page's text filter searches, lower-cased once when written rather than on every filter.
    search TEXT GENERATED ALWAYS AS (lower(template_path || char(10) || run_id || char(10) || builds || char(10) || coalesce(error, ''))) STORED
  );
  CREATE INDEX runs_by_start ON runs (started_at DESC);
  CREATE INDEX runs_by_template ON runs (template_path, started_at DESC);
  CREATE TABLE builds (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    builder_type TEXT NOT NULL DEFAULT '',
    started_at INTEGER,
    finished_at INTEGER,
    result TEXT,
    error TEXT,
    PRIMARY KEY (run_id, name)
  );
  CREATE TABLE steps (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    build TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    result TEXT,
    error TEXT
  );
  CREATE INDEX steps_by_run ON steps (run_id);
  CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    build TEXT NOT NULL,
    artifact_id TEXT NOT NULL,
    builder_id TEXT NOT NULL,
    files TEXT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX artifacts_by_run ON artifacts (run_id);
  CREATE TABLE markers (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: the template as it was (its files, once per content hash), where each build's parts are written in it, and which
  // provisioner or post-processor a timeline bar is, so a failed run opens at its error's line.
  `
  CREATE TABLE template_texts (
    hash TEXT PRIMARY KEY,
    files TEXT NOT NULL
  );
  ALTER TABLE runs ADD COLUMN places TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE steps ADD COLUMN position INTEGER;
  `,
];
