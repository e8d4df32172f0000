#include "app/demo_data.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <random>
#include <string>

#include "common/clock.h"
#include "services/crypto.h"

namespace omniline::app {
namespace {

constexpr std::array kFirst{"Anna",  "Boris", "Chloe", "Dmitri", "Elena", "Farid", "Greta",
                            "Hugo",  "Irina", "Jonas", "Kira",   "Liam",  "Maya",  "Nikolai",
                            "Olga",  "Pavel", "Quinn", "Rosa",   "Sergei", "Tanya"};
constexpr std::array kLast{"Ivanova", "Smith",  "Müller", "Petrov", "García", "Kowalski",
                           "Rossi",   "Nguyen", "Sato",   "Jensen", "Novak",  "Dubois"};
// A quarter of the customers have Cyrillic names (the read benchmark searches for them).
constexpr std::array kFirstCyr{"Анна", "Дмитрий", "Ольга", "Сергей", "Татьяна", "Никита"};
constexpr std::array kLastCyr{"Иванова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев"};
constexpr std::array kCustomer{
    "Hello, my order has not arrived yet.",
    "Can I change the delivery address?",
    "The app shows an error when I pay by card.",
    "Do you ship to Kazakhstan?",
    "Thanks, that helped!",
    "Здравствуйте! Подскажите, пожалуйста, статус заказа.",
    "I was charged twice for the same order.",
    "How do I reset my password?",
    "Is the blue model back in stock?",
    "Can I get an invoice for my company?"};
constexpr std::array kOperator{
    "Hello! Let me check that for you.",
    "Could you send me the order number, please?",
    "I have forwarded this to our billing team.",
    "Done — you will get an e-mail in a few minutes.",
    "Sorry for the wait, we are looking into it.",
    "Anything else I can help you with?",
    "[b]Good news:[/b] it ships tomorrow.",
    "You can reset it from the sign-in page."};

struct Setup {
  LineId line;
  ChannelId channel;
  std::vector<EmployeeId> operators;
};

Result<Setup> create_line(store::WriteTx& tx, UnixMs now) {
  store::EmployeeFilter active;
  active.active = true;
  auto staff = tx.list_employees(active, {0, 200});
  if (!staff.ok()) return std::move(staff).take_error();
  Setup s;
  for (const auto& e : staff->items)
    if (e.role != domain::Role::kSupervisor && s.operators.size() < 20) s.operators.push_back(e.id);
  if (s.operators.empty()) return Error::invalid("no active admin or operator to answer dialogs");
  domain::Line line;
  line.name = "Demo";
  line.queue = s.operators;
  line.routing.mode = domain::RoutingMode::kAll;
  line.created_at = line.updated_at = now;
  auto l = tx.insert_line(line);
  if (!l.ok()) return std::move(l).take_error();
  s.line = *l;
  domain::Channel c;
  c.line_id = s.line;
  c.kind = domain::ChannelKind::kApi;
  c.name = "Demo connector";
  c.secret = "olk_" + crypto::random_token(32);
  c.created_at = c.updated_at = now;
  auto ch = tx.insert_channel(c);
  if (!ch.ok()) return std::move(ch).take_error();
  s.channel = *ch;
  return s;
}

// One customer with one dialog, its session and messages.
Status add_dialog(store::WriteTx& tx, const Setup& setup, std::int64_t n, int messages,
                  UnixMs now, std::mt19937_64& rng, std::int64_t& written) {
  const UnixMs month = 30LL * 24 * 3600 * 1000;
  const UnixMs start = now - static_cast<UnixMs>(rng() % static_cast<std::uint64_t>(month));
  domain::Customer c;
  c.channel_id = setup.channel;
  c.external_id = "demo-" + std::to_string(n);
  if (rng() % 4 == 0)
    c.name = std::string(kFirstCyr[rng() % kFirstCyr.size()]) + " " +
             kLastCyr[rng() % kLastCyr.size()];
  else
    c.name = std::string(kFirst[rng() % kFirst.size()]) + " " + kLast[rng() % kLast.size()];
  if (n % 3 == 0) c.email = "customer" + std::to_string(n) + "@example.com";
  c.created_at = c.updated_at = start;
  auto cid = tx.insert_customer(c);
  if (!cid.ok()) return std::move(cid).take_error();

  domain::Dialog d;
  d.line_id = setup.line;
  d.channel_id = setup.channel;
  d.customer_id = *cid;
  d.external_chat_id = c.external_id;
  d.created_at = start;
  auto did = tx.insert_dialog(d);
  if (!did.ok()) return std::move(did).take_error();
  d.id = *did;

  const EmployeeId op = setup.operators[rng() % setup.operators.size()];
  const int kind = static_cast<int>(rng() % 10);  // 0: new, 1-2: in work, else closed
  domain::Session s;
  s.dialog_id = d.id;
  s.line_id = setup.line;
  s.created_at = start;
  if (kind == 0) {
    s.status = domain::SessionStatus::kNew;
  } else {
    s.operator_id = op;
    s.assigned_at = s.answered_at = start + 30'000;
    s.status = kind <= 2 ? domain::SessionStatus::kWaitingOperator : domain::SessionStatus::kClosed;
  }
  auto sid = tx.insert_session(s);
  if (!sid.ok()) return std::move(sid).take_error();
  s.id = *sid;

  // A waiting dialog has only the customer's first message; others alternate.
  const int count = kind == 0 ? 1 : std::max(1, messages);
  UnixMs at = start;
  domain::Message m;
  for (int i = 0; i < count; ++i) {
    m = domain::Message{};
    m.dialog_id = d.id;
    m.session_id = s.id;
    m.channel_id = setup.channel;
    at += 20'000 + static_cast<UnixMs>(rng() % 100'000);
    m.created_at = at;
    if (i % 2 == 0) {
      m.author_kind = domain::AuthorKind::kCustomer;
      m.author_customer = *cid;
      m.text = kCustomer[rng() % kCustomer.size()];
    } else {
      m.author_kind = domain::AuthorKind::kOperator;
      m.author_employee = op;
      m.text = kOperator[rng() % kOperator.size()];
      m.delivery = domain::DeliveryStatus::kDelivered;
      if (!s.first_reply_at) s.first_reply_at = at;
    }
    auto mid = tx.insert_message(m);
    if (!mid.ok()) return std::move(mid).take_error();
    m.id = *mid;
    ++written;
  }
  s.message_count = count;
  if (s.status == domain::SessionStatus::kClosed) s.closed_at = at + 60'000;
  if (Status u = tx.update_session(s); !u.ok()) return u;
  d.session_id = s.id;
  d.last_message_id = m.id;
  d.last_message_at = at;
  if (Status u = tx.update_dialog(d); !u.ok()) return u;
  if (s.operator_id.is_valid()) return tx.add_member(d.id, op, start);
  return {};
}

}  // namespace

