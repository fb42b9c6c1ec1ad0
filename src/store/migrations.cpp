#include "store/migrations.hpp"

#include "base/clock.hpp"

#include <chrono>
#include <string>

namespace dzvin::store {

namespace {

constexpr Migration kMigrations[] = {
    {1, "tenants, users, registrations", R"sql(
CREATE TABLE tenants (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  sip_domain  TEXT NOT NULL UNIQUE,      -- stored lower-case; also the digest realm
  created_at  BIGINT NOT NULL            -- unix seconds
);
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  tenant_id     BIGINT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  username      TEXT NOT NULL,
  display_name  TEXT NOT NULL DEFAULT '',
  ha1_md5       TEXT NOT NULL,           -- RFC 2617 HA1; the password itself is never stored
  ha1_sha256    TEXT NOT NULL,           -- RFC 7616 HA1
  created_at    BIGINT NOT NULL,
  UNIQUE (tenant_id, username)
);
CREATE TABLE registrations (
  tenant_id   BIGINT NOT NULL,
  aor         TEXT NOT NULL,             -- user@domain
  contact     TEXT NOT NULL,
  call_id     TEXT NOT NULL,
  cseq        BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,           -- unix seconds
  q_milli     INTEGER NOT NULL DEFAULT 1000,
  source      TEXT NOT NULL,             -- udp:192.0.2.1:5060#0
  user_agent  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (aor, contact)
);
CREATE INDEX registrations_expires_at ON registrations (expires_at);
)sql"},
    {2, "call records", R"sql(
CREATE TABLE calls (
  id           TEXT PRIMARY KEY,         -- the call engine's call uid
  tenant_id    BIGINT NOT NULL,
  caller       TEXT NOT NULL,
  called       TEXT NOT NULL,
  started_at   BIGINT NOT NULL,          -- unix milliseconds
  answered_at  BIGINT,
  answered_by  TEXT,
  ended_at     BIGINT,
  outcome      TEXT,                     -- "answered: caller hung up", "missed: busy", ...
  sip_status   INTEGER,
  talk_ms      BIGINT                    -- from answer to end; 0 when not answered
);
CREATE INDEX calls_tenant_started ON calls (tenant_id, started_at);
CREATE TABLE call_events (
  call_id     TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,          -- order within the call
  at          BIGINT NOT NULL,           -- unix milliseconds
  kind        TEXT NOT NULL,             -- started, ringing, attempt, answered, ended
  target      TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT '',
  sip_status  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (call_id, seq)
);
)sql"},
    {3, "voicemails, recordings, e-mail deliveries", R"sql(
CREATE TABLE voicemails (
  id           INTEGER PRIMARY KEY,
  tenant_id    BIGINT NOT NULL,
  box          TEXT NOT NULL,
  call_id      TEXT NOT NULL,            -- calls.id
  caller       TEXT NOT NULL,
  called       TEXT NOT NULL,
  recorded_at  BIGINT NOT NULL,          -- unix milliseconds, start of the message
  duration_ms  BIGINT NOT NULL,
  path         TEXT NOT NULL,            -- relative to the data directory
  heard        INTEGER NOT NULL DEFAULT 0,
  deleted_at   BIGINT                    -- retention or a user removed it; the file is gone
);
CREATE INDEX voicemails_tenant_box ON voicemails (tenant_id, box, recorded_at);
CREATE TABLE recordings (
  id           INTEGER PRIMARY KEY,
  tenant_id    BIGINT NOT NULL,
  call_id      TEXT NOT NULL,            -- calls.id
  started_at   BIGINT NOT NULL,          -- unix milliseconds
  duration_ms  BIGINT NOT NULL DEFAULT 0,
  channels     INTEGER NOT NULL,         -- 1: both parties mixed; 2: caller left, callee right
  path         TEXT NOT NULL,            -- relative to the data directory
  state        TEXT NOT NULL,            -- recording, complete, incomplete, deleted
  deleted_at   BIGINT
);
CREATE INDEX recordings_call ON recordings (call_id);
CREATE INDEX recordings_started ON recordings (started_at);
CREATE TABLE email_deliveries (
  id               INTEGER PRIMARY KEY,
  tenant_id        BIGINT NOT NULL,
  kind             TEXT NOT NULL,        -- voicemail
  subject_id       BIGINT NOT NULL,      -- voicemails.id for kind voicemail
  recipient        TEXT NOT NULL,
  message          TEXT NOT NULL,        -- the complete RFC 5322 message, sent as is on every attempt
  state            TEXT NOT NULL,        -- pending, sent, failed
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT NOT NULL,      -- unix milliseconds
  last_error       TEXT NOT NULL DEFAULT '',
  created_at       BIGINT NOT NULL,
  sent_at          BIGINT
);
CREATE INDEX email_deliveries_pending ON email_deliveries (state, next_attempt_at);
)sql"},
    {4, "web accounts, sessions, API tokens, audit log, call indexes and hourly counts", R"sql(
ALTER TABLE users ADD COLUMN email TEXT;                      -- web login; unique across tenants
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'manager';  -- admin, head, manager, operator
ALTER TABLE users ADD COLUMN password_hash TEXT;              -- argon2id PHC string; NULL: no web login
ALTER TABLE users ADD COLUMN mobile TEXT NOT NULL DEFAULT ''; -- E.164
CREATE UNIQUE INDEX users_email ON users (email) WHERE email IS NOT NULL;
CREATE TABLE sessions (
  token_hash    TEXT PRIMARY KEY,        -- SHA-256 of the cookie value; the value is never stored
  user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_id     BIGINT NOT NULL,
  csrf_token    TEXT NOT NULL,
  created_at    BIGINT NOT NULL,         -- unix seconds
  expires_at    BIGINT NOT NULL,
  last_seen_at  BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  tenant_id     BIGINT NOT NULL,
  user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  token_hash    TEXT NOT NULL UNIQUE,    -- SHA-256 of the token; shown once at creation
  created_at    BIGINT NOT NULL,
  last_used_at  BIGINT,
  revoked_at    BIGINT
);
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  tenant_id  BIGINT NOT NULL,
  user_id    BIGINT,
  at         BIGINT NOT NULL,            -- unix milliseconds
  action     TEXT NOT NULL,              -- create, update, delete, login, login_failed
  resource   TEXT NOT NULL,              -- "users/1002", "schemes/main-line"
  detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at);
CREATE INDEX calls_tenant_caller ON calls (tenant_id, caller, started_at);
CREATE INDEX calls_tenant_called ON calls (tenant_id, called, started_at);
-- outcome last: a manager's own calls filtered by outcome are answered from the index alone.
CREATE INDEX calls_tenant_answered_by ON calls (tenant_id, answered_by, started_at, outcome);
CREATE INDEX voicemails_call ON voicemails (call_id);
-- The company's routing (schedules, schemes, prompts, voicemail boxes, recording policy: the
-- routing document of docs/routing-schemes.md) and which number runs which scheme; edited
-- through the API, or replaced by the config file's [routing] at start.
CREATE TABLE routing (
  tenant_id   BIGINT PRIMARY KEY,
  document    TEXT NOT NULL,             -- JSON
  numbers     TEXT NOT NULL,             -- JSON object: number -> scheme name
  version     INTEGER NOT NULL,          -- +1 per change (optimistic concurrency)
  updated_at  BIGINT NOT NULL,           -- unix milliseconds
  updated_by  BIGINT                     -- users.id; NULL: the config file
);
-- Calls per UTC hour and number dialled, kept up by the call record writer as calls end: the
-- call-load heatmap reads these instead of every call. called = '' counts every call of the
-- hour (the heatmap of all numbers reads one row per hour).
CREATE TABLE call_hours (
  tenant_id   BIGINT NOT NULL,
  called      TEXT NOT NULL,
  hour_start  BIGINT NOT NULL,           -- unix seconds, a multiple of 3600
  total       INTEGER NOT NULL DEFAULT 0,
  missed      INTEGER NOT NULL DEFAULT 0,  -- ended without a person answering
  PRIMARY KEY (tenant_id, called, hour_start)
);
)sql"},
    {5, "contacts, companies, deals, tasks", R"sql(
-- The CRM (crm/): who calls, for which company, with which deals, and what is to be done.
CREATE TABLE crm_companies (
  id          INTEGER PRIMARY KEY,
  tenant_id   BIGINT NOT NULL,
  name        TEXT NOT NULL,
  created_at  BIGINT NOT NULL            -- unix milliseconds
);
CREATE UNIQUE INDEX crm_companies_name ON crm_companies (tenant_id, name);
CREATE TABLE contacts (
  id          INTEGER PRIMARY KEY,
  tenant_id   BIGINT NOT NULL,
  name        TEXT NOT NULL,
  company_id  BIGINT REFERENCES crm_companies(id) ON DELETE SET NULL,
  owner       TEXT NOT NULL DEFAULT '',  -- the responsible user's username, '' for none
  email       TEXT NOT NULL DEFAULT '',
  notes       TEXT NOT NULL DEFAULT '',
  external_id TEXT,                      -- an outside CRM's key (inbound API upserts by it)
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX contacts_tenant_name ON contacts (tenant_id, name);
CREATE UNIQUE INDEX contacts_external ON contacts (tenant_id, external_id)
  WHERE external_id IS NOT NULL;
-- A number reaches one contact of a company: the caller-card lookup is one index probe.
CREATE TABLE contact_phones (
  tenant_id   BIGINT NOT NULL,
  number      TEXT NOT NULL,             -- E.164, or an extension
  contact_id  BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  label       TEXT NOT NULL DEFAULT '',  -- mobile, work, ...
  PRIMARY KEY (tenant_id, number)
) WITHOUT ROWID;
CREATE INDEX contact_phones_contact ON contact_phones (contact_id);
CREATE TABLE deals (
  id          INTEGER PRIMARY KEY,
  tenant_id   BIGINT NOT NULL,
  contact_id  BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  title       TEXT NOT NULL,
  stage       TEXT NOT NULL DEFAULT 'new',
  owner       TEXT NOT NULL DEFAULT '',  -- the responsible manager's username
  is_open     INTEGER NOT NULL DEFAULT 1,
  external_id TEXT,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX deals_contact ON deals (contact_id, is_open);
CREATE UNIQUE INDEX deals_external ON deals (tenant_id, external_id) WHERE external_id IS NOT NULL;
-- Things to do: "call back" tasks made from missed calls (one open per number), tasks from
-- the intake form.
CREATE TABLE tasks (
  id            INTEGER PRIMARY KEY,
  tenant_id     BIGINT NOT NULL,
  kind          TEXT NOT NULL,           -- call_back, intake
  number        TEXT NOT NULL,           -- whom to call back (E.164 or extension)
  contact_id    BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
  assignee      TEXT NOT NULL,           -- username
  assigned_by   TEXT NOT NULL,           -- deal_owner, contact_owner, head, form
  title         TEXT NOT NULL,
  detail        TEXT NOT NULL DEFAULT '',
  due_at        BIGINT NOT NULL,         -- unix milliseconds
  state         TEXT NOT NULL,           -- open, done, cancelled
  calls         INTEGER NOT NULL DEFAULT 1,  -- missed calls behind it
  first_call_id TEXT NOT NULL DEFAULT '',
  last_call_id  TEXT NOT NULL DEFAULT '',
  voicemail_id  BIGINT,                  -- the latest message left
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  closed_at     BIGINT,
  closed_by_call TEXT,                   -- the answered call that closed it
  closed_by     TEXT,                    -- username, when closed by hand
  overdue_notified INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX tasks_open_call_back ON tasks (tenant_id, number)
  WHERE state = 'open' AND kind = 'call_back';
CREATE INDEX tasks_assignee ON tasks (tenant_id, assignee, state, due_at);
CREATE INDEX tasks_open_due ON tasks (state, due_at);
)sql"},
    {6, "first contacts: calls classified, contacts' creators", R"sql(
-- Calls from outside numbers: 'primary' (a first contact: no contact has the number and it
-- never called before), 'secondary' (an existing client); NULL for calls from the company's
-- own phones. Set by the call-record writer when the call starts.
ALTER TABLE calls ADD COLUMN caller_kind TEXT;
ALTER TABLE contacts ADD COLUMN created_by TEXT NOT NULL DEFAULT '';  -- username
CREATE INDEX contacts_tenant_created ON contacts (tenant_id, created_at);
)sql"},
    {7, "webhook deliveries", R"sql(
-- Outbound webhooks (notify/webhook_outbox.hpp): one row per event and endpoint, the delivery
-- log. state: pending (next_attempt_at), delivered, failed (gave up after max attempts).
CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY,
  tenant_id        BIGINT NOT NULL,
  endpoint         TEXT NOT NULL,        -- the endpoint's name in the config
  event_type       TEXT NOT NULL,        -- call.ended, task.created, ...
  event_id         TEXT NOT NULL,
  body             TEXT NOT NULL,        -- the JSON sent on every attempt
  state            TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT NOT NULL,      -- unix milliseconds
  last_status      INTEGER NOT NULL DEFAULT 0,  -- the last HTTP status, 0 for none
  last_error       TEXT NOT NULL DEFAULT '',
  created_at       BIGINT NOT NULL,
  delivered_at     BIGINT
);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (endpoint, event_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_tenant ON webhook_deliveries (tenant_id, id);
)sql"},
};

Result<void> ensure_table(Database& db) {
  return db.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at "
      "BIGINT NOT NULL)");
}

Result<int> read_version(Database& db) {
  auto stmt = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  return static_cast<int>(stmt->column_int(0));
}

Error too_new(int found) {
  return make_error(kTooNew, "database schema version " + std::to_string(found) +
                                 " is newer than this dzvin supports (" +
                                 std::to_string(latest_schema_version()) +
                                 "); upgrade dzvin or restore a matching backup");
}

}  // namespace

