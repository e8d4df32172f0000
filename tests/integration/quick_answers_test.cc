// Quick answers (reply templates) over the real server: CRUD, paging, search, sections, the
// permission matrix per role and line, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "scenario.h"

namespace omniline::testing {
namespace {

using scn::World;

std::string S(std::int64_t v) {
  return std::to_string(v);
}

// Percent-encodes a query value.
std::string enc(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class QuickAnswers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->start()) << server_->log();
    w_ = new World(server_->port());
  }
  static void TearDownTestSuite() {
    delete w_;
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }
  static HttpResponse get(const std::string& t, const std::string& token = "") {
    return w_->call(bhttp::verb::get, t, "", token);
  }
  static HttpResponse post(const std::string& body, const std::string& token = "") {
    return w_->call(bhttp::verb::post, "/api/v1/quick-answers", body, token);
  }
  static HttpResponse patch(std::int64_t id, const std::string& body,
                            const std::string& token = "") {
    return w_->call(bhttp::verb::patch, "/api/v1/quick-answers/" + S(id), body, token);
  }
  static HttpResponse del(std::int64_t id, const std::string& token = "") {
    return w_->call(bhttp::verb::delete_, "/api/v1/quick-answers/" + S(id), "", token);
  }
  // Creates an answer (as `token`, empty: admin) and returns its id.
  static std::int64_t create(const std::string& title, const std::string& text,
                             std::int64_t line = 0, const std::string& section = "",
                             const std::string& token = "") {
    std::string body = "{\"title\":" + scn::jstr(title) + ",\"text\":" + scn::jstr(text) +
                       ",\"line_id\":" + (line ? S(line) : std::string("null"));
    if (!section.empty()) body += ",\"section\":" + scn::jstr(section);
    body += "}";
    auto r = post(body, token);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }
  static std::vector<std::string> titles(const HttpResponse& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    for (const auto& i : scn::items(r)) out.emplace_back(i.at("title").as_string());
    return out;
  }
  static std::set<std::int64_t> ids(const HttpResponse& r) {
    std::set<std::int64_t> out;
    if (r.status != 200) return out;
    for (const auto& i : scn::items(r)) out.insert(i.at("id").as_int64());
    return out;
  }
  static ServerProcess* server_;
  static World* w_;
};
ServerProcess* QuickAnswers::server_ = nullptr;
World* QuickAnswers::w_ = nullptr;

