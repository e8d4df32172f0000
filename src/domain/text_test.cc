#include "domain/text.h"

#include <gtest/gtest.h>

#include <string>

namespace omniline::domain::text {
namespace {

TEST(DialogTextUtf8, Valid) {
  for (std::string s : {std::string(), std::string("ascii"), std::string("\xc2\x80"),  // U+0080
                        std::string("\xdf\xbf"),                                       // U+07FF
                        std::string("\xe0\xa0\x80"),                                   // U+0800
                        std::string("\xed\x9f\xbf"),                                   // U+D7FF
                        std::string("\xee\x80\x80"),                                   // U+E000
                        std::string("\xef\xbf\xbf"),                                   // U+FFFF
                        std::string("\xf0\x90\x80\x80"),                               // U+10000
                        std::string("\xf4\x8f\xbf\xbf"),                               // U+10FFFF
                        std::string("a\0b", 3)}) {
    EXPECT_TRUE(valid_utf8(s)) << testing::PrintToString(s);
  }
}

TEST(DialogTextUtf8, Invalid) {
  for (std::string s : {std::string("\x80"), std::string("\xbf"),          // lone continuation
                        std::string("\xc0\x80"), std::string("\xc1\xbf"),  // overlong 2-byte
                        std::string("\xe0\x9f\xbf"),                       // overlong 3-byte
                        std::string("\xf0\x8f\xbf\xbf"),                   // overlong 4-byte
                        std::string("\xed\xa0\x80"), std::string("\xed\xbf\xbf"),  // surrogates
                        std::string("\xf4\x90\x80\x80"),                           // > U+10FFFF
                        std::string("\xf5\x80\x80\x80"), std::string("\xff"), std::string("\xc2"),
                        std::string("\xe2\x82"),                            // truncated
                        std::string("\xf0\x9f\x98"), std::string("\xc2x"),  // bad continuation
                        std::string("\xe2\x28\xa1")}) {
    EXPECT_FALSE(valid_utf8(s)) << testing::PrintToString(s);
  }
}

TEST(DialogTextControl, Detection) {
  EXPECT_FALSE(has_control_chars("plain text, ünïcødé 😀"));
  EXPECT_FALSE(has_control_chars("\xc2\xa0"));  // NBSP is not a control
  EXPECT_TRUE(has_control_chars(std::string("\0", 1)));
  EXPECT_TRUE(has_control_chars("\t"));
  EXPECT_TRUE(has_control_chars("\x1f"));
  EXPECT_TRUE(has_control_chars("\x7f"));
  EXPECT_TRUE(has_control_chars("\xc2\x80"));
  EXPECT_TRUE(has_control_chars("\xc2\x9f"));
}

TEST(DialogTextTrim, AsciiWhitespace) {
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t\r\n\f\v"), "");
  EXPECT_EQ(trim("  a b  "), "a b");
  EXPECT_EQ(trim("x"), "x");
}

}  // namespace
}  // namespace omniline::domain::text

namespace omniline::domain::text {
namespace {
TEST(DialogTextFold, FoldsLatinGreekCyrillicAndKeepsTheRest) {
  EXPECT_EQ(fold_case("Hello ÉLODIE Ωμέγα МАРИЯ Ёж ŁÓDŹ"), "hello élodie ωμέγα мария ёж łódź");
  EXPECT_EQ(fold_case("日本 😀 123"), "日本 😀 123");
  EXPECT_EQ(fold_case(std::string("\xC3", 1)), std::string("\xC3", 1));  // truncated: kept
}
}  // namespace
}  // namespace omniline::domain::text
