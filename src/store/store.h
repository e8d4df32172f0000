// Store: the only way the rest of the server reaches durable state.
//
// Threading contract
//  - read(fn) runs fn on one of the store's pooled read connections, on the *calling* thread, inside
//    one read transaction (a consistent snapshot). It blocks: never call it from an I/O thread.
//  - submit_write(fn, done) queues fn for the single writer thread and returns at once. The writer
//    batches every queued transaction into one database transaction ("group commit"): each fn runs
//    inside its own savepoint, so an fn that returns an error is rolled back alone; then the batch
//    commits with one sync. `done` is called on the writer thread once the batch is durable (or has
//    failed), with fn's own status, or with the commit's error. Keep `done` short: post work away.
//  - write(fn) is submit_write + wait; it blocks the calling thread (never an I/O thread).
//  - fn must not block on anything but the database, and must not call read/write recursively.
//  - All methods are thread-safe. After close() every call fails with ErrorCode::kUnavailable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ids.h"
#include "common/result.h"
#include "domain/auth_token.h"
#include "domain/dialog.h"
#include "domain/employee.h"
#include "domain/event_record.h"
#include "domain/line.h"
#include "domain/quick_answer.h"
#include "domain/telegram.h"

namespace omniline::store {

// A page of a list in id order. `after` is the exclusive lower bound (0: from the start).
struct PageRequest {
  std::int64_t after = 0;
  int limit = 50;
};

template <typename T>
struct Page {
  std::vector<T> items;
  bool has_more = false;  // true when more items follow the last one returned
};

// Files in one Drive folder, newest first, optionally whose name contains q (case-folded).
struct DriveFileQuery {
  FolderId folder;  // 0: the root
  std::string q;
  FileId before;    // cursor: ids below this (0: from the newest)
  int limit = 50;
};

// Files attached to (non-deleted) messages of the dialogs a viewer may see, each once (with its
// newest such message), newest file first.
struct ChatFileQuery {
  EmployeeId viewer;
  bool viewer_sees_all = false;
  std::string q;
  FileId before;
  int limit = 50;
};
struct ChatFile {
  domain::StoredFile file;
  MessageId message;
  DialogId dialog;
};

struct EmployeeFilter {
  std::optional<bool> active;  // nullopt: both
  std::string search;          // case-insensitive substring of the name or e-mail; "" = all
};

// The dialog list (`GET /dialogs`). Ordered by last activity, newest first.
enum class DialogView {
  kUnanswered,  // current session new/skipped, and (for a limited viewer) offered to the viewer
                // or unassigned in one of the viewer's lines
  kMine,        // current session open, answered, with the viewer as its operator
  kAll,         // every dialog the viewer may see
};

struct DialogQuery {
  DialogView view = DialogView::kAll;
  EmployeeId viewer;
  // true for admins and supervisors: every line. Otherwise the viewer sees the lines whose
  // queue they are in and the dialogs they are a member of (invited, or operator of once).
  bool viewer_sees_all = false;
  std::optional<LineId> line_id;  // filter
  std::string q;  // filter: case-insensitive substring of the title or the customer's name
  // Cursor: strictly after (older than) this (last_message_at, dialog id). 0/0: from the top.
  UnixMs before_at = 0;
  std::int64_t before_id = 0;
  int limit = 50;
};

// The quick answers a viewer may see (`GET /quick-answers`), ordered by (title, id).
struct QuickAnswerQuery {
  EmployeeId viewer;
  // true for admins and supervisors: every line's answers. Otherwise the global answers and
  // those of the lines whose queue the viewer is in.
  bool viewer_sees_all = false;
  std::optional<LineId> line_id;  // filter: the global answers plus this line's
  std::string section;            // filter: exactly this section; "" = any
  std::string q;  // filter: case-insensitive substring of the title or the text
  // Cursor: strictly after this (title, id). ""/0: from the start.
  std::string after_title;
  std::int64_t after_id = 0;
  int limit = 50;
};

// One row of the dialog list.
struct DialogRow {
  domain::Dialog dialog;
  domain::Session session;    // the dialog's latest session
  domain::Customer customer;
  std::optional<domain::Message> last_message;  // the newest message (hidden ones included)
  std::int64_t unread = 0;  // filled by the service for the viewer (ReadTx::unread_count)
  std::optional<domain::Channel> channel;  // filled by the service
};

// Read-only operations available inside read() and write().
class ReadTx {
 public:
  virtual ~ReadTx() = default;

