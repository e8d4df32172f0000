// ReadTx/WriteTx over one SQLite connection that is already inside a transaction.
// The store opens and ends the transaction (BEGIN/COMMIT for reads, a SAVEPOINT inside the
// writer's batch for writes); these classes only run statements, all with bound parameters.
#pragma once

#include "store/sqlite/connection.h"
#include "store/sqlite/reads.h"
#include "store/store.h"

namespace omniline::store::sqlite {

// Largest page a list (employees, lines, dialogs, messages) returns, whatever the request asks.
constexpr int kMaxPageLimit = 1000;

// The read operations, written once and shared by both transaction kinds: `Base` is ReadTx
// for the read pool and WriteTx for the writer. Instantiated for those two in sqlite_tx.cc.
// Employees and tokens are defined there; everything newer forwards to the plain functions of
// reads.h, which live in the sqlite_*.cc file of their subject.
template <typename Base>
class SqliteReads : public Base {
 public:
  explicit SqliteReads(Connection& conn) : conn_(conn) {}

  Result<domain::Employee> employee_by_id(EmployeeId id) override;
  Result<domain::Employee> employee_by_email(std::string_view email) override;
  Result<Page<domain::Employee>> list_employees(const EmployeeFilter& filter,
                                                PageRequest page) override;
  Result<std::int64_t> count_employees() override;
  Result<std::int64_t> count_active_admins() override;
  Result<domain::AuthToken> token_by_hash(std::string_view token_hash) override;
  Result<std::vector<domain::AuthToken>> list_tokens(EmployeeId employee,
                                                     domain::TokenKind kind) override;

  // --- lines, channels, customers (sqlite_lines.cc) ---
  Result<domain::Line> line_by_id(LineId id) override { return reads::line_by_id(conn_, id); }
  Result<Page<domain::Line>> list_lines(PageRequest page) override {
    return reads::list_lines(conn_, page);
  }
  Result<std::vector<LineId>> lines_of_employee(EmployeeId employee) override {
    return reads::lines_of_employee(conn_, employee);
  }
  Result<UnixMs> last_assigned_at(LineId line, EmployeeId employee) override {
    return reads::last_assigned_at(conn_, line, employee);
  }
  Result<domain::Channel> channel_by_id(ChannelId id) override {
    return reads::channel_by_id(conn_, id);
  }
  Result<std::vector<domain::Channel>> list_channels(LineId line) override {
    return reads::list_channels(conn_, line);
  }
  Result<domain::Customer> customer_by_id(CustomerId id) override {
    return reads::customer_by_id(conn_, id);
  }
  Result<domain::Customer> customer_by_external(ChannelId channel,
                                                std::string_view external_id) override {
    return reads::customer_by_external(conn_, channel, external_id);
  }
  Result<domain::Customer> customer_by_token_hash(std::string_view token_hash) override {
    return reads::customer_by_token_hash(conn_, token_hash);
  }

  // --- dialogs (sqlite_dialogs.cc) ---
  Result<domain::Dialog> dialog_by_id(DialogId id) override {
    return reads::dialog_by_id(conn_, id);
  }
  Result<domain::Dialog> dialog_by_key(ChannelId channel, CustomerId customer,
                                       std::string_view external_chat_id) override {
    return reads::dialog_by_key(conn_, channel, customer, external_chat_id);
  }
  Result<Page<DialogRow>> list_dialogs(const DialogQuery& q) override {
    return reads::list_dialogs(conn_, q);
  }
  Result<std::int64_t> count_dialogs(const DialogQuery& q) override {
    return reads::count_dialogs(conn_, q);
  }
  Result<std::vector<domain::Dialog>> related_dialogs(DialogId id, int limit) override {
    return reads::related_dialogs(conn_, id, limit);
  }
  Result<bool> is_member(DialogId dialog, EmployeeId employee) override {
    return reads::is_member(conn_, dialog, employee);
  }
  Result<std::vector<EmployeeId>> members(DialogId dialog) override {
    return reads::members(conn_, dialog);
  }
  Result<std::int64_t> unread_count(DialogId dialog, EmployeeId employee, int cap) override {
    return reads::unread_count(conn_, dialog, employee, cap);
  }

