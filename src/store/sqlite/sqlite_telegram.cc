// The bots of telegram channels and their polling offsets.
#include <utility>

#include "store/sqlite/reads.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {

namespace {

#define OMNILINE_BOT_COLUMNS \
  "b.channel_id, b.token, b.bot_id, b.username, b.first_name, b.webhook, b.update_offset"

Result<domain::TelegramBot> bot_row(const Statement& s) {
  domain::TelegramBot b;
  b.channel = ChannelId(s.column_int(0));
  b.token = s.column_text(1);
  b.bot_id = s.column_int(2);
  b.username = s.column_text(3);
  b.first_name = s.column_text(4);
  b.webhook = s.column_int(5) != 0;
  b.update_offset = s.column_int(6);
  return b;
}

}  // namespace

namespace reads {

Result<domain::TelegramBot> telegram_bot(Connection& conn, ChannelId channel) {
  auto st = conn.prepare("SELECT " OMNILINE_BOT_COLUMNS " FROM telegram_bots b WHERE b.channel_id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, channel.get());
  return one_row(*st, bot_row, "the channel has no bot");
}

Result<std::vector<domain::TelegramBot>> telegram_bots(Connection& conn) {
  auto st = conn.prepare("SELECT " OMNILINE_BOT_COLUMNS
                         " FROM telegram_bots b JOIN channels c ON c.id = b.channel_id"
                         " WHERE c.active = 1 AND c.deleted_at IS NULL ORDER BY b.channel_id");
  if (!st.ok()) return std::move(st).take_error();
  return all_rows<domain::TelegramBot>(*st, bot_row);
}

}  // namespace reads

Status SqliteWriteTx::put_telegram_bot(const domain::TelegramBot& b) {
  auto st = conn_.prepare(
      "INSERT INTO telegram_bots (channel_id, token, bot_id, username, first_name, webhook,"
      " update_offset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
      " ON CONFLICT (channel_id) DO UPDATE SET token = excluded.token, bot_id = excluded.bot_id,"
      " username = excluded.username, first_name = excluded.first_name, webhook = excluded.webhook");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, b.channel.get())
      .bind_text(2, b.token)
      .bind(3, b.bot_id)
      .bind_text(4, b.username)
      .bind_text(5, b.first_name)
      .bind(6, flag(b.webhook))
      .bind(7, b.update_offset);
  if (Status r = st->run(); !r.ok()) return write_error(*st, r.error(), "channel not found", "bot taken");
  return {};
}

Status SqliteWriteTx::set_telegram_offset(ChannelId channel, std::int64_t offset) {
  auto st = conn_.prepare(
      "UPDATE telegram_bots SET update_offset = max(update_offset, ?2) WHERE channel_id = ?1");
  if (!st.ok()) return std::move(st).take_error();
  st->bind(1, channel.get()).bind(2, offset);
  return change_one(conn_, *st, "the channel has no bot");
}

}  // namespace omniline::store::sqlite