Result<DemoReport> fill_demo_data(store::Store& store, const DemoOptions& o) {
  if (o.dialogs < 1) return Error::invalid("--dialogs must be at least 1");
  if (o.messages_per_dialog < 1 || o.messages_per_dialog > 10000)
    return Error::invalid("--messages-per-dialog must be 1..10000");
  const auto t0 = std::chrono::steady_clock::now();
  const UnixMs now = SystemClock().now();
  auto setup = store.write_value<Setup>([&](store::WriteTx& tx) { return create_line(tx, now); });
  if (!setup.ok()) return std::move(setup).take_error();
  DemoReport r;
  r.line = setup->line;
  r.channel = setup->channel;
  std::mt19937_64 rng(42);
  for (std::int64_t done = 0; done < o.dialogs;) {
    const std::int64_t upto = std::min<std::int64_t>(o.dialogs, done + std::max(1, o.batch));
    std::int64_t written = 0;
    Status st = store.write([&](store::WriteTx& tx) -> Status {
      written = 0;
      for (std::int64_t n = done; n < upto; ++n)
        if (Status a = add_dialog(tx, *setup, n, o.messages_per_dialog, now, rng, written); !a.ok())
          return a;
      return {};
    });
    if (!st.ok()) return st.error();
    r.messages += written;
    done = upto;
    r.dialogs = done;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace omniline::app
