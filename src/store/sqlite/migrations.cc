#include "store/sqlite/migrations.h"

#include <array>
#include <string>

#include "common/clock.h"

namespace omniline::store::sqlite {
namespace {

constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE employees (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator')),
  avatar_url TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE auth_tokens (
  id INTEGER PRIMARY KEY,
  employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'personal')),
  name TEXT NOT NULL DEFAULT '',
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX auth_tokens_employee_kind ON auth_tokens (employee_id, kind);
)sql"},
    Migration{2, R"sql(
ALTER TABLE employees ADD COLUMN away INTEGER NOT NULL DEFAULT 0;
CREATE TABLE lines (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  routing TEXT NOT NULL,            -- JSON: mode, queue_time_s, max_chats, max_chats_count, only_available
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE TABLE line_queue (
  line_id INTEGER NOT NULL REFERENCES lines(id),
  employee_id INTEGER NOT NULL REFERENCES employees(id),
  position INTEGER NOT NULL,
  last_assigned_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (line_id, employee_id)
) WITHOUT ROWID;
CREATE INDEX line_queue_employee ON line_queue (employee_id);
CREATE TABLE channels (
  id INTEGER PRIMARY KEY,
  line_id INTEGER NOT NULL REFERENCES lines(id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  secret TEXT NOT NULL,
  webhook_url TEXT NOT NULL DEFAULT '',
  allowed_origins TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX channels_line ON channels (line_id);
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  channel_id INTEGER NOT NULL REFERENCES channels(id),
  external_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  token_hash BLOB,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (channel_id, external_id)
);
CREATE UNIQUE INDEX customers_token ON customers (token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX customers_email ON customers (email) WHERE email <> '';
CREATE INDEX customers_phone ON customers (phone) WHERE phone <> '';
CREATE TABLE dialogs (
  id INTEGER PRIMARY KEY,
  line_id INTEGER NOT NULL REFERENCES lines(id),
  channel_id INTEGER NOT NULL REFERENCES channels(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  external_chat_id TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  session_id INTEGER NOT NULL DEFAULT 0,
  last_message_id INTEGER NOT NULL DEFAULT 0,
  last_message_at INTEGER NOT NULL DEFAULT 0,
  customer_read_id INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (channel_id, customer_id, external_chat_id)
);
CREATE INDEX dialogs_activity ON dialogs (last_message_at DESC, id DESC);
CREATE INDEX dialogs_line ON dialogs (line_id, last_message_at DESC, id DESC);
CREATE INDEX dialogs_customer ON dialogs (customer_id);
CREATE TABLE dialog_members (
  dialog_id INTEGER NOT NULL REFERENCES dialogs(id),
  employee_id INTEGER NOT NULL REFERENCES employees(id),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (dialog_id, employee_id)
) WITHOUT ROWID;
CREATE INDEX dialog_members_employee ON dialog_members (employee_id);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  dialog_id INTEGER NOT NULL REFERENCES dialogs(id),
  line_id INTEGER NOT NULL REFERENCES lines(id),
  status TEXT NOT NULL,
  operator_id INTEGER NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0,
  tried TEXT NOT NULL DEFAULT '[]',  -- JSON array of employee ids
  offer_deadline INTEGER,
  created_at INTEGER NOT NULL,
  assigned_at INTEGER,
  answered_at INTEGER,
  first_reply_at INTEGER,
  closed_at INTEGER,
  message_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_dialog ON sessions (dialog_id);
CREATE INDEX sessions_operator_open ON sessions (operator_id, status)
  WHERE status NOT IN ('closed', 'spam', 'silently_closed');
CREATE INDEX sessions_waiting ON sessions (line_id, created_at)
  WHERE operator_id = 0 AND status IN ('new', 'skipped');
CREATE INDEX sessions_deadline ON sessions (offer_deadline) WHERE offer_deadline IS NOT NULL;
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  dialog_id INTEGER NOT NULL REFERENCES dialogs(id),
  session_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  author_kind TEXT NOT NULL,
  author_employee INTEGER NOT NULL DEFAULT 0,
  author_customer INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL,
  hidden INTEGER NOT NULL DEFAULT 0,
  reply_to INTEGER NOT NULL DEFAULT 0,
  external_id TEXT,                 -- NULL when none
  system TEXT NOT NULL DEFAULT '',
  delivery TEXT NOT NULL DEFAULT 'none',
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  deleted_at INTEGER
);
CREATE INDEX messages_dialog ON messages (dialog_id, id);
CREATE UNIQUE INDEX messages_external ON messages (channel_id, external_id)
  WHERE external_id IS NOT NULL;
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  line_id INTEGER NOT NULL DEFAULT 0,
  dialog_id INTEGER NOT NULL DEFAULT 0,
  employee_ids TEXT NOT NULL DEFAULT '[]',
  staff_all INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL,
  customer_id INTEGER NOT NULL DEFAULT 0,
  customer_data TEXT
);
CREATE INDEX events_at ON events (at);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  channel_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
)sql"},
    // Employees' read marks (for unread counters); lines' show_operator; the widget's settings.
    Migration{3, R"sql(
CREATE TABLE dialog_reads (
  dialog_id INTEGER NOT NULL REFERENCES dialogs(id),
  employee_id INTEGER NOT NULL REFERENCES employees(id),
  message_id INTEGER NOT NULL,
  PRIMARY KEY (dialog_id, employee_id)
) WITHOUT ROWID;
CREATE INDEX sessions_dialog_id ON sessions (dialog_id, id);
DROP INDEX sessions_dialog;
ALTER TABLE lines ADD COLUMN show_operator INTEGER NOT NULL DEFAULT 1;
ALTER TABLE channels ADD COLUMN widget TEXT NOT NULL DEFAULT '{}';  -- JSON: the widget's look
)sql"},
    // Quick answers (reply templates): global (line_id NULL) or of one line; soft-deleted.
    Migration{4, R"sql(
CREATE TABLE quick_answers (
  id INTEGER PRIMARY KEY,
  line_id INTEGER REFERENCES lines(id),  -- NULL: every line
  section TEXT NOT NULL DEFAULT '',      -- '' = none
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES employees(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX quick_answers_title ON quick_answers (title, id) WHERE deleted_at IS NULL;
CREATE INDEX quick_answers_line ON quick_answers (line_id) WHERE deleted_at IS NULL;
)sql"},
    // Edit history of messages; the outbox also carries edits and deletions (one "message"
    // row per message still, unique), so its UNIQUE(message_id) becomes a partial index.
    Migration{5, R"sql(
CREATE TABLE message_edits (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  previous_text TEXT NOT NULL,
  editor_id INTEGER NOT NULL,
  edited_at INTEGER NOT NULL
);
CREATE INDEX message_edits_message ON message_edits (message_id, id);
CREATE TABLE outbox_v5 (
  id INTEGER PRIMARY KEY,
  channel_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  kind TEXT NOT NULL DEFAULT 'message'
);
INSERT INTO outbox_v5 (id, channel_id, message_id, payload, status, attempts, next_attempt_at,
                       last_error, created_at, sent_at)
  SELECT id, channel_id, message_id, payload, status, attempts, next_attempt_at, last_error,
         created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v5 RENAME TO outbox;
CREATE UNIQUE INDEX outbox_message ON outbox (message_id) WHERE kind = 'message';
CREATE INDEX outbox_of_message ON outbox (message_id, id);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
)sql"},
    // Uploaded files (bytes stored by content hash outside the database) and the Drive's
    // folders, the files of each message (copied onto it as JSON, and indexed by file for
    // access checks), and server-wide settings such as the key that signs download URLs.
    Migration{6, R"sql(
CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  mime TEXT NOT NULL,
  name TEXT NOT NULL,
  uploader_employee INTEGER NOT NULL DEFAULT 0,
  uploader_customer INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  drive_folder INTEGER             -- NULL: not in the Drive; 0: its root; else drive_folders.id
);
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_drive ON files (drive_folder, id) WHERE drive_folder IS NOT NULL;
CREATE TABLE drive_folders (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER NOT NULL DEFAULT 0,  -- 0: the root
  name TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX drive_folders_name ON drive_folders (parent_id, name);
CREATE TABLE message_files (
  file_id INTEGER NOT NULL REFERENCES files(id),
  message_id INTEGER NOT NULL REFERENCES messages(id),
  PRIMARY KEY (file_id, message_id)
) WITHOUT ROWID;
ALTER TABLE messages ADD COLUMN files TEXT NOT NULL DEFAULT '[]';
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
    // The bot of each telegram channel: its token (a credential), what getMe said, how updates
    // arrive, and the polling offset (the next update_id; kept durably so a restart neither
    // loses nor repeats an update).
    Migration{7, R"sql(
CREATE TABLE telegram_bots (
  channel_id INTEGER PRIMARY KEY REFERENCES channels(id),
  token TEXT NOT NULL,
  bot_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  first_name TEXT NOT NULL,
  webhook INTEGER NOT NULL DEFAULT 0,
  update_offset INTEGER NOT NULL DEFAULT 0
);
)sql"},
    // The read paths at a million dialogs (docs/PERFORMANCE.md, read paths).
    // 1. Each dialog carries its latest session's status and operator (`session_status`, '' when
    //    it has none; `session_operator`), kept by triggers, so the list's views and the counts
    //    filter on dialogs alone: the unanswered view walks dialogs_unanswered and "mine" walks
    //    dialogs_open, newest first, and their counts read only those (covering) indexes.
    // 2. `dialog_search`: an FTS5 trigram index of the dialog's title and its customer's name,
    //    both folded by omni_lower (so case_sensitive 1: a phrase match is exactly a substring
    //    match of the folded texts), kept by triggers. The search finds its candidates here
    //    instead of folding every dialog's texts. Triggers call omni_lower, so these tables are
    //    written only through omniline (every connection registers it).
    Migration{8, R"sql(
ALTER TABLE dialogs ADD COLUMN session_status TEXT NOT NULL DEFAULT '';
ALTER TABLE dialogs ADD COLUMN session_operator INTEGER NOT NULL DEFAULT 0;
UPDATE dialogs SET (session_status, session_operator) =
  (SELECT s.status, s.operator_id FROM sessions s WHERE s.id = dialogs.session_id)
  WHERE session_id IN (SELECT id FROM sessions);
CREATE TRIGGER dialogs_session_insert AFTER INSERT ON dialogs BEGIN
  UPDATE dialogs SET
    session_status = coalesce((SELECT status FROM sessions WHERE id = NEW.session_id), ''),
    session_operator = coalesce((SELECT operator_id FROM sessions WHERE id = NEW.session_id), 0)
    WHERE id = NEW.id;
END;
CREATE TRIGGER dialogs_session_update AFTER UPDATE OF session_id ON dialogs BEGIN
  UPDATE dialogs SET
    session_status = coalesce((SELECT status FROM sessions WHERE id = NEW.session_id), ''),
    session_operator = coalesce((SELECT operator_id FROM sessions WHERE id = NEW.session_id), 0)
    WHERE id = NEW.id;
END;
CREATE TRIGGER sessions_state_update AFTER UPDATE OF status, operator_id ON sessions BEGIN
  UPDATE dialogs SET session_status = NEW.status, session_operator = NEW.operator_id
    WHERE id = NEW.dialog_id AND session_id = NEW.id;
END;
CREATE INDEX dialogs_unanswered
  ON dialogs (last_message_at DESC, id DESC, session_operator, line_id)
  WHERE session_status IN ('new', 'skipped');
CREATE INDEX dialogs_open
  ON dialogs (session_operator, last_message_at DESC, id DESC, session_status)
  WHERE session_status NOT IN ('closed', 'spam', 'silently_closed');

CREATE VIRTUAL TABLE dialog_search USING fts5(title, name, tokenize = 'trigram case_sensitive 1');
INSERT INTO dialog_search (rowid, title, name)
  SELECT d.id, omni_lower(d.title), omni_lower(c.name)
  FROM dialogs d JOIN customers c ON c.id = d.customer_id;
CREATE TRIGGER dialogs_search_insert AFTER INSERT ON dialogs BEGIN
  INSERT INTO dialog_search (rowid, title, name) VALUES (NEW.id, omni_lower(NEW.title),
    (SELECT omni_lower(name) FROM customers WHERE id = NEW.customer_id));
END;
CREATE TRIGGER dialogs_search_update AFTER UPDATE OF title, customer_id ON dialogs
  WHEN OLD.title IS NOT NEW.title OR OLD.customer_id IS NOT NEW.customer_id BEGIN
  UPDATE dialog_search SET title = omni_lower(NEW.title),
    name = (SELECT omni_lower(name) FROM customers WHERE id = NEW.customer_id)
    WHERE rowid = NEW.id;
END;
CREATE TRIGGER dialogs_search_delete AFTER DELETE ON dialogs BEGIN
  DELETE FROM dialog_search WHERE rowid = OLD.id;
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF name ON customers
  WHEN OLD.name IS NOT NEW.name BEGIN
  UPDATE dialog_search SET name = omni_lower(NEW.name)
    WHERE rowid IN (SELECT id FROM dialogs WHERE customer_id = NEW.id);
END;
)sql"},
    // v9: the copies of the session's status and operator on `dialogs` are refreshed only when
    // they change. An UPDATE names every column, and SQLite fires `AFTER UPDATE OF c` whenever c
    // is in the SET list, so each message (dialog and session rows rewritten) ran two more
    // UPDATEs of `dialogs` and of its four indexes: about a third of the ingest's cost.
    Migration{9, R"sql(
DROP TRIGGER dialogs_session_update;
CREATE TRIGGER dialogs_session_update AFTER UPDATE OF session_id ON dialogs
  WHEN OLD.session_id IS NOT NEW.session_id BEGIN
  UPDATE dialogs SET
    session_status = coalesce((SELECT status FROM sessions WHERE id = NEW.session_id), ''),
    session_operator = coalesce((SELECT operator_id FROM sessions WHERE id = NEW.session_id), 0)
    WHERE id = NEW.id;
END;
DROP TRIGGER sessions_state_update;
CREATE TRIGGER sessions_state_update AFTER UPDATE OF status, operator_id ON sessions
  WHEN OLD.status IS NOT NEW.status OR OLD.operator_id IS NOT NEW.operator_id BEGIN
  UPDATE dialogs SET session_status = NEW.status, session_operator = NEW.operator_id
    WHERE id = NEW.dialog_id AND session_id = NEW.id;
END;
)sql"},
    // v10: dialog_tallies, how many dialogs each (line, operator, class) holds, kept by triggers,
    // so that the list's counts are a sum over a few rows instead of a walk over every open
    // dialog (p99 72-100 ms with 1,000,000 dialogs, docs/PERFORMANCE.md). class: 1 unanswered
    // (new, skipped), 2 open otherwise (also a dialog without a session), 3 closed (closed,
    // spam, silently_closed); operator 0 is none. Each change adds or subtracts one whatever
    // order SQLite fires the triggers in (a row is created at 0 before it is moved), so the
    // tallies stay exact; the hot path (last message only) fires none of them.
    Migration{10, R"sql(
CREATE TABLE dialog_tallies (
  line_id INTEGER NOT NULL,
  operator_id INTEGER NOT NULL,
  class INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (line_id, operator_id, class)
) WITHOUT ROWID;
INSERT INTO dialog_tallies (line_id, operator_id, class, n)
  SELECT line_id, session_operator, CASE WHEN session_status IN ('new', 'skipped') THEN 1 WHEN session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END, count(*) FROM dialogs GROUP BY 1, 2, 3;
CREATE TRIGGER dialogs_tally_insert AFTER INSERT ON dialogs BEGIN
  INSERT OR IGNORE INTO dialog_tallies VALUES (NEW.line_id, NEW.session_operator, CASE WHEN NEW.session_status IN ('new', 'skipped') THEN 1 WHEN NEW.session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END, 0);
  UPDATE dialog_tallies SET n = n + 1 WHERE line_id = NEW.line_id
    AND operator_id = NEW.session_operator AND class = CASE WHEN NEW.session_status IN ('new', 'skipped') THEN 1 WHEN NEW.session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END;
END;
CREATE TRIGGER dialogs_tally_update AFTER UPDATE OF line_id, session_status, session_operator
  ON dialogs WHEN OLD.line_id IS NOT NEW.line_id OR OLD.session_status IS NOT NEW.session_status
  OR OLD.session_operator IS NOT NEW.session_operator BEGIN
  INSERT OR IGNORE INTO dialog_tallies VALUES (OLD.line_id, OLD.session_operator, CASE WHEN OLD.session_status IN ('new', 'skipped') THEN 1 WHEN OLD.session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END, 0);
  UPDATE dialog_tallies SET n = n - 1 WHERE line_id = OLD.line_id
    AND operator_id = OLD.session_operator AND class = CASE WHEN OLD.session_status IN ('new', 'skipped') THEN 1 WHEN OLD.session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END;
  INSERT OR IGNORE INTO dialog_tallies VALUES (NEW.line_id, NEW.session_operator, CASE WHEN NEW.session_status IN ('new', 'skipped') THEN 1 WHEN NEW.session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END, 0);
  UPDATE dialog_tallies SET n = n + 1 WHERE line_id = NEW.line_id
    AND operator_id = NEW.session_operator AND class = CASE WHEN NEW.session_status IN ('new', 'skipped') THEN 1 WHEN NEW.session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END;
END;
CREATE TRIGGER dialogs_tally_delete AFTER DELETE ON dialogs BEGIN
  INSERT OR IGNORE INTO dialog_tallies VALUES (OLD.line_id, OLD.session_operator, CASE WHEN OLD.session_status IN ('new', 'skipped') THEN 1 WHEN OLD.session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END, 0);
  UPDATE dialog_tallies SET n = n - 1 WHERE line_id = OLD.line_id
    AND operator_id = OLD.session_operator AND class = CASE WHEN OLD.session_status IN ('new', 'skipped') THEN 1 WHEN OLD.session_status IN ('closed', 'spam', 'silently_closed') THEN 3 ELSE 2 END;
END;
)sql"},
};

Error too_new(int version) {
  return Error::internal("database schema version " + std::to_string(version) +
                         " is newer than this binary supports (" +
                         std::to_string(latest_schema_version()) +
                         "); refusing to open it with an older omniline");
}

Result<int> current_version(Connection& conn) {
  auto st = conn.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!st.ok()) return std::move(st).take_error();
  auto row = st->step();
  if (!row.ok()) return std::move(row).take_error();
  return static_cast<int>(st->column_int(0));
}

// Applies `m` if the database is still below its version; returns the version afterwards.
Result<int> apply_one(Connection& conn, const Migration& m) {
  // IMMEDIATE: two processes migrating the same file serialise here instead of both applying.
  if (Status st = conn.exec("BEGIN IMMEDIATE"); !st.ok()) return std::move(st).take_error();
  auto fail = [&conn](Error e) -> Result<int> {
    (void)conn.exec("ROLLBACK");
    return e;
  };
  auto version = current_version(conn);
  if (!version.ok()) return fail(version.error());
  if (*version > latest_schema_version()) {
    return fail(too_new(*version));
  }
  if (*version >= m.version) {  // another process applied it meanwhile
    (void)conn.exec("ROLLBACK");
    return *version;
  }
  if (Status st = conn.exec(m.sql); !st.ok()) {
    return fail(Error::internal("migration " + std::to_string(m.version) +
                                " failed: " + st.error().message));
  }
  auto insert = conn.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)");
  if (!insert.ok()) return fail(insert.error());
  insert->bind(1, std::int64_t{m.version}).bind(2, now_ms());
  if (Status st = insert->run(); !st.ok()) return fail(st.error());
  if (Status st = conn.exec("COMMIT"); !st.ok()) return fail(st.error());
  return m.version;
}

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return kMigrations.back().version;
}

Result<int> apply_migrations(Connection& conn) {
  if (Status st = conn.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                            "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
      !st.ok()) {
    return std::move(st).take_error();
  }
  auto version = current_version(conn);
  if (!version.ok()) return version;
  if (*version > latest_schema_version()) {
    return too_new(*version);
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= *version) continue;
    auto applied = apply_one(conn, m);
    if (!applied.ok()) return applied;
    version = *applied;
  }
  return version;
}

}  // namespace omniline::store::sqlite