  virtual Result<domain::Employee> employee_by_id(EmployeeId id) = 0;          // not_found
  virtual Result<domain::Employee> employee_by_email(std::string_view email) = 0;  // exact, lower-cased
  virtual Result<Page<domain::Employee>> list_employees(const EmployeeFilter& filter,
                                                        PageRequest page) = 0;
  virtual Result<std::int64_t> count_employees() = 0;
  // Active admins, for "never remove the last admin" checks.
  virtual Result<std::int64_t> count_active_admins() = 0;

  virtual Result<domain::AuthToken> token_by_hash(std::string_view token_hash) = 0;  // not_found
  // Tokens of one employee of one kind, newest first; revoked ones excluded.
  virtual Result<std::vector<domain::AuthToken>> list_tokens(EmployeeId employee,
                                                             domain::TokenKind kind) = 0;

  // --- lines ---
  virtual Result<domain::Line> line_by_id(LineId id) = 0;  // not_found (also when deleted)
  virtual Result<Page<domain::Line>> list_lines(PageRequest page) = 0;  // id order, not deleted
  // Lines (not deleted) whose queue contains the employee.
  virtual Result<std::vector<LineId>> lines_of_employee(EmployeeId employee) = 0;
  // When the employee was last assigned a session on the line (0 = never, or not in queue).
  virtual Result<UnixMs> last_assigned_at(LineId line, EmployeeId employee) = 0;

  // --- channels ---
  virtual Result<domain::Channel> channel_by_id(ChannelId id) = 0;  // not_found (also deleted)
  virtual Result<std::vector<domain::Channel>> list_channels(LineId line) = 0;  // id order

  // --- customers ---
  virtual Result<domain::Customer> customer_by_id(CustomerId id) = 0;
  virtual Result<domain::Customer> customer_by_external(ChannelId channel,
                                                        std::string_view external_id) = 0;
  virtual Result<domain::Customer> customer_by_token_hash(std::string_view token_hash) = 0;

  // --- dialogs ---
  virtual Result<domain::Dialog> dialog_by_id(DialogId id) = 0;
  virtual Result<domain::Dialog> dialog_by_key(ChannelId channel, CustomerId customer,
                                               std::string_view external_chat_id) = 0;
  virtual Result<Page<DialogRow>> list_dialogs(const DialogQuery& q) = 0;
  virtual Result<std::int64_t> count_dialogs(const DialogQuery& q) = 0;  // ignores cursor/limit
  // Other dialogs of the same line whose customer shares a non-empty e-mail or phone with this
  // dialog's customer, newest activity first, at most `limit`.
  virtual Result<std::vector<domain::Dialog>> related_dialogs(DialogId id, int limit) = 0;
  virtual Result<bool> is_member(DialogId dialog, EmployeeId employee) = 0;
  virtual Result<std::vector<EmployeeId>> members(DialogId dialog) = 0;  // join order
  // Customer messages of the dialog after the employee's read mark (none: all of them), not
  // deleted, counted up to `cap`.
  virtual Result<std::int64_t> unread_count(DialogId dialog, EmployeeId employee, int cap) = 0;

  // --- sessions ---
  virtual Result<domain::Session> session_by_id(SessionId id) = 0;
  // Sessions of a dialog with id < `before` (0: all), newest first, at most `limit`.
  virtual Result<Page<domain::Session>> list_sessions(DialogId dialog, SessionId before,
                                                      int limit) = 0;
  // Open sessions whose operator is `employee`, counted by `mask` (domain::CountedStatus bits:
  // new/skipped with that operator count as kCountNew, in_work and waiting_operator as
  // kCountAnswered, operator_replied as kCountWaitingCustomer, closing as kCountClosing).
  virtual Result<int> count_open_sessions(EmployeeId employee, unsigned mask) = 0;
  // Open, unassigned new/skipped sessions of a line, oldest first, at most `limit`.
  virtual Result<std::vector<domain::Session>> waiting_sessions(LineId line, int limit) = 0;
  // Open sessions whose offer_deadline <= now, earliest first, at most `limit`.
  virtual Result<std::vector<domain::Session>> due_offers(UnixMs now, int limit) = 0;

