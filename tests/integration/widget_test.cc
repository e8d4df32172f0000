// The website chat's server side beyond the core: the widget's look per channel (validated,
// served to visitors by GET …/config), the pre-chat form and consent, operators hidden per
// line, the /demo page and the sample line of `serve --sample-line`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scenario.h"

namespace omniline::testing {
namespace {

using scn::World;

std::string S(std::int64_t v) { return std::to_string(v); }

class WidgetSide : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir("omniline-widget");
    std::filesystem::create_directories(tmp_->path() + "/web/demo");
    std::ofstream(tmp_->path() + "/web/demo/index.html")
        << "<!doctype html><script src=\"/widget.js\" data-channel=\"__CHANNEL_ID__\"></script>";
    server_ = new ServerProcess({"--sample-line"}, {}, tmp_->path());
    ASSERT_TRUE(server_->start()) << server_->log();
    w_ = new World(server_->port());
  }
  static void TearDownTestSuite() {
    delete w_;
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
    delete tmp_;
  }
  static HttpResponse anon(bhttp::verb m, const std::string& target, const std::string& body = "",
                           const std::map<std::string, std::string>& h = {}) {
    return http_once(server_->port(), m, target, body, h);
  }
  static std::int64_t webchat(std::int64_t line, const std::string& extra = "") {
    auto r = w_->call(bhttp::verb::post, "/api/v1/lines/" + S(line) + "/channels",
                      R"({"kind":"webchat")" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }
  static TempDir* tmp_;
  static ServerProcess* server_;
  static World* w_;
};
TempDir* WidgetSide::tmp_ = nullptr;
ServerProcess* WidgetSide::server_ = nullptr;
World* WidgetSide::w_ = nullptr;

TEST_F(WidgetSide, SampleLineAndDemoPage) {
  // --sample-line on an empty database: "Support" with the admin and a website chat.
  auto lines = w_->call(bhttp::verb::get, "/api/v1/lines");
  ASSERT_EQ(lines.status, 200);
  auto lj = lines.json();
  ASSERT_FALSE(lj.at("items").as_array().empty());
  const auto& support = lj.at("items").as_array()[0];
  EXPECT_EQ(support.at("name").as_string(), "Support");
  EXPECT_EQ(support.at("queue").as_array()[0].as_int64(), w_->admin_id());
  auto chans = w_->call(bhttp::verb::get, "/api/v1/lines/" + S(support.at("id").as_int64()) + "/channels");
  auto cj = chans.json();
  ASSERT_EQ(cj.at("items").as_array().size(), 1u);
  const auto channel_id = cj.at("items").as_array()[0].at("id").as_int64();
  EXPECT_EQ(cj.at("items").as_array()[0].at("kind").as_string(), "webchat");

  auto demo = anon(bhttp::verb::get, "/demo");
  ASSERT_EQ(demo.status, 200) << demo.body;
  EXPECT_NE(demo.body.find("data-channel=\"" + S(channel_id) + "\""), std::string::npos);
  EXPECT_EQ(demo.body.find("__CHANNEL_ID__"), std::string::npos);
  EXPECT_NE(demo.header("content-security-policy").find("script-src 'self'"), std::string::npos);

  // A restart with the flag does not add a second sample line.
  ASSERT_EQ(server_->stop(), 0);
  ASSERT_TRUE(server_->start()) << server_->log();
  delete w_;
  w_ = new World(server_->port());
  auto again = w_->call(bhttp::verb::get, "/api/v1/lines");
  std::size_t named_support = 0;
  auto aj = again.json();
  for (const auto& l : aj.at("items").as_array()) named_support += l.at("name").as_string() == "Support";
  EXPECT_EQ(named_support, 1u);
}

TEST_F(WidgetSide, SettingsAreValidatedMergedAndServedToVisitors) {
  const auto line = w_->line({w_->admin_id()});
  const auto ch = webchat(line, R"(,"allowed_origins":["https://shop.example"])");
  ASSERT_GT(ch, 0);
  auto c = w_->call(bhttp::verb::get, "/api/v1/channels/" + S(ch));
  EXPECT_EQ(c.json().at("widget").at("color").as_string(), "#2563eb");  // defaults

  auto p = w_->call(bhttp::verb::patch, "/api/v1/channels/" + S(ch),
                    R"({"widget":{"title":"Talk to Acme","color":"#aa0011","position":"left",)"
                    R"("prechat_fields":["name","phone"],"prechat_required":true,)"
                    R"("consent_required":true,"consent_text":"We keep your data 30 days."}})");
  ASSERT_EQ(p.status, 200) << p.body;
  // A partial patch keeps the rest.
  p = w_->call(bhttp::verb::patch, "/api/v1/channels/" + S(ch), R"({"widget":{"greeting":"Hi!"}})");
  ASSERT_EQ(p.status, 200) << p.body;
  auto wj = p.json().at("widget");
  EXPECT_EQ(wj.at("title").as_string(), "Talk to Acme");
  EXPECT_EQ(wj.at("greeting").as_string(), "Hi!");
  EXPECT_EQ(wj.at("position").as_string(), "left");
  EXPECT_EQ(wj.at("prechat_fields").as_array().size(), 2u);

  for (const std::string& bad :
       {std::string(R"({"widget":{"color":"red"}})"), std::string(R"({"widget":{"color":"#GGGGGG"}})"),
        std::string(R"({"widget":{"title":""}})"), std::string(R"({"widget":{"title":"a\nb"}})"),
        std::string(R"({"widget":{"position":"top"}})"), std::string(R"({"widget":{"prechat_fields":["age"]}})"),
        std::string(R"({"widget":{"consent_text":""}})"),  // consent is required here
        std::string(R"({"widget":{"greeting":")") + std::string(1001, 'x') + "\"}}",
        std::string(R"({"widget":{"surprise":1}})"), std::string(R"({"widget":[]})"),
        std::string(R"({"widget":{"prechat_required":"yes"}})")}) {
    auto r = w_->call(bhttp::verb::patch, "/api/v1/channels/" + S(ch), bad);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
  }
  // Nothing bad was stored; api channels take no widget settings.
  EXPECT_EQ(w_->call(bhttp::verb::get, "/api/v1/channels/" + S(ch)).json().at("widget").at("color").as_string(),
            "#aa0011");
  auto api = w_->channel(line, "api");
  EXPECT_EQ(w_->call(bhttp::verb::patch, "/api/v1/channels/" + S(api.id), R"({"widget":{"title":"x"}})").status,
            400);

  // Visitors read the look without a token, from allowed origins only.
  auto cfg = anon(bhttp::verb::get, "/api/v1/widget/channels/" + S(ch) + "/config", "",
                  {{"Origin", "https://shop.example"}});
  ASSERT_EQ(cfg.status, 200) << cfg.body;
  EXPECT_EQ(cfg.header("access-control-allow-origin"), "https://shop.example");
  EXPECT_EQ(cfg.json().at("widget").at("title").as_string(), "Talk to Acme");
  EXPECT_TRUE(cfg.json().at("show_operator").as_bool());
  EXPECT_EQ(anon(bhttp::verb::get, "/api/v1/widget/channels/" + S(ch) + "/config", "",
                 {{"Origin", "https://evil.example"}}).status,
            403);
  EXPECT_EQ(anon(bhttp::verb::get, "/api/v1/widget/channels/" + S(api.id) + "/config").status, 404);
  EXPECT_EQ(anon(bhttp::verb::get, "/api/v1/widget/channels/99999999/config").status, 404);

  // The pre-chat form and the consent are enforced for new visitors.
  const std::string start = "/api/v1/widget/channels/" + S(ch) + "/session";
  const std::map<std::string, std::string> shop{{"Origin", "https://shop.example"}};
  EXPECT_EQ(anon(bhttp::verb::post, start, R"({"name":"Ann","phone":"+1 555"})", shop).status, 400);
  EXPECT_EQ(anon(bhttp::verb::post, start, R"({"name":"Ann","consent":true})", shop).status, 400);
  EXPECT_EQ(anon(bhttp::verb::post, start, R"({"phone":"+1 555","consent":true})", shop).status, 400);
  EXPECT_EQ(anon(bhttp::verb::post, start, R"({"name":"Ann","phone":"+1 555","consent":"y"})", shop).status,
            400);
  EXPECT_EQ(anon(bhttp::verb::post, start, R"({"name":"Ann","phone":")" + std::string(51, '1') +
                                               R"(","consent":true})", shop).status,
            400);
  auto ok = anon(bhttp::verb::post, start, R"({"name":"Ann","phone":"+1 555","consent":true})", shop);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json().at("customer").at("phone").as_string(), "+1 555");
  // A returning visitor (valid token) is not asked again.
  auto back = anon(bhttp::verb::post, start,
                   R"({"token":")" + std::string(ok.json().at("token").as_string()) + "\"}", shop);
  EXPECT_EQ(back.status, 200) << back.body;
}

