#include "domain/quick_answer.h"

#include <gtest/gtest.h>

#include <string>

namespace omniline::domain {
namespace {

void expect_invalid(const Status& s, const std::string& what) {
  ASSERT_FALSE(s.ok()) << what;
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid) << what;
  EXPECT_FALSE(s.error().message.empty()) << what;
}

TEST(QuickAnswerTitle, Validation) {
  EXPECT_TRUE(validate_quick_answer_title("Greeting").ok());
  EXPECT_TRUE(validate_quick_answer_title("  Приветствие  ").ok());
  EXPECT_TRUE(validate_quick_answer_title(std::string(200, 'x')).ok());
  EXPECT_TRUE(validate_quick_answer_title("  " + std::string(200, 'x') + " ").ok());  // trimmed
  std::string cyrillic;
  for (int i = 0; i < 100; ++i) cyrillic += "ж";
  EXPECT_TRUE(validate_quick_answer_title(cyrillic).ok());
  expect_invalid(validate_quick_answer_title(cyrillic + "x"), "201 bytes");
  expect_invalid(validate_quick_answer_title(std::string(201, 'x')), "201 bytes");
  expect_invalid(validate_quick_answer_title(""), "empty");
  expect_invalid(validate_quick_answer_title(" \t "), "blank");
  expect_invalid(validate_quick_answer_title("a\nb"), "two lines");
  expect_invalid(validate_quick_answer_title("a\x01"), "C0");
  expect_invalid(validate_quick_answer_title("a\xc2\x9f"), "C1");
  expect_invalid(validate_quick_answer_title("caf\xe9"), "not UTF-8");
}

TEST(QuickAnswerText, Validation) {
  EXPECT_TRUE(validate_quick_answer_text("Hello!\nHow can I help?").ok());
  EXPECT_TRUE(validate_quick_answer_text("[b]Bold[/b] and [url=https://x.y]link[/url]").ok());
  EXPECT_TRUE(validate_quick_answer_text(std::string(10000, 'x')).ok());
  expect_invalid(validate_quick_answer_text(std::string(10001, 'x')), "10001 bytes");
  expect_invalid(validate_quick_answer_text(""), "empty");
  expect_invalid(validate_quick_answer_text(" \n "), "blank");
  expect_invalid(validate_quick_answer_text("caf\xe9"), "not UTF-8");
}

TEST(QuickAnswerSection, Validation) {
  EXPECT_TRUE(validate_quick_answer_section("").ok());
  EXPECT_TRUE(validate_quick_answer_section("Billing").ok());
  EXPECT_TRUE(validate_quick_answer_section(std::string(100, 's')).ok());
  expect_invalid(validate_quick_answer_section(std::string(101, 's')), "101 bytes");
  expect_invalid(validate_quick_answer_section("a\tb"), "tab");
  expect_invalid(validate_quick_answer_section("\xff"), "not UTF-8");
}

TEST(QuickAnswer, NormalizeTrimsTitleAndSection) {
  QuickAnswer qa;
  qa.title = "  Greeting ";
  qa.section = "  Sales  ";
  qa.text = "  Hello  ";
  ASSERT_TRUE(normalize_quick_answer(qa).ok());
  EXPECT_EQ(qa.title, "Greeting");
  EXPECT_EQ(qa.section, "Sales");
  EXPECT_EQ(qa.text, "  Hello  ");  // the text is kept as written
  QuickAnswer bad = qa;
  bad.text = "";
  expect_invalid(normalize_quick_answer(bad), "no text");
  bad = qa;
  bad.title = "";
  expect_invalid(normalize_quick_answer(bad), "no title");
  bad = qa;
  bad.section = std::string(101, 's');
  expect_invalid(normalize_quick_answer(bad), "long section");
}

// Every role x (global, own line, another line).
TEST(QuickAnswerPermissions, EveryRole) {
  const std::optional<LineId> global;
  const std::optional<LineId> line = LineId(7);
  for (Role role : {Role::kAdmin, Role::kSupervisor}) {
    SCOPED_TRACE(role_name(role));
    EXPECT_TRUE(may_read_quick_answer(role, global, false));
    EXPECT_TRUE(may_read_quick_answer(role, line, true));
    EXPECT_TRUE(may_read_quick_answer(role, line, false));
    EXPECT_TRUE(may_manage_quick_answer(role, global, false));
    EXPECT_TRUE(may_manage_quick_answer(role, line, true));
    EXPECT_TRUE(may_manage_quick_answer(role, line, false));
  }
  const Role op = Role::kOperator;
  EXPECT_TRUE(may_read_quick_answer(op, global, false));
  EXPECT_TRUE(may_read_quick_answer(op, line, true));
  EXPECT_FALSE(may_read_quick_answer(op, line, false));
  EXPECT_FALSE(may_manage_quick_answer(op, global, false));
  EXPECT_FALSE(may_manage_quick_answer(op, global, true));
  EXPECT_TRUE(may_manage_quick_answer(op, line, true));
  EXPECT_FALSE(may_manage_quick_answer(op, line, false));
}

}  // namespace
}  // namespace omniline::domain
