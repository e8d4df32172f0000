// The read operations of the SQLite backend as plain functions of a connection that is already
// inside a transaction. SqliteReads<Base> (sqlite_tx.h) forwards its ReadTx methods here, so each
// is written once, outside the template, in the file of its subject:
// sqlite_lines.cc (lines, channels, customers), sqlite_dialogs.cc (dialogs, members, the dialog
// list), sqlite_sessions.cc (sessions, messages) and sqlite_events.cc (event log, outbox).
// Contracts: see the ReadTx methods of the same name in store/store.h.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace omniline::store::sqlite::reads {

// --- lines, channels, customers ---
Result<domain::Line> line_by_id(Connection& conn, LineId id);
Result<Page<domain::Line>> list_lines(Connection& conn, PageRequest page);
Result<std::vector<LineId>> lines_of_employee(Connection& conn, EmployeeId employee);
Result<UnixMs> last_assigned_at(Connection& conn, LineId line, EmployeeId employee);
Result<domain::Channel> channel_by_id(Connection& conn, ChannelId id);
Result<std::vector<domain::Channel>> list_channels(Connection& conn, LineId line);
Result<domain::Customer> customer_by_id(Connection& conn, CustomerId id);
Result<domain::Customer> customer_by_external(Connection& conn, ChannelId channel,
                                              std::string_view external_id);
Result<domain::Customer> customer_by_token_hash(Connection& conn, std::string_view token_hash);

// --- dialogs ---
Result<domain::Dialog> dialog_by_id(Connection& conn, DialogId id);
Result<domain::Dialog> dialog_by_key(Connection& conn, ChannelId channel, CustomerId customer,
                                     std::string_view external_chat_id);
Result<Page<DialogRow>> list_dialogs(Connection& conn, const DialogQuery& q);
Result<std::int64_t> count_dialogs(Connection& conn, const DialogQuery& q);
Result<std::vector<domain::Dialog>> related_dialogs(Connection& conn, DialogId id, int limit);
Result<bool> is_member(Connection& conn, DialogId dialog, EmployeeId employee);
Result<std::vector<EmployeeId>> members(Connection& conn, DialogId dialog);
Result<std::int64_t> unread_count(Connection& conn, DialogId dialog, EmployeeId employee, int cap);

// --- sessions, messages ---
Result<domain::Session> session_by_id(Connection& conn, SessionId id);
Result<Page<domain::Session>> list_sessions(Connection& conn, DialogId dialog, SessionId before,
                                            int limit);
Result<int> count_open_sessions(Connection& conn, EmployeeId employee, unsigned mask);
Result<std::vector<domain::Session>> waiting_sessions(Connection& conn, LineId line, int limit);
Result<std::vector<domain::Session>> due_offers(Connection& conn, UnixMs now, int limit);
Result<domain::Message> message_by_id(Connection& conn, MessageId id);
Result<domain::Message> message_by_external(Connection& conn, ChannelId channel,
                                            std::string_view external_id);
Result<Page<domain::Message>> list_messages(Connection& conn, DialogId dialog, MessageId before,
                                            int limit, bool include_hidden);
Result<std::vector<domain::MessageEdit>> message_edits(Connection& conn, MessageId message);

// --- event log, outbox ---
Result<std::vector<domain::EventRecord>> events_after(Connection& conn, std::int64_t after,
                                                      int limit);
Result<std::int64_t> last_event_seq(Connection& conn);
Result<std::int64_t> first_event_seq(Connection& conn);
Result<domain::OutboxItem> outbox_by_id(Connection& conn, OutboxId id);
Result<std::vector<domain::OutboxItem>> due_outbox(Connection& conn, UnixMs now, int limit);
Result<domain::OutboxItem> outbox_by_message(Connection& conn, MessageId message);

// --- files, settings (sqlite_files.cc) ---
Result<domain::StoredFile> file_by_id(Connection& conn, FileId id);
Result<std::vector<domain::Message>> messages_with_file(Connection& conn, FileId id, int limit);
Result<std::optional<std::string>> setting(Connection& conn, std::string_view key);
Result<domain::TelegramBot> telegram_bot(Connection& conn, ChannelId channel);
Result<std::vector<domain::TelegramBot>> telegram_bots(Connection& conn);
Result<Page<domain::StoredFile>> list_drive_files(Connection& conn, const DriveFileQuery& q);
Result<Page<ChatFile>> list_chat_files(Connection& conn, const ChatFileQuery& q);
Result<domain::DriveFolder> folder_by_id(Connection& conn, FolderId id);
Result<std::vector<domain::DriveFolder>> list_folders(Connection& conn, FolderId parent);
Result<bool> folder_is_empty(Connection& conn, FolderId id);

// --- quick answers (sqlite_quick_answers.cc) ---
Result<domain::QuickAnswer> quick_answer_by_id(Connection& conn, QuickAnswerId id);
Result<Page<domain::QuickAnswer>> list_quick_answers(Connection& conn, const QuickAnswerQuery& q);
Result<std::vector<std::string>> quick_answer_sections(Connection& conn,
                                                       const QuickAnswerQuery& q);

}  // namespace omniline::store::sqlite::reads