TEST_F(QuickAnswers, CreateReadUpdateDelete) {
  auto line = w_->line({});
  auto r = post(R"({"title":"  Greeting ","text":"Hello, [b]friend[/b]!","section":"Openers",)"
                R"("line_id":)" +
                S(line) + "}");
  ASSERT_EQ(r.status, 201) << r.body;
  auto qa = r.json().as_object();
  const auto id = qa.at("id").as_int64();
  EXPECT_GT(id, 0);
  EXPECT_EQ(qa.at("title").as_string(), "Greeting");  // trimmed
  EXPECT_EQ(qa.at("text").as_string(), "Hello, [b]friend[/b]!");
  EXPECT_EQ(qa.at("section").as_string(), "Openers");
  EXPECT_EQ(qa.at("line_id").as_int64(), line);
  EXPECT_EQ(qa.at("created_by").as_int64(), w_->admin_id());
  EXPECT_TRUE(qa.at("created_at").is_string());
  EXPECT_TRUE(qa.at("updated_at").is_string());

  auto g = get("/api/v1/quick-answers/" + S(id));
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(g.json().at("title").as_string(), "Greeting");

  // PATCH changes only what it names; section null clears; line_id null makes it global.
  auto p = patch(id, R"({"text":"Hi!"})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json().at("text").as_string(), "Hi!");
  EXPECT_EQ(p.json().at("title").as_string(), "Greeting");
  EXPECT_EQ(p.json().at("section").as_string(), "Openers");
  p = patch(id, R"({"section":null,"line_id":null,"title":"Hello"})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_TRUE(p.json().at("section").is_null());
  EXPECT_TRUE(p.json().at("line_id").is_null());
  EXPECT_EQ(p.json().at("title").as_string(), "Hello");
  EXPECT_EQ(get("/api/v1/quick-answers/" + S(id)).json().at("title").as_string(), "Hello");

  auto d = del(id);
  EXPECT_EQ(d.status, 204) << d.body;
  EXPECT_EQ(get("/api/v1/quick-answers/" + S(id)).status, 404);
  EXPECT_EQ(del(id).status, 404);
  EXPECT_EQ(patch(id, R"({"text":"x"})").status, 404);
  EXPECT_EQ(ids(get("/api/v1/quick-answers?limit=200")).count(id), 0u);
}

TEST_F(QuickAnswers, PagingSearchAndSections) {
  auto op = w_->employee("operator", "Pia");
  auto line = w_->line({op.id});
  const std::string tag = "pg" + S(line);  // keeps this test's answers apart
  std::vector<std::int64_t> made;
  for (int i = 0; i < 5; ++i)
    made.push_back(create(tag + " item " + S(i), "body " + S(i), i % 2 ? line : 0,
                          i < 3 ? "Billing " + tag : "Delivery " + tag));
  create(tag + " Приветствие", "Здравствуйте, ЧЕМ могу помочь?", line, "", op.token);

  // Pages of 2 follow the title order without gaps or repeats.
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto r = get(
        "/api/v1/quick-answers?limit=2&q=" + enc(tag) + (cursor.empty() ? "" : "&cursor=" + cursor),
        op.token);
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    EXPECT_LE(body.at("items").as_array().size(), 2u);
    for (const auto& i : body.at("items").as_array()) seen.emplace_back(i.at("title").as_string());
    cursor =
        body.at("next_cursor").is_null() ? "" : std::string(body.at("next_cursor").as_string());
    ++pages;
  } while (!cursor.empty() && pages < 10);
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(pages, 3);

  // Case-insensitive search over title and text, Cyrillic included.
  EXPECT_EQ(titles(get("/api/v1/quick-answers?q=" + enc(tag + " ПРИВЕТ"), op.token)),
            std::vector<std::string>{tag + " Приветствие"});
  EXPECT_EQ(titles(get("/api/v1/quick-answers?q=" + enc("чем МОГУ"), op.token)),
            std::vector<std::string>{tag + " Приветствие"});
  EXPECT_EQ(titles(get("/api/v1/quick-answers?q=" + enc(tag + " ITEM 3"), op.token)),
            std::vector<std::string>{tag + " item 3"});

  // Section filter and the sections list.
  EXPECT_EQ(titles(get("/api/v1/quick-answers?section=" + enc("Delivery " + tag), op.token)),
            (std::vector<std::string>{tag + " item 3", tag + " item 4"}));
  auto s = get("/api/v1/quick-answers/sections?line_id=" + S(line), op.token);
  ASSERT_EQ(s.status, 200) << s.body;
  std::vector<std::string> sections;
  const auto sections_body = s.json();
  for (const auto& v : sections_body.at("items").as_array()) sections.emplace_back(v.as_string());
  EXPECT_NE(std::find(sections.begin(), sections.end(), "Billing " + tag), sections.end());
  EXPECT_NE(std::find(sections.begin(), sections.end(), "Delivery " + tag), sections.end());
  EXPECT_TRUE(std::is_sorted(sections.begin(), sections.end()));

  // Bad paging input.
  EXPECT_EQ(get("/api/v1/quick-answers?limit=0").status, 400);
  EXPECT_EQ(get("/api/v1/quick-answers?limit=201").status, 400);
  EXPECT_EQ(get("/api/v1/quick-answers?limit=x").status, 400);
  EXPECT_EQ(get("/api/v1/quick-answers?cursor=bogus").status, 400);
  EXPECT_EQ(get("/api/v1/quick-answers?q=" + std::string(201, 'q')).status, 400);
  EXPECT_EQ(get("/api/v1/quick-answers?line_id=abc").status, 400);
  EXPECT_EQ(get("/api/v1/quick-answers?line_id=99999999").status, 404);
  EXPECT_EQ(get("/api/v1/quick-answers/sections?line_id=-1").status, 400);
}

TEST_F(QuickAnswers, PermissionMatrix) {
  auto op = w_->employee("operator", "Olga");
  auto other = w_->employee("operator", "Oscar");
  auto sup = w_->employee("supervisor", "Sven");
  auto mine = w_->line({op.id});
  auto theirs = w_->line({other.id});
  auto global = create("perm global", "g");
  auto of_mine = create("perm mine", "m", mine);
  auto of_theirs = create("perm theirs", "t", theirs);

  // Reading: the operator sees global answers and those of their lines; another line's is 404.
  auto seen = ids(get("/api/v1/quick-answers?limit=200&q=perm", op.token));
  EXPECT_EQ(seen, (std::set<std::int64_t>{global, of_mine}));
  EXPECT_EQ(get("/api/v1/quick-answers/" + S(global), op.token).status, 200);
  EXPECT_EQ(get("/api/v1/quick-answers/" + S(of_mine), op.token).status, 200);
  EXPECT_EQ(get("/api/v1/quick-answers/" + S(of_theirs), op.token).status, 404);
  // Quick answers of a line the operator is not in: 404, also for its sections.
  auto foreign = get("/api/v1/quick-answers?line_id=" + S(theirs), op.token);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(foreign.error_code(), "not_found");
  EXPECT_EQ(get("/api/v1/quick-answers/sections?line_id=" + S(theirs), op.token).status, 404);
  EXPECT_EQ(ids(get("/api/v1/quick-answers?limit=200&q=perm&line_id=" + S(mine), op.token)),
            (std::set<std::int64_t>{global, of_mine}));
  // Supervisors and admins see everything.
  EXPECT_EQ(ids(get("/api/v1/quick-answers?limit=200&q=perm", sup.token)),
            (std::set<std::int64_t>{global, of_mine, of_theirs}));
  EXPECT_EQ(ids(get("/api/v1/quick-answers?limit=200&q=perm&line_id=" + S(theirs), sup.token)),
            (std::set<std::int64_t>{global, of_theirs}));

  // Writing: operators manage their lines' answers only.
  auto own = create("perm op-made", "x", mine, "", op.token);
  EXPECT_GT(own, 0);
  EXPECT_EQ(patch(own, R"({"title":"perm op-edited"})", op.token).status, 200);
  EXPECT_EQ(patch(of_mine, R"({"text":"m2"})", op.token).status, 200);
  auto r = post(R"({"title":"t","text":"x"})", op.token);  // global
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.error_code(), "forbidden");
  EXPECT_EQ(post(R"({"title":"t","text":"x","line_id":null})", op.token).status, 403);
  EXPECT_EQ(post(R"({"title":"t","text":"x","line_id":)" + S(theirs) + "}", op.token).status, 403);
  EXPECT_EQ(patch(global, R"({"text":"no"})", op.token).status, 403);
  EXPECT_EQ(del(global, op.token).status, 403);
  EXPECT_EQ(patch(of_theirs, R"({"text":"no"})", op.token).status, 404);
  EXPECT_EQ(del(of_theirs, op.token).status, 404);
  // Neither moving their answer to global nor to another line.
  EXPECT_EQ(patch(own, R"({"line_id":null})", op.token).status, 403);
  EXPECT_EQ(patch(own, R"({"line_id":)" + S(theirs) + "}", op.token).status, 403);
  EXPECT_EQ(get("/api/v1/quick-answers/" + S(global)).json().at("text").as_string(), "g");
  EXPECT_EQ(del(own, op.token).status, 204);
  // The other operator cannot touch mine.
  EXPECT_EQ(del(of_mine, other.token).status, 404);

  // Supervisors manage global and any line's.
  auto by_sup = create("perm sup", "s", 0, "", sup.token);
  EXPECT_EQ(patch(by_sup, R"({"line_id":)" + S(theirs) + "}", sup.token).status, 200);
  EXPECT_EQ(patch(of_mine, R"({"text":"m3"})", sup.token).status, 200);
  EXPECT_EQ(del(by_sup, sup.token).status, 204);

  // Leaving the queue takes the line's answers away.
  ASSERT_EQ(w_->call(bhttp::verb::patch, "/api/v1/lines/" + S(mine), R"({"queue":[]})").status,
            200);
  EXPECT_EQ(get("/api/v1/quick-answers/" + S(of_mine), op.token).status, 404);
}