  // --- messages ---
  virtual Result<domain::Message> message_by_id(MessageId id) = 0;
  virtual Result<domain::Message> message_by_external(ChannelId channel,
                                                      std::string_view external_id) = 0;
  // Messages of a dialog older than `before` (0: the newest), newest first, at most `limit`;
  // hidden messages only when include_hidden. has_more: older ones exist.
  virtual Result<Page<domain::Message>> list_messages(DialogId dialog, MessageId before,
                                                      int limit, bool include_hidden) = 0;
  // A message's earlier versions, oldest first (at most 1000).
  virtual Result<std::vector<domain::MessageEdit>> message_edits(MessageId message) = 0;

  // --- realtime event log ---
  // Events with seq > after, in seq order, at most `limit`.
  virtual Result<std::vector<domain::EventRecord>> events_after(std::int64_t after, int limit) = 0;
  // The newest seq (0: none) and the oldest retained (0: none).
  virtual Result<std::int64_t> last_event_seq() = 0;
  virtual Result<std::int64_t> first_event_seq() = 0;

  // --- outbox ---
  virtual Result<domain::OutboxItem> outbox_by_id(OutboxId id) = 0;
  // Pending items with next_attempt_at <= now, oldest first, at most `limit`.
  virtual Result<std::vector<domain::OutboxItem>> due_outbox(UnixMs now, int limit) = 0;
  // The outbox item of a message (not_found: none).
  virtual Result<domain::OutboxItem> outbox_by_message(MessageId message) = 0;

  // --- files ---
  virtual Result<domain::StoredFile> file_by_id(FileId id) = 0;  // not_found
  // Messages that carry the file (newest first, at most `limit`), deleted and hidden included.
  virtual Result<std::vector<domain::Message>> messages_with_file(FileId id, int limit) = 0;
  virtual Result<Page<domain::StoredFile>> list_drive_files(const DriveFileQuery& q) = 0;
  virtual Result<Page<ChatFile>> list_chat_files(const ChatFileQuery& q) = 0;
  // --- Drive folders ---
  virtual Result<domain::DriveFolder> folder_by_id(FolderId id) = 0;  // not_found
  // Subfolders of `parent` (0: the root) by name, at most 1000.
  virtual Result<std::vector<domain::DriveFolder>> list_folders(FolderId parent) = 0;
  // Neither subfolders nor files.
  virtual Result<bool> folder_is_empty(FolderId id) = 0;

  // --- telegram ---
  virtual Result<domain::TelegramBot> telegram_bot(ChannelId channel) = 0;  // not_found
  // The bots of active, not deleted telegram channels, by channel id.
  virtual Result<std::vector<domain::TelegramBot>> telegram_bots() = 0;

  // --- settings: server-wide values kept in the database (keys, not user preferences) ---
  virtual Result<std::optional<std::string>> setting(std::string_view key) = 0;

  // --- quick answers (answers of deleted lines and deleted answers are never read) ---
  virtual Result<domain::QuickAnswer> quick_answer_by_id(QuickAnswerId id) = 0;  // not_found
  virtual Result<Page<domain::QuickAnswer>> list_quick_answers(const QuickAnswerQuery& q) = 0;
  // The distinct non-empty sections of the answers `q` would list (ignoring section, q, the
  // cursor and limit), in order.
  virtual Result<std::vector<std::string>> quick_answer_sections(const QuickAnswerQuery& q) = 0;
};

// Read-write operations, available only inside write().
class WriteTx : public ReadTx {
 public:
  // Inserts and returns the new id; conflict when the e-mail is taken. Ignores e.id.
  virtual Result<EmployeeId> insert_employee(const domain::Employee& e) = 0;
  // Replaces every field of the row e.id; not_found, conflict (e-mail taken).
  virtual Status update_employee(const domain::Employee& e) = 0;

