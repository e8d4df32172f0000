#include "domain/file.h"

#include <gtest/gtest.h>

namespace omniline::domain {
namespace {

TEST(FileName, KeepsOrdinaryNamesAndStripsPaths) {
  EXPECT_EQ(sanitize_file_name("report.pdf"), "report.pdf");
  EXPECT_EQ(sanitize_file_name("Отчёт за май.xlsx"), "Отчёт за май.xlsx");
  EXPECT_EQ(sanitize_file_name("C:\\Users\\me\\a.txt"), "a.txt");
  EXPECT_EQ(sanitize_file_name("../../etc/passwd"), "passwd");
  EXPECT_EQ(sanitize_file_name(".htaccess"), "htaccess");
  EXPECT_EQ(sanitize_file_name(".."), "file");
  EXPECT_EQ(sanitize_file_name(""), "file");
  EXPECT_EQ(sanitize_file_name("   "), "file");
}

TEST(FileName, DropsControlAndBidiCharacters) {
  EXPECT_EQ(sanitize_file_name("a\nb\r\x01.txt"), "ab.txt");
  // "photo<RLO>gnp.exe" would show as "photoexe.png".
  EXPECT_EQ(sanitize_file_name("photo\xE2\x80\xAEgnp.exe"), "photognp.exe");
  EXPECT_EQ(sanitize_file_name("bad\xff\xfe.bin"), "bad__.bin");
}

TEST(FileName, CutsLongNamesOnACharacterBoundary) {
  std::string longname;
  for (int i = 0; i < 200; ++i) longname += "я";  // 2 bytes each
  const std::string s = sanitize_file_name(longname);
  EXPECT_LE(s.size(), kMaxFileNameLength);
  EXPECT_EQ(s.size() % 2, 0u);
}

TEST(FileTypes, OnlyRasterImagesAreInline) {
  EXPECT_TRUE(is_inline_image("image/png"));
  EXPECT_TRUE(is_inline_image("image/jpeg"));
  EXPECT_TRUE(is_inline_image("image/gif"));
  EXPECT_TRUE(is_inline_image("image/webp"));
  EXPECT_FALSE(is_inline_image("image/svg+xml"));
  EXPECT_FALSE(is_inline_image("text/html"));
  EXPECT_FALSE(is_inline_image("application/pdf"));
}

TEST(FileIds, Validation) {
  EXPECT_TRUE(validate_file_ids({}).ok());
  EXPECT_TRUE(validate_file_ids({FileId(1), FileId(2)}).ok());
  EXPECT_FALSE(validate_file_ids({FileId(1), FileId(1)}).ok());
  EXPECT_FALSE(validate_file_ids({FileId(0)}).ok());
  std::vector<FileId> many;
  for (int i = 1; i <= 11; ++i) many.emplace_back(i);
  EXPECT_FALSE(validate_file_ids(many).ok());
}

TEST(DriveFolders, NameValidation) {
  EXPECT_TRUE(validate_folder_name("Contracts 2026").ok());
  EXPECT_TRUE(validate_folder_name("Договоры").ok());
  for (std::string bad : std::vector<std::string>{"", "   ", "a/b", "a\\b", ".", "..", "tab\there", std::string(101, 'x'), "\xff"})
    EXPECT_FALSE(validate_folder_name(bad).ok()) << bad;
}

TEST(Multipart, Boundary) {
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\""), "a b:c");
  EXPECT_FALSE(multipart_boundary("application/json").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=").ok());
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')).ok());
}

TEST(Multipart, ParsesFieldsAndFiles) {
  const std::string body =
      "preamble\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n"
      "\r\n"
      "hello\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".png\"\r\n"
      "Content-Type: image/png\r\n"
      "\r\n"
      "\x89PNG\r\n--Xy not a delimiter\r\n"
      "--XyZ--\r\n";
  auto parts = parse_multipart(body, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "note");
  EXPECT_FALSE((*parts)[0].filename.has_value());
  EXPECT_EQ((*parts)[0].data, "hello");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "a \"b\".png");
  EXPECT_EQ((*parts)[1].content_type, "image/png");
  EXPECT_EQ((*parts)[1].data, "\x89PNG\r\n--Xy not a delimiter");
}

TEST(Multipart, ExtendedFilename) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"; "
      "filename*=UTF-8''%D1%84%D0%B0%D0%B9%D0%BB.txt\r\n\r\ndata\r\n--b--";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ((*parts)[0].filename, "файл.txt");
}

TEST(Multipart, RefusesMalformedBodies) {
  const char* bad[] = {
      "",                                                                  // nothing
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nno end",  // no closing delimiter
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nno blank line\r\n--b--",
      "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",                // no disposition
      "--b\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nx\r\n--b--",
      "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",         // no name
      "--b\r\nContent-Disposition: form-data; name=\"f\r\n\r\nx\r\n--b--",  // open quote
      "--bXContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=\"f\"; filename*=latin1''x\r\n\r\nx\r\n--b--",
  };
  for (const char* b : bad) EXPECT_FALSE(parse_multipart(b, "b").ok()) << b;
  std::string many;
  for (int i = 0; i < 17; ++i) many += "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  many += "--b--";
  EXPECT_FALSE(parse_multipart(many, "b").ok());
}

}  // namespace
}  // namespace omniline::domain