  // --- sessions, messages (sqlite_sessions.cc) ---
  Result<domain::Session> session_by_id(SessionId id) override {
    return reads::session_by_id(conn_, id);
  }
  Result<Page<domain::Session>> list_sessions(DialogId dialog, SessionId before,
                                              int limit) override {
    return reads::list_sessions(conn_, dialog, before, limit);
  }
  Result<int> count_open_sessions(EmployeeId employee, unsigned mask) override {
    return reads::count_open_sessions(conn_, employee, mask);
  }
  Result<std::vector<domain::Session>> waiting_sessions(LineId line, int limit) override {
    return reads::waiting_sessions(conn_, line, limit);
  }
  Result<std::vector<domain::Session>> due_offers(UnixMs now, int limit) override {
    return reads::due_offers(conn_, now, limit);
  }
  Result<domain::Message> message_by_id(MessageId id) override {
    return reads::message_by_id(conn_, id);
  }
  Result<domain::Message> message_by_external(ChannelId channel,
                                              std::string_view external_id) override {
    return reads::message_by_external(conn_, channel, external_id);
  }
  Result<Page<domain::Message>> list_messages(DialogId dialog, MessageId before, int limit,
                                              bool include_hidden) override {
    return reads::list_messages(conn_, dialog, before, limit, include_hidden);
  }
  Result<std::vector<domain::MessageEdit>> message_edits(MessageId message) override {
    return reads::message_edits(conn_, message);
  }

  // --- event log, outbox (sqlite_events.cc) ---
  Result<std::vector<domain::EventRecord>> events_after(std::int64_t after, int limit) override {
    return reads::events_after(conn_, after, limit);
  }
  Result<std::int64_t> last_event_seq() override { return reads::last_event_seq(conn_); }
  Result<std::int64_t> first_event_seq() override { return reads::first_event_seq(conn_); }
  Result<domain::OutboxItem> outbox_by_id(OutboxId id) override {
    return reads::outbox_by_id(conn_, id);
  }
  Result<std::vector<domain::OutboxItem>> due_outbox(UnixMs now, int limit) override {
    return reads::due_outbox(conn_, now, limit);
  }
  Result<domain::OutboxItem> outbox_by_message(MessageId message) override {
    return reads::outbox_by_message(conn_, message);
  }

  // --- files, settings (sqlite_files.cc) ---
  Result<domain::StoredFile> file_by_id(FileId id) override { return reads::file_by_id(conn_, id); }
  Result<std::vector<domain::Message>> messages_with_file(FileId id, int limit) override {
    return reads::messages_with_file(conn_, id, limit);
  }
  Result<std::optional<std::string>> setting(std::string_view key) override {
    return reads::setting(conn_, key);
  }
  Result<domain::TelegramBot> telegram_bot(ChannelId channel) override {
    return reads::telegram_bot(conn_, channel);
  }
  Result<std::vector<domain::TelegramBot>> telegram_bots() override { return reads::telegram_bots(conn_); }
  Result<Page<domain::StoredFile>> list_drive_files(const DriveFileQuery& q) override {
    return reads::list_drive_files(conn_, q);
  }
  Result<Page<ChatFile>> list_chat_files(const ChatFileQuery& q) override {
    return reads::list_chat_files(conn_, q);
  }
  Result<domain::DriveFolder> folder_by_id(FolderId id) override { return reads::folder_by_id(conn_, id); }
  Result<std::vector<domain::DriveFolder>> list_folders(FolderId parent) override {
    return reads::list_folders(conn_, parent);
  }
  Result<bool> folder_is_empty(FolderId id) override { return reads::folder_is_empty(conn_, id); }

  // --- quick answers (sqlite_quick_answers.cc) ---
  Result<domain::QuickAnswer> quick_answer_by_id(QuickAnswerId id) override {
    return reads::quick_answer_by_id(conn_, id);
  }
  Result<Page<domain::QuickAnswer>> list_quick_answers(const QuickAnswerQuery& q) override {
    return reads::list_quick_answers(conn_, q);
  }
  Result<std::vector<std::string>> quick_answer_sections(const QuickAnswerQuery& q) override {
    return reads::quick_answer_sections(conn_, q);
  }