TEST_F(WidgetSide, LineCanHideOperatorsFromCustomers) {
  auto op = w_->employee("operator", "Visible Vera");
  const auto line = w_->line({op.id}, R"({"mode":"all","only_available":false})");
  auto l = w_->call(bhttp::verb::get, "/api/v1/lines/" + S(line));
  EXPECT_TRUE(l.json().at("show_operator").as_bool());
  const auto ch = webchat(line);
  auto start = anon(bhttp::verb::post, "/api/v1/widget/channels/" + S(ch) + "/session", "{}");
  ASSERT_EQ(start.status, 200);
  const std::string token(start.json().at("token").as_string());
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + token}};
  ASSERT_EQ(anon(bhttp::verb::post, "/api/v1/widget/messages", R"({"text":"hi"})", auth).status, 201);
  auto dialogs = w_->call(bhttp::verb::get, "/api/v1/dialogs?view=unanswered", "", op.token);
  std::int64_t dialog = 0;
  auto dj = dialogs.json();
  for (const auto& d : dj.at("items").as_array())
    if (d.at("channel_id").as_int64() == ch) dialog = d.at("id").as_int64();
  ASSERT_GT(dialog, 0);
  ASSERT_EQ(w_->send(dialog, op.token, "Hello from Vera").status, 201);

  auto author_of_last = [&] {
    auto h = anon(bhttp::verb::get, "/api/v1/widget/messages", "", auth);
    EXPECT_EQ(h.status, 200) << h.body;
    auto hj = h.json();
    return json::value(hj.at("items").as_array().back().at("author"));
  };
  auto a = author_of_last();
  EXPECT_EQ(a.at("name").as_string(), "Visible Vera");
  EXPECT_TRUE(a.as_object().contains("avatar_url"));
  EXPECT_FALSE(a.as_object().contains("id"));

  ASSERT_EQ(w_->call(bhttp::verb::patch, "/api/v1/lines/" + S(line), R"({"show_operator":false})").status, 200);
  EXPECT_EQ(author_of_last().at("name").as_string(), "");
  EXPECT_FALSE(anon(bhttp::verb::get, "/api/v1/widget/channels/" + S(ch) + "/config").json().at("show_operator").as_bool());
  EXPECT_EQ(w_->call(bhttp::verb::patch, "/api/v1/lines/" + S(line), R"({"show_operator":1})").status, 400);
  // Staff still see who wrote.
  auto staff = w_->history(dialog, op.token);
  EXPECT_EQ(staff.back().at("author").at("name").as_string(), "Visible Vera");
}