TEST_F(QuickAnswers, BadInput) {
  auto line = w_->line({});
  auto id = create("bad base", "text");
  const std::string big_title(201, 't');
  const std::string big_text(10001, 'x');
  struct Case {
    const char* what;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"malformed JSON", "{\"title\":"},
      {"not an object", "[1,2]"},
      {"empty body", ""},
      {"title missing", R"({"text":"x"})"},
      {"text missing", R"({"title":"x"})"},
      {"title a number", R"({"title":5,"text":"x"})"},
      {"text an object", R"({"title":"t","text":{}})"},
      {"section a number", R"({"title":"t","text":"x","section":1})"},
      {"line_id a string", R"({"title":"t","text":"x","line_id":"1"})"},
      {"line_id zero", R"({"title":"t","text":"x","line_id":0})"},
      {"line_id negative", R"({"title":"t","text":"x","line_id":-3})"},
      {"empty title", R"({"title":"","text":"x"})"},
      {"blank title", R"({"title":"  ","text":"x"})"},
      {"two-line title", R"({"title":"a\nb","text":"x"})"},
      {"oversized title", "{\"title\":\"" + big_title + "\",\"text\":\"x\"}"},
      {"empty text", R"({"title":"t","text":""})"},
      {"blank text", R"({"title":"t","text":" \n "})"},
      {"oversized text", "{\"title\":\"t\",\"text\":\"" + big_text + "\"}"},
      {"oversized section",
       "{\"title\":\"t\",\"text\":\"x\",\"section\":\"" + std::string(101, 's') + "\"}"},
      {"unknown field", R"({"title":"t","text":"x","color":"red"})"},
  };
  for (const auto& c : cases) {
    auto r = post(c.body);
    EXPECT_EQ(r.status, 400) << c.what << ": " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request") << c.what;
    if (c.body.empty() || c.body[0] != '{') continue;
    if (std::string(c.what).find("missing") != std::string::npos) continue;
    auto p = patch(id, c.body);
    EXPECT_EQ(p.status, 400) << "PATCH " << c.what << ": " << p.body;
  }
  // An unknown line is 404 for creating and moving.
  auto unknown = post(R"({"title":"t","text":"x","line_id":99999999})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(patch(id, R"({"line_id":99999999})").status, 404);
  // A deleted line too.
  ASSERT_EQ(w_->call(bhttp::verb::delete_, "/api/v1/lines/" + S(line)).status, 204);
  EXPECT_EQ(post(R"({"title":"t","text":"x","line_id":)" + S(line) + "}").status, 404);
  // Unknown ids.
  EXPECT_EQ(get("/api/v1/quick-answers/99999999").status, 404);
  EXPECT_EQ(get("/api/v1/quick-answers/abc").status, 404);
  EXPECT_EQ(patch(99999999, R"({"text":"x"})").status, 404);
  EXPECT_EQ(del(99999999).status, 404);
  // Nothing changed by the failures.
  auto g = get("/api/v1/quick-answers/" + S(id));
  EXPECT_EQ(g.json().at("title").as_string(), "bad base");
  EXPECT_EQ(g.json().at("text").as_string(), "text");
  // Exactly at the limits is fine.
  EXPECT_GT(create(std::string(200, 't'), std::string(10000, 'x')), 0);
}

