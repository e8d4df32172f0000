// Self-tests of the webhook receiver used by the outbox delivery tests.
#include "webhook_receiver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "harness.h"

namespace omniline::testing {
namespace {

using namespace std::chrono_literals;

TEST(WebhookReceiver, RecordsMethodPathHeadersAndExactBody) {
  WebhookReceiver hook;
  ASSERT_NE(hook.port(), 0);
  EXPECT_EQ(hook.url(), "http://127.0.0.1:" + std::to_string(hook.port()) + "/hook");
  EXPECT_EQ(hook.url("/x?y=1"), "http://127.0.0.1:" + std::to_string(hook.port()) + "/x?y=1");

  const std::string body = "{\"text\":\"caf\xc3\xa9 \\u0000\",\"n\":1}  ";
  auto r = http_once(hook.port(), bhttp::verb::post, "/hooks/a?b=c", body,
                     {{"X-Omniline-Signature", "sha256=abc"}, {"X-Omniline-Delivery", "7"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.header("content-type"), "application/json");

  ASSERT_TRUE(hook.wait_for(1, 1s));
  auto reqs = hook.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path, "/hooks/a?b=c");
  EXPECT_EQ(reqs[0].body, body);
  EXPECT_EQ(reqs[0].status, 200);
  EXPECT_EQ(reqs[0].header("x-omniline-signature"), "sha256=abc");
  EXPECT_EQ(reqs[0].header("x-omniline-delivery"), "7");
  EXPECT_EQ(reqs[0].header("content-type"), "application/json");
  EXPECT_EQ(reqs[0].header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(reqs[0].header("no-such-header"), "");
  ASSERT_TRUE(hook.last().has_value());
  EXPECT_EQ(hook.last()->body, body);
  EXPECT_TRUE(hook.wait_answered(1, 1s));
}

TEST(WebhookReceiver, LargeBodyArrivesIntact) {
  WebhookReceiver hook;
  std::string body(3 * 1024 * 1024, 'x');
  for (std::size_t i = 0; i < body.size(); i += 97) body[i] = static_cast<char>('a' + i % 26);
  auto r = http_once(hook.port(), bhttp::verb::post, "/hook", body);
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(hook.count(), 1u);
  EXPECT_EQ(hook.requests()[0].body, body);
}

TEST(WebhookReceiver, ScriptedFailuresThenDefault) {
  WebhookReceiver hook;
  hook.fail_next(3);
  hook.push_reply({503, "", {}});
  hook.push_reply({202, R"({"ok":true})", {}});
  EXPECT_EQ(hook.queued_replies(), 5u);

  HttpClient c(hook.port());  // one keep-alive connection
  std::vector<int> statuses;
  std::vector<std::string> bodies;
  for (int i = 0; i < 7; ++i) {
    auto r = c.post("/hook", "{\"i\":" + std::to_string(i) + "}");
    statuses.push_back(r.status);
    bodies.push_back(r.body);
  }
  EXPECT_EQ(statuses, (std::vector<int>{500, 500, 500, 503, 202, 200, 200}));
  EXPECT_EQ(bodies[3], "");
  EXPECT_EQ(bodies[4], R"({"ok":true})");
  EXPECT_EQ(hook.queued_replies(), 0u);
  EXPECT_EQ(hook.connections(), 1u);  // keep-alive across failures

  auto reqs = hook.requests();
  ASSERT_EQ(reqs.size(), 7u);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(reqs[i].body, "{\"i\":" + std::to_string(i) + "}");
    EXPECT_EQ(reqs[i].status, statuses[i]);
  }

  hook.set_default_reply({418, "{}", {}});
  EXPECT_EQ(http_once(hook.port(), bhttp::verb::post, "/hook", "{}").status, 418);
  hook.fail_next(1, 404);
  EXPECT_EQ(http_once(hook.port(), bhttp::verb::post, "/hook", "{}").status, 404);
  EXPECT_EQ(http_once(hook.port(), bhttp::verb::post, "/hook", "{}").status, 418);
}

TEST(WebhookReceiver, SlowAnswers) {
  WebhookReceiver hook;
  hook.push_reply({200, "{}", 300ms});
  auto t0 = std::chrono::steady_clock::now();
  auto r = http_once(hook.port(), bhttp::verb::post, "/hook", "{}");
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(took, 300ms);
  // Recorded on arrival, before the delayed answer.
  EXPECT_EQ(hook.count(), 1u);

  hook.set_delay(200ms);
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(http_once(hook.port(), bhttp::verb::post, "/hook", "{}").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 200ms);
  hook.set_delay(0ms);
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(http_once(hook.port(), bhttp::verb::post, "/hook", "{}").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 200ms);
}

TEST(WebhookReceiver, SlowAnswerDoesNotBlockOtherConnections) {
  WebhookReceiver hook;
  hook.push_reply({200, "{}", 1500ms});
  std::thread slow([&] { http_once(hook.port(), bhttp::verb::post, "/slow", "{}"); });
  ASSERT_TRUE(hook.wait_for(1, 2s));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(http_once(hook.port(), bhttp::verb::post, "/fast", "{}").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1000ms);
  slow.join();
  EXPECT_TRUE(hook.wait_answered(2, 1s));
}

TEST(WebhookReceiver, WaitForTimesOutAndWakesUp) {
  WebhookReceiver hook;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(hook.wait_for(1, 100ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 100ms);
  EXPECT_TRUE(hook.wait_for(0, 0ms));

  std::thread sender([&] {
    std::this_thread::sleep_for(100ms);
    http_once(hook.port(), bhttp::verb::post, "/hook", "{}");
  });
  t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(hook.wait_for(1, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  sender.join();
}

TEST(WebhookReceiver, ConcurrentClients) {
  WebhookReceiver hook;
  hook.fail_next(5, 500);
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      HttpClient c(hook.port());
      for (int i = 0; i < 10; ++i) {
        auto r = c.post("/hook", std::to_string(t * 100 + i));
        (r.status == 200 ? ok : failed)++;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_TRUE(hook.wait_for(40, 1s));
  EXPECT_EQ(ok.load(), 35);
  EXPECT_EQ(failed.load(), 5);
  EXPECT_EQ(hook.connections(), 4u);
  EXPECT_TRUE(hook.wait_answered(40, 1s));
  EXPECT_EQ(hook.answered(), 40u);

  hook.clear();
  EXPECT_EQ(hook.count(), 0u);
  EXPECT_EQ(hook.answered(), 0u);
}

TEST(WebhookReceiver, StopAbandonsSlowAnswersPromptly) {
  auto hook = std::make_unique<WebhookReceiver>();
  hook->set_delay(10s);
  const auto port = hook->port();
  std::atomic<bool> client_done{false};
  std::thread client([&] {
    try {
      http_once(port, bhttp::verb::post, "/hook", "{}");
    } catch (const std::exception&) {
      // the connection is closed without an answer
    }
    client_done = true;
  });
  ASSERT_TRUE(hook->wait_for(1, 2s));
  // An idle keep-alive connection as well.
  HttpClient idle(port);
  hook->set_delay(0ms);
  EXPECT_EQ(idle.get("/ping").status, 200);
  EXPECT_TRUE(hook->wait_answered(1, 1s));

  auto t0 = std::chrono::steady_clock::now();
  hook->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  client.join();
  EXPECT_TRUE(client_done.load());
  EXPECT_EQ(hook->count(), 2u);     // still readable after stop
  EXPECT_EQ(hook->answered(), 1u);  // the slow one never was
  hook->stop();                     // idempotent
  hook.reset();

  // The port is no longer served.
  EXPECT_ANY_THROW(http_once(port, bhttp::verb::post, "/hook", "{}"));
}

}  // namespace
}  // namespace omniline::testing
