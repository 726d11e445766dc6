-- Platform: organisations, users, roles, sessions, API tokens, audit log.
-- Times are BIGINT microseconds since the Unix epoch, UTC.

-- @both
CREATE TABLE orgs (
  id {{id}},
  parent_id BIGINT REFERENCES orgs(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  level TEXT NOT NULL,            -- region | department | unit
  region_level TEXT,              -- province | city | county (regions only)
  org_kind TEXT NOT NULL,         -- admin | institution | soe | other
  field TEXT,                     -- education | health | civil_affairs | water | housing | ...
  path TEXT NOT NULL,             -- materialized path of ids: /1/4/17/
  depth INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX orgs_code ON orgs(code);
CREATE INDEX orgs_parent ON orgs(parent_id);
CREATE INDEX orgs_path ON orgs(path);

-- 单位在组织树中的移动历史
CREATE TABLE org_moves (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  from_parent_id BIGINT,
  to_parent_id BIGINT,
  from_path TEXT NOT NULL,
  to_path TEXT NOT NULL,
  reason TEXT,
  moved_by BIGINT,
  moved_at BIGINT NOT NULL
);
CREATE INDEX org_moves_org ON org_moves(org_id, moved_at);

CREATE TABLE users (
  id {{id}},
  username TEXT NOT NULL,          -- stored lower-case
  display_name TEXT NOT NULL,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  phone TEXT,
  email TEXT,
  password_hash TEXT NOT NULL,
  password_changed_at BIGINT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  totp_secret TEXT,                -- base32; pending until totp_enabled
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  auth_version INTEGER NOT NULL DEFAULT 1,  -- bumped when roles, password or state change
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users(username);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  scope_org_id BIGINT NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (user_id, role, scope_org_id)
);
CREATE INDEX user_roles_scope ON user_roles(scope_org_id);

CREATE TABLE sessions (
  id {{id}},
  token_hash TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,     -- absolute timeout
  source_addr TEXT,
  user_agent TEXT,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX sessions_token ON sessions(token_hash);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  prefix TEXT NOT NULL,            -- first characters, to recognise a token in lists
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  expires_at BIGINT,
  revoked_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- 审计日志: append-only; rows younger than the minimum retention cannot be deleted.
CREATE TABLE audit_log (
  id {{id}},
  at BIGINT NOT NULL,
  actor_user_id BIGINT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,            -- org.create, user.roles, auth.login_failed, ...
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  org_id BIGINT,
  before_json TEXT,
  after_json TEXT,
  request_id TEXT,
  source_addr TEXT
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_actor ON audit_log(actor_user_id, at);
CREATE INDEX audit_object ON audit_log(object_type, object_id, at);

-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_retention BEFORE DELETE ON audit_log
WHEN OLD.at > (CAST(strftime('%s', 'now') AS INTEGER) - 183 * 86400) * 1000000
BEGIN
  SELECT RAISE(ABORT, 'audit rows younger than the retention period cannot be deleted');
END;

-- @postgres
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit_log is append-only';
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit_log cannot be truncated';
  END IF;
  IF OLD.at > (extract(epoch FROM now())::bigint - 183 * 86400) * 1000000 THEN
    RAISE EXCEPTION 'audit rows younger than the retention period cannot be deleted';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