std::span<const Migration> sqlite_migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return kMigrations[std::size(kMigrations) - 1].version;
}

Result<int> schema_version(Database& db) {
  auto exists =
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists) return exists.error();
  auto row = exists->step();
  if (!row) return row.error();
  if (!*row) return 0;
  return read_version(db);
}

Result<int> migrate(Database& db) {
  if (auto r = ensure_table(db); !r) return r.error();
  for (const Migration& m : kMigrations) {
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    // Re-read under the write lock: another process may have migrated meanwhile.
    auto current = read_version(db);
    if (!current) return current.error();
    if (*current > latest_schema_version()) return too_new(*current);
    if (*current >= m.version) continue;
    if (auto r = db.execute(m.sql); !r) {
      return make_error(r.error().code, "migration " + std::to_string(m.version) + " (" +
                                            std::string(m.description) +
                                            ") failed: " + r.error().message);
    }
    auto mark = db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)");
    if (!mark) return mark.error();
    mark->bind(1, std::int64_t{m.version}).bind(2, unix_seconds(std::chrono::system_clock::now()));
    if (auto r = mark->run(); !r) return r.error();
    if (auto r = tx->commit(); !r) return r.error();
  }
  auto version = read_version(db);
  if (version && *version > latest_schema_version()) return too_new(*version);
  return version;
}

}  // namespace dzvin::store