  virtual Result<TokenId> insert_token(const domain::AuthToken& t) = 0;  // conflict on same hash
  virtual Status touch_token(TokenId id, UnixMs used_at) = 0;
  // Marks revoked; not_found when no such unrevoked token of that employee.
  virtual Status revoke_token(EmployeeId employee, TokenId id, UnixMs at) = 0;
  // Revokes every token of an employee (deactivation, password change). Returns how many.
  virtual Result<std::int64_t> revoke_all_tokens(EmployeeId employee, UnixMs at) = 0;
  // Deletes tokens that expired or were revoked before `before`. Returns how many.
  virtual Result<std::int64_t> purge_tokens(UnixMs before) = 0;

  // --- lines: insert ignores id; update replaces name, routing and the queue (keeping
  // last_assigned_at of employees who stay in it); delete is soft (not_found afterwards).
  virtual Result<LineId> insert_line(const domain::Line& line) = 0;
  virtual Status update_line(const domain::Line& line) = 0;
  virtual Status delete_line(LineId id, UnixMs at) = 0;
  virtual Status set_last_assigned(LineId line, EmployeeId employee, UnixMs at) = 0;

  // --- channels (same rules; not_found on insert when the line does not exist) ---
  virtual Result<ChannelId> insert_channel(const domain::Channel& channel) = 0;
  virtual Status update_channel(const domain::Channel& channel) = 0;
  virtual Status delete_channel(ChannelId id, UnixMs at) = 0;

  // --- customers: conflict on a taken (channel, external_id) ---
  virtual Result<CustomerId> insert_customer(const domain::Customer& c) = 0;
  virtual Status update_customer(const domain::Customer& c) = 0;

  // --- dialogs: conflict on a taken (channel, customer, external_chat_id) ---
  virtual Result<DialogId> insert_dialog(const domain::Dialog& d) = 0;
  virtual Status update_dialog(const domain::Dialog& d) = 0;
  // The hot path of a new message: only the dialog's last message changes (not_found). Cheaper
  // than update_dialog, which rewrites every column and so every index of the row.
  virtual Status set_dialog_last_message(DialogId dialog, MessageId message, UnixMs at) = 0;
  // Adds a member (no-op when already one).
  virtual Status add_member(DialogId dialog, EmployeeId employee, UnixMs at) = 0;
  // Moves the employee's read mark of the dialog forward to `message` (never back).
  virtual Status set_read_mark(DialogId dialog, EmployeeId employee, MessageId message) = 0;

  // --- sessions ---
  virtual Result<SessionId> insert_session(const domain::Session& s) = 0;
  virtual Status update_session(const domain::Session& s) = 0;
  // Only the message count changes (not_found): a message that leaves the status as it was.
  virtual Status set_session_message_count(SessionId session, std::int64_t count) = 0;

  // --- messages: conflict when (channel_id, external_id) is taken (non-empty external id).
  // A message's files are stored with it (and indexed for messages_with_file); update_message
  // does not change them.
  virtual Result<MessageId> insert_message(const domain::Message& m) = 0;
  virtual Status update_message(const domain::Message& m) = 0;
  virtual Status insert_message_edit(const domain::MessageEdit& e) = 0;

  // --- event log ---
  virtual Result<std::int64_t> insert_event(const domain::EventRecord& e) = 0;  // returns seq
  // Deletes events older than `before`, always keeping the newest `keep`. Returns how many.
  virtual Result<std::int64_t> purge_events(UnixMs before, std::int64_t keep) = 0;

  // --- outbox ---
  virtual Result<OutboxId> insert_outbox(const domain::OutboxItem& item) = 0;
  virtual Status update_outbox(const domain::OutboxItem& item) = 0;