TEST_F(WidgetSide, CustomersSeeEditsAndDeletionsButNotMentionMarkup) {
  auto op = w_->employee("operator", "Wendy Widget");
  const auto line = w_->line({op.id}, R"({"mode":"all","only_available":false})");
  const auto ch = webchat(line);
  auto start = anon(bhttp::verb::post, "/api/v1/widget/channels/" + S(ch) + "/session", "{}");
  ASSERT_EQ(start.status, 200);
  const std::map<std::string, std::string> auth{
      {"Authorization", "Bearer " + std::string(start.json().at("token").as_string())}};
  auto first = anon(bhttp::verb::post, "/api/v1/widget/messages", R"({"text":"hi"})", auth);
  ASSERT_EQ(first.status, 201);
  const auto dialog = first.json().at("dialog_id").as_int64();
  auto m1 = w_->send(dialog, op.token, "Ask [user=" + S(op.id) + "]Wendy[/user] [b]anytime[/b]");
  ASSERT_EQ(m1.status, 201) << m1.body;
  auto m2 = w_->send(dialog, op.token, "wrong answer");
  ASSERT_EQ(m2.status, 201);
  ASSERT_EQ(w_->call(bhttp::verb::patch, "/api/v1/messages/" + S(m1.json().at("id").as_int64()),
                     R"({"text":"Ask us [b]anytime[/b]"})", op.token).status,
            200);
  ASSERT_EQ(w_->call(bhttp::verb::delete_, "/api/v1/messages/" + S(m2.json().at("id").as_int64()), "",
                     op.token).status,
            204);
  auto h = anon(bhttp::verb::get, "/api/v1/widget/messages", "", auth);
  ASSERT_EQ(h.status, 200);
  auto hj = h.json();
  const auto& items = hj.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[1].at("text").as_string(), "Ask us [b]anytime[/b]");
  EXPECT_TRUE(items[1].at("edited_at").is_string());
  EXPECT_TRUE(items[2].at("deleted").as_bool());
  EXPECT_EQ(items[2].at("text").as_string(), "");
  // Before the edit, the mention reached the customer as the name only.
  auto m3 = w_->send(dialog, op.token, "[user=" + S(op.id) + "]Wendy[/user] will call you");
  ASSERT_EQ(m3.status, 201);
  auto h2 = anon(bhttp::verb::get, "/api/v1/widget/messages", "", auth);
  auto h2j = h2.json();
  EXPECT_EQ(h2j.at("items").as_array().back().at("text").as_string(), "Wendy will call you");
}

}  // namespace
}  // namespace omniline::testing