TEST_F(QuickAnswers, EveryEndpointNeedsSignIn) {
  auto id = create("auth", "x");
  for (auto [m, path, body] : std::vector<std::tuple<bhttp::verb, std::string, std::string>>{
           {bhttp::verb::get, "/api/v1/quick-answers", ""},
           {bhttp::verb::get, "/api/v1/quick-answers/sections", ""},
           {bhttp::verb::post, "/api/v1/quick-answers", R"({"title":"t","text":"x"})"},
           {bhttp::verb::get, "/api/v1/quick-answers/" + S(id), ""},
           {bhttp::verb::patch, "/api/v1/quick-answers/" + S(id), R"({"text":"y"})"},
           {bhttp::verb::delete_, "/api/v1/quick-answers/" + S(id), ""}}) {
    auto r = w_->call_anon(m, path, body);
    EXPECT_EQ(r.status, 401) << path << ": " << r.body;
    EXPECT_EQ(r.error_code(), "unauthorized") << path;
    auto bad = w_->call(m, path, body, "ols_not-a-real-token");
    EXPECT_EQ(bad.status, 401) << path << ": " << bad.body;
  }
  EXPECT_EQ(get("/api/v1/quick-answers/" + S(id)).json().at("text").as_string(), "x");
}

}  // namespace
}  // namespace omniline::testing
