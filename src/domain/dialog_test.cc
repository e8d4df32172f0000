#include "domain/dialog.h"

#include <gtest/gtest.h>

#include <string>

namespace omniline::domain {
namespace {

using S = SessionStatus;

TEST(DialogSession, OpenAndUnanswered) {
  struct Row {
    S status;
    bool open;
    bool unanswered;
  };
  for (Row r :
       {Row{S::kNew, true, true}, Row{S::kSkipped, true, true}, Row{S::kInWork, true, false},
        Row{S::kOperatorReplied, true, false}, Row{S::kWaitingOperator, true, false},
        Row{S::kClosing, true, false}, Row{S::kClosed, false, false}, Row{S::kSpam, false, false},
        Row{S::kSilentlyClosed, false, false}}) {
    EXPECT_EQ(is_open(r.status), r.open) << static_cast<int>(r.status);
    EXPECT_EQ(is_unanswered(r.status), r.unanswered) << static_cast<int>(r.status);
  }
}

void expect_invalid(const Status& s, const std::string& what) {
  ASSERT_FALSE(s.ok()) << what;
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid) << what;
  EXPECT_FALSE(s.error().message.empty()) << what;
}

TEST(DialogMessageText, Accepts) {
  EXPECT_TRUE(validate_message_text("hi").ok());
  EXPECT_TRUE(validate_message_text("  padded  ").ok());
  EXPECT_TRUE(validate_message_text("line one\nline two\ttabbed").ok());
  EXPECT_TRUE(validate_message_text("Привет 👋 你好").ok());
  EXPECT_TRUE(validate_message_text(std::string(kMaxMessageLength, 'a')).ok());
  // Exactly at the limit with multi-byte characters (4 bytes each).
  std::string emoji;
  for (std::size_t i = 0; i < kMaxMessageLength / 4; ++i) emoji += "😀";
  ASSERT_EQ(emoji.size(), kMaxMessageLength);
  EXPECT_TRUE(validate_message_text(emoji).ok());
}

TEST(DialogMessageText, Rejects) {
  expect_invalid(validate_message_text(""), "empty");
  expect_invalid(validate_message_text(" \t\r\n "), "only whitespace");
  expect_invalid(validate_message_text(std::string(kMaxMessageLength + 1, 'a')), "one over");
  expect_invalid(validate_message_text("bad \xff byte"), "0xff");
  expect_invalid(validate_message_text("cut \xd0"), "truncated sequence");
  expect_invalid(validate_message_text("\xc0\xaf"), "overlong");
  expect_invalid(validate_message_text("\xed\xa0\x80"), "surrogate");
  expect_invalid(validate_message_text("\xf4\x90\x80\x80"), "above U+10FFFF");
  expect_invalid(validate_message_text("\x80"), "lone continuation");
}

TEST(DialogTitle, Validation) {
  EXPECT_TRUE(validate_title("").ok());  // reset to the default
  EXPECT_TRUE(validate_title("Order #42 — refund").ok());
  EXPECT_TRUE(validate_title(std::string(kMaxTitleLength, 't')).ok());
  expect_invalid(validate_title(std::string(kMaxTitleLength + 1, 't')), "one over");
  expect_invalid(validate_title("a\nb"), "newline");
  expect_invalid(validate_title("a\tb"), "tab");
  expect_invalid(validate_title("a\x7f"), "DEL");
  expect_invalid(validate_title("a\xc2\x85"), "C1 control (NEL)");
  expect_invalid(validate_title("a\xfe"), "invalid UTF-8");
}

TEST(DialogExternalId, Validation) {
  EXPECT_TRUE(validate_external_id("x").ok());
  EXPECT_TRUE(validate_external_id("user-42@telegram").ok());
  EXPECT_TRUE(validate_external_id(std::string(kMaxExternalIdLength, 'i')).ok());
  expect_invalid(validate_external_id(""), "empty");
  expect_invalid(validate_external_id(std::string(kMaxExternalIdLength + 1, 'i')), "one over");
  expect_invalid(validate_external_id("a\nb"), "newline");
  expect_invalid(validate_external_id(std::string("a\0b", 3)), "NUL");
}

}  // namespace
}  // namespace omniline::domain