  // --- files: insert ignores id ---
  virtual Result<FileId> insert_file(const domain::StoredFile& f) = 0;
  // Puts the file into a Drive folder (0: the root) or, with nullopt, out of the Drive.
  virtual Status set_drive_folder(FileId id, std::optional<FolderId> folder) = 0;
  // Folders: conflict when the parent already has a folder of that name.
  virtual Result<FolderId> insert_folder(const domain::DriveFolder& f) = 0;
  virtual Status update_folder(const domain::DriveFolder& f) = 0;  // name and parent
  virtual Status delete_folder(FolderId id) = 0;

  // Inserts or replaces the channel's bot (the offset is kept when replacing).
  virtual Status put_telegram_bot(const domain::TelegramBot& bot) = 0;
  // Moves the polling offset forward (never back).
  virtual Status set_telegram_offset(ChannelId channel, std::int64_t offset) = 0;

  // Sets the value unless the key has one; returns the value the key has afterwards.
  virtual Result<std::string> put_setting_if_absent(std::string_view key, std::string_view value) = 0;

  // --- quick answers: insert ignores id (not_found when the line or author does not exist);
  // update replaces line_id, section, title, text and updated_at; delete is soft.
  virtual Result<QuickAnswerId> insert_quick_answer(const domain::QuickAnswer& qa) = 0;
  virtual Status update_quick_answer(const domain::QuickAnswer& qa) = 0;
  virtual Status delete_quick_answer(QuickAnswerId id, UnixMs at) = 0;
};

struct StoreStats {
  std::uint64_t batches = 0;       // commits done
  std::uint64_t transactions = 0;  // transactions committed or rolled back inside batches
  std::uint64_t queue_depth = 0;   // transactions waiting for the writer now
};

// Observer of every commit, for metrics: the batch size and its commit latency (BEGIN→durable).
using CommitObserver = std::function<void(std::size_t batch_size, double seconds)>;

class Store {
 public:
  virtual ~Store() = default;

  using ReadFn = std::function<Status(ReadTx&)>;
  using WriteFn = std::function<Status(WriteTx&)>;
  using DoneFn = std::function<void(Status)>;

  virtual Status read(const ReadFn& fn) = 0;
  virtual void submit_write(WriteFn fn, DoneFn done) = 0;
  Status write(WriteFn fn);

  // Typed helpers: run fn and hand back its value.
  template <typename T>
  Result<T> read_value(const std::function<Result<T>(ReadTx&)>& fn);
  template <typename T>
  Result<T> write_value(const std::function<Result<T>(WriteTx&)>& fn);

  // The schema version the database is at, and whether it is open and migrated.
  virtual int schema_version() const = 0;
  virtual bool ready() const = 0;
  virtual StoreStats stats() const = 0;
  virtual void set_commit_observer(CommitObserver observer) = 0;

  // Finishes every queued write, stops the writer, closes connections. Idempotent.
  virtual void close() = 0;
};

struct SqliteOptions {
  std::string path;            // database file; created when missing
  int read_connections = 4;    // size of the read pool
  std::size_t max_batch = 512; // most transactions in one group commit
  std::size_t max_queue = 100000;  // submit_write beyond this fails with kUnavailable
  int busy_timeout_ms = 5000;
};

// Opens (creating if needed) an SQLite database with WAL, synchronous=FULL and foreign keys on,
// and applies pending migrations. Fails with the reason when the file cannot be opened/migrated.
Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options);

// Applies pending migrations only (for `omniline migrate`); returns the resulting version.
Result<int> migrate_sqlite(const std::string& path);

// --- template implementations ---
template <typename T>
Result<T> Store::read_value(const std::function<Result<T>(ReadTx&)>& fn) {
  std::optional<Result<T>> out;
  Status st = read([&](ReadTx& tx) -> Status {
    out.emplace(fn(tx));
    if (!out->ok()) return out->error();
    return {};
  });
  if (!st.ok()) return std::move(st).take_error();
  return std::move(*out);
}

template <typename T>
Result<T> Store::write_value(const std::function<Result<T>(WriteTx&)>& fn) {
  std::optional<Result<T>> out;
  Status st = write([&](WriteTx& tx) -> Status {
    out.emplace(fn(tx));
    if (!out->ok()) return out->error();
    return {};
  });
  if (!st.ok()) return std::move(st).take_error();
  return std::move(*out);
}

}  // namespace omniline::store