  // The raw connection, for sqlite-specific tests and diagnostics.
  Connection& connection() { return conn_; }

 protected:
  Connection& conn_;
};

extern template class SqliteReads<ReadTx>;
extern template class SqliteReads<WriteTx>;

using SqliteReadTx = SqliteReads<ReadTx>;

class SqliteWriteTx final : public SqliteReads<WriteTx> {
 public:
  explicit SqliteWriteTx(Connection& conn) : SqliteReads<WriteTx>(conn) {}

  Result<EmployeeId> insert_employee(const domain::Employee& e) override;
  Status update_employee(const domain::Employee& e) override;
  Result<TokenId> insert_token(const domain::AuthToken& t) override;
  Status touch_token(TokenId id, UnixMs used_at) override;
  Status revoke_token(EmployeeId employee, TokenId id, UnixMs at) override;
  Result<std::int64_t> revoke_all_tokens(EmployeeId employee, UnixMs at) override;
  Result<std::int64_t> purge_tokens(UnixMs before) override;

  // --- lines, channels, customers (sqlite_lines.cc) ---
  Result<LineId> insert_line(const domain::Line& line) override;
  Status update_line(const domain::Line& line) override;
  Status delete_line(LineId id, UnixMs at) override;
  Status set_last_assigned(LineId line, EmployeeId employee, UnixMs at) override;
  Result<ChannelId> insert_channel(const domain::Channel& channel) override;
  Status update_channel(const domain::Channel& channel) override;
  Status delete_channel(ChannelId id, UnixMs at) override;
  Result<CustomerId> insert_customer(const domain::Customer& c) override;
  Status update_customer(const domain::Customer& c) override;

  // --- dialogs (sqlite_dialogs.cc) ---
  Result<DialogId> insert_dialog(const domain::Dialog& d) override;
  Status update_dialog(const domain::Dialog& d) override;
  Status set_dialog_last_message(DialogId dialog, MessageId message, UnixMs at) override;
  Status add_member(DialogId dialog, EmployeeId employee, UnixMs at) override;
  Status set_read_mark(DialogId dialog, EmployeeId employee, MessageId message) override;

  // --- sessions, messages (sqlite_sessions.cc) ---
  Result<SessionId> insert_session(const domain::Session& s) override;
  Status update_session(const domain::Session& s) override;
  Status set_session_message_count(SessionId session, std::int64_t count) override;
  Result<MessageId> insert_message(const domain::Message& m) override;
  Status update_message(const domain::Message& m) override;
  Status insert_message_edit(const domain::MessageEdit& e) override;

  // --- event log, outbox (sqlite_events.cc) ---
  Result<std::int64_t> insert_event(const domain::EventRecord& e) override;
  Result<std::int64_t> purge_events(UnixMs before, std::int64_t keep) override;
  Result<OutboxId> insert_outbox(const domain::OutboxItem& item) override;
  Status update_outbox(const domain::OutboxItem& item) override;

  // --- quick answers (sqlite_quick_answers.cc) ---
  Result<QuickAnswerId> insert_quick_answer(const domain::QuickAnswer& qa) override;
  Status update_quick_answer(const domain::QuickAnswer& qa) override;
  Status delete_quick_answer(QuickAnswerId id, UnixMs at) override;

  // --- files, settings (sqlite_files.cc) ---
  Result<FileId> insert_file(const domain::StoredFile& f) override;
  Status set_drive_folder(FileId id, std::optional<FolderId> folder) override;
  Status put_telegram_bot(const domain::TelegramBot& bot) override;
  Status set_telegram_offset(ChannelId channel, std::int64_t offset) override;
  Result<FolderId> insert_folder(const domain::DriveFolder& f) override;
  Status update_folder(const domain::DriveFolder& f) override;
  Status delete_folder(FolderId id) override;
  Result<std::string> put_setting_if_absent(std::string_view key, std::string_view value) override;

 private:
  // Writes the queue of a line: positions in order, last_assigned_at kept for those who stay.
  Status write_queue(LineId line, const std::vector<EmployeeId>& queue);
};

}  // namespace omniline::store::sqlite
