// Files over the real server: uploads judged by content, safe downloads by signed URL, files on
// messages (operator and widget), and bad input: wrong types, oversized bodies, someone else's
// file, forged or expired links, withdrawn files.
#include <gtest/gtest.h>

#include "scenario.h"
#include "webhook_receiver.h"

namespace omniline::testing {
namespace {

using scn::World;

std::string S(std::int64_t v) { return std::to_string(v); }

// A 1×1 PNG.
const std::string kPng(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\r"
    "IDATx\x9c\x63\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\0\0\0\0IEND\xae\x42\x60\x82",
    67);

const std::string kBoundary = "----omniline-test-boundary";

std::string multipart(const std::string& filename, const std::string& data,
                      const std::string& field = "file") {
  return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + field +
         "\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
         data + "\r\n--" + kBoundary + "--\r\n";
}

class Files : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--upload-limit", "65536"});
    ASSERT_TRUE(server_->start()) << server_->log();
    w_ = new World(server_->port());
  }
  static void TearDownTestSuite() {
    delete w_;
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }

  static HttpResponse upload_as(const std::string& token, const std::string& body,
                                const std::string& path = "/api/v1/files",
                                const std::string& type = "") {
    std::map<std::string, std::string> h = bearer(token);
    h["Content-Type"] = type.empty() ? "multipart/form-data; boundary=" + kBoundary : type;
    return http_once(server_->port(), bhttp::verb::post, path, body, h);
  }
  static HttpResponse upload(const std::string& token, const std::string& name,
                             const std::string& data) {
    return upload_as(token, multipart(name, data));
  }
  static json::object uploaded(const std::string& token, const std::string& name,
                               const std::string& data) {
    auto r = upload(token, name, data);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().as_object();
  }
  static HttpResponse fetch(const std::string& url) {
    return http_once(server_->port(), bhttp::verb::get, url);
  }
  static HttpResponse send_files(std::int64_t dialog, const std::string& token,
                                 const std::string& json_body) {
    return w_->call(bhttp::verb::post, "/api/v1/dialogs/" + S(dialog) + "/messages", json_body,
                    token);
  }

  static ServerProcess* server_;
  static World* w_;
};
ServerProcess* Files::server_ = nullptr;
World* Files::w_ = nullptr;

TEST_F(Files, AnImageIsJudgedByContentAndServedInline) {
  auto f = uploaded(w_->admin_token(), "holiday.jpg", kPng);  // the name lies: it is a PNG
  EXPECT_EQ(f.at("mime").as_string(), "image/png");
  EXPECT_TRUE(f.at("image").as_bool());
  EXPECT_EQ(f.at("size").as_int64(), static_cast<std::int64_t>(kPng.size()));
  EXPECT_EQ(f.at("name").as_string(), "holiday.jpg");
  const std::string url(f.at("url").as_string());
  ASSERT_EQ(url.rfind("/files/" + S(f.at("id").as_int64()) + "?exp=", 0), 0u) << url;

  auto got = fetch(url);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, kPng);
  EXPECT_EQ(got.header("content-type"), "image/png");
  EXPECT_EQ(got.header("content-disposition").rfind("inline;", 0), 0u);
  EXPECT_EQ(got.header("x-content-type-options"), "nosniff");
  EXPECT_NE(got.header("content-security-policy").find("sandbox"), std::string::npos);
}

TEST_F(Files, ScriptsDisguisedAsImagesAreDownloadsOnly) {
  const std::string html = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n";
  const std::string svg =
      "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
      "<script>alert(1)</script></svg>\n";
  for (const auto& [name, data] : {std::pair{std::string("cat.png"), html},
                                   std::pair{std::string("logo.png"), svg}}) {
    auto f = uploaded(w_->admin_token(), name, data);
    EXPECT_FALSE(f.at("image").as_bool()) << f.at("mime").as_string();
    EXPECT_NE(f.at("mime").as_string(), "image/png");
    auto got = fetch(std::string(f.at("url").as_string()));
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.header("content-type"), "application/octet-stream");
    EXPECT_EQ(got.header("content-disposition").rfind("attachment;", 0), 0u)
        << got.header("content-disposition");
    EXPECT_EQ(got.header("x-content-type-options"), "nosniff");
    EXPECT_NE(got.header("content-security-policy").find("sandbox"), std::string::npos);
  }
}

TEST_F(Files, NamesAreSanitisedAndEncodedInTheHeader) {
  auto f = uploaded(w_->admin_token(), "../../etc/Отчёт \\\"май\\\".txt", "plain text\n");
  EXPECT_EQ(f.at("name").as_string(), "Отчёт \"май\".txt");
  auto got = fetch(std::string(f.at("url").as_string()));
  const std::string cd = got.header("content-disposition");
  EXPECT_NE(cd.find("filename*=UTF-8''%D0%9E"), std::string::npos) << cd;
  EXPECT_EQ(cd.find('\n'), std::string::npos);
  EXPECT_EQ(cd.find("\"май\""), std::string::npos) << "quotes must not break the header: " << cd;
}

TEST_F(Files, BadUploadsAreRefused) {
  const std::string& t = w_->admin_token();
  EXPECT_EQ(http_once(server_->port(), bhttp::verb::post, "/api/v1/files", multipart("a.txt", "x"),
                      {{"Content-Type", "multipart/form-data; boundary=" + kBoundary}})
                .status,
            401);
  auto json_body = upload_as(t, R"({"file":"x"})", "/api/v1/files", "application/json");
  EXPECT_EQ(json_body.status, 400);
  EXPECT_EQ(json_body.error_code(), "invalid_request");
  EXPECT_EQ(upload_as(t, multipart("a.txt", "x", "other")).status, 400);  // no "file" part
  EXPECT_EQ(upload_as(t, "--" + kBoundary + "\r\ngarbage").status, 400);
  EXPECT_EQ(upload_as(t, multipart("a.txt", "x"), "/api/v1/files", "multipart/form-data").status,
            400);  // no boundary
  EXPECT_EQ(upload(t, "empty.txt", "").status, 400);

  // Over --upload-limit (64 KiB here): 413, declared or streamed.
  auto big = upload(t, "big.bin", std::string(70000, 'x'));
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(big.error_code(), "too_large");
  // The upload limit is only for uploads: other bodies keep the 1 MiB JSON limit.
  auto json_big = w_->call(bhttp::verb::post, "/api/v1/lines",
                           R"({"name":")" + std::string(2 * 1024 * 1024, 'a') + "\"}");
  EXPECT_EQ(json_big.status, 413);
  // The server is still fine.
  EXPECT_EQ(upload(t, "ok.txt", "fine").status, 201);
}

TEST_F(Files, ForgedExpiredOrUnknownLinksFindNothing) {
  auto f = uploaded(w_->admin_token(), "secret.txt", "top secret\n");
  const std::string url(f.at("url").as_string());
  const auto id = f.at("id").as_int64();
  const auto q = url.find('?');
  const std::string query = url.substr(q);
  EXPECT_EQ(fetch(url).status, 200);
  // The same signature on another id.
  EXPECT_EQ(fetch("/files/" + S(id - 1) + query).status, 404);
  // Another expiry under the same signature.
  const auto sig = query.substr(query.find("&sig="));
  EXPECT_EQ(fetch("/files/" + S(id) + "?exp=9999999999" + sig).status, 404);
  EXPECT_EQ(fetch("/files/" + S(id) + "?exp=1" + sig).status, 404);
  EXPECT_EQ(fetch("/files/" + S(id)).status, 404);
  EXPECT_EQ(fetch("/files/" + S(id) + "?exp=abc&sig=zz").status, 404);
  EXPECT_EQ(fetch("/files/999999" + query).status, 404);
  EXPECT_EQ(fetch("/files/abc" + query).status, 404);
}

TEST_F(Files, OperatorsSendFilesAndOnlyTheirOwn) {
  auto op = w_->employee("operator", "Fiona Files");
  auto other = w_->employee("operator", "Oscar Other");
  const auto line = w_->line({op.id, other.id}, R"({"mode":"all","only_available":false})");
  const auto ch = w_->channel(line);
  const auto in = w_->ingest(ch, "file-customer-1", "please send the invoice");
  ASSERT_EQ(w_->act(in.dialog_id, "answer", op.token).status, 200);

  auto png = uploaded(op.token, "invoice.png", kPng);
  auto pdf = uploaded(op.token, "terms.txt", "terms and conditions\n");
  const auto png_id = png.at("id").as_int64(), pdf_id = pdf.at("id").as_int64();

  // Files without text, in the given order.
  auto sent = send_files(in.dialog_id, op.token, R"({"files":[)" + S(pdf_id) + "," + S(png_id) + "]}");
  ASSERT_EQ(sent.status, 201) << sent.body;
  auto files = sent.json().at("files").as_array();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].at("id").as_int64(), pdf_id);
  EXPECT_EQ(files[1].at("name").as_string(), "invoice.png");
  EXPECT_TRUE(files[1].at("image").as_bool());
  EXPECT_EQ(sent.json().at("text").as_string(), "");
  // The history has them, and their links work.
  auto history = w_->history(in.dialog_id, op.token);
  auto last_files = history.back().at("files").as_array();
  ASSERT_EQ(last_files.size(), 2u);
  EXPECT_EQ(fetch(std::string(last_files[1].at("url").as_string())).body, kPng);
  // Text messages carry an empty list.
  EXPECT_TRUE(history.front().at("files").as_array().empty());

  // Bad input: someone else's file, an unknown file, too many, duplicates, wrong types, and
  // neither text nor files.
  auto theirs = uploaded(other.token, "theirs.txt", "not yours\n");
  auto foreign = send_files(in.dialog_id, op.token, R"({"files":[)" + S(theirs.at("id").as_int64()) + "]}");
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(send_files(in.dialog_id, op.token, R"({"text":"x","files":[99999999]})").status, 404);
  std::string eleven = "[";
  for (int i = 0; i < 11; ++i) eleven += (i ? "," : "") + S(png_id);
  eleven += "]";
  EXPECT_EQ(send_files(in.dialog_id, op.token, R"({"files":)" + eleven + "}").status, 400);
  EXPECT_EQ(send_files(in.dialog_id, op.token, R"({"files":[)" + S(png_id) + "," + S(png_id) + "]}").status, 400);
  EXPECT_EQ(send_files(in.dialog_id, op.token, R"({"files":"1"})").status, 400);
  EXPECT_EQ(send_files(in.dialog_id, op.token, R"({"files":["1"]})").status, 400);
  EXPECT_EQ(send_files(in.dialog_id, op.token, R"({"files":[-3]})").status, 400);
  EXPECT_EQ(send_files(in.dialog_id, op.token, R"({"files":[]})").status, 400);
  EXPECT_EQ(send_files(in.dialog_id, op.token, R"({"text":"   ","files":[]})").status, 400);
  // Nothing of that was stored.
  EXPECT_EQ(w_->history(in.dialog_id, op.token).size(), history.size());
}

TEST_F(Files, DeletingTheMessageWithdrawsItsFiles) {
  auto op = w_->employee("operator", "Dora Delete");
  const auto line = w_->line({op.id}, R"({"mode":"all","only_available":false})");
  const auto ch = w_->channel(line);
  const auto in = w_->ingest(ch, "file-customer-2", "hello");
  auto f = uploaded(op.token, "oops.txt", "sent by mistake\n");
  auto sent = send_files(in.dialog_id, op.token,
                         R"({"text":"here","files":[)" + S(f.at("id").as_int64()) + "]}");
  ASSERT_EQ(sent.status, 201) << sent.body;
  const std::string url(sent.json().at("files").at(0).at("url").as_string());
  EXPECT_EQ(fetch(url).status, 200);
  auto del = w_->call(bhttp::verb::delete_, "/api/v1/messages/" + S(sent.json().at("id").as_int64()),
                      "", op.token);
  ASSERT_EQ(del.status, 204) << del.body;
  EXPECT_TRUE(w_->history(in.dialog_id, op.token).back().at("files").as_array().empty());
  EXPECT_EQ(fetch(url).status, 404);
}

TEST_F(Files, VisitorsSendFilesFromTheWidgetAndSeeOperatorsFiles) {
  auto op = w_->employee("operator", "Wanda Web");
  const auto line = w_->line({op.id}, R"({"mode":"all","only_available":false})");
  auto chr = w_->call(bhttp::verb::post, "/api/v1/lines/" + S(line) + "/channels",
                      R"({"kind":"webchat","name":"Site"})");
  ASSERT_EQ(chr.status, 201) << chr.body;
  const auto ch = chr.json().at("id").as_int64();
  auto visitor = [&] {
    auto s = http_once(server_->port(), bhttp::verb::post,
                       "/api/v1/widget/channels/" + S(ch) + "/session", "{}");
    EXPECT_EQ(s.status, 200) << s.body;
    return std::string(s.json().at("token").as_string());
  };
  const std::string ann = visitor(), bob = visitor();

  auto up = upload_as(ann, multipart("screenshot.png", kPng), "/api/v1/widget/files");
  ASSERT_EQ(up.status, 201) << up.body;
  const auto file_id = up.json().at("id").as_int64();
  EXPECT_TRUE(up.json().at("image").as_bool());
  // Another visitor cannot send Ann's file; an employee's token is no widget token.
  auto stolen = http_once(server_->port(), bhttp::verb::post, "/api/v1/widget/messages",
                          R"({"files":[)" + S(file_id) + "]}", bearer(bob));
  EXPECT_EQ(stolen.status, 404) << stolen.body;
  EXPECT_EQ(upload_as(op.token, multipart("x.png", kPng), "/api/v1/widget/files").status, 401);

  auto sent = http_once(server_->port(), bhttp::verb::post, "/api/v1/widget/messages",
                        R"({"files":[)" + S(file_id) + R"(],"client_id":"f1"})", bearer(ann));
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.json().at("files").at(0).at("name").as_string(), "screenshot.png");

  // The operator sees the file on the visitor's message.
  auto dialogs = scn::items(w_->call(bhttp::verb::get, "/api/v1/dialogs?view=unanswered", "", op.token));
  std::int64_t dialog = 0;
  for (const auto& d : dialogs)
    if (d.at("channel_id").as_int64() == ch) dialog = d.at("id").as_int64();
  ASSERT_GT(dialog, 0);
  auto staff = w_->history(dialog, op.token);
  ASSERT_EQ(staff.back().at("files").as_array().size(), 1u);
  EXPECT_EQ(fetch(std::string(staff.back().at("files").at(0).at("url").as_string())).body, kPng);

  // The operator's file reaches the visitor; a hidden one never does.
  auto mine = uploaded(op.token, "price-list.txt", "prices\n");
  auto secret = uploaded(op.token, "internal.txt", "staff only\n");
  ASSERT_EQ(send_files(dialog, op.token, R"({"text":"our prices","files":[)" +
                                             S(mine.at("id").as_int64()) + "]}").status,
            201);
  ASSERT_EQ(send_files(dialog, op.token, R"({"text":"note","hidden":true,"files":[)" +
                                             S(secret.at("id").as_int64()) + "]}").status,
            201);
  auto seen = http_once(server_->port(), bhttp::verb::get, "/api/v1/widget/messages", "", bearer(ann));
  ASSERT_EQ(seen.status, 200);
  std::vector<std::string> names;
  const auto seen_json = seen.json();
  for (const auto& m : seen_json.at("items").as_array())
    for (const auto& f : m.at("files").as_array()) names.emplace_back(f.at("name").as_string());
  EXPECT_EQ(names, (std::vector<std::string>{"screenshot.png", "price-list.txt"}));
}

TEST_F(Files, TheConnectorMayNotPointAtPrivateAddresses) {
  const auto line = w_->line({}, R"({"mode":"all","only_available":false})");
  const auto ch = w_->channel(line);
  WebhookReceiver host;  // a real file server on 127.0.0.1: this server must refuse to fetch it
  auto r = w_->ingest_raw(ch, R"({"user":{"id":"u1"},"message":{"id":"m1","text":"see file",)"
                              R"("files":[{"url":")" + host.url("/a.pdf") + R"("}]}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("private"), std::string::npos) << r.body;
  EXPECT_EQ(host.requests().size(), 0u);
  for (const std::string files : {R"("x")", R"([{"name":"no url"}])", R"([{"url":5}])",
                                  R"(["http://example.com/a"])", R"([{"url":"file:///etc/passwd"}])"}) {
    auto bad = w_->ingest_raw(ch, R"({"user":{"id":"u1"},"message":{"id":"m2","text":"x","files":)" +
                                      files + "}}");
    EXPECT_EQ(bad.status, 400) << files << " " << bad.body;
  }
  // Nothing was stored by any of these.
  auto dup = w_->ingest_raw(ch, R"({"user":{"id":"u1"},"message":{"id":"m1","text":"plain"}})");
  ASSERT_EQ(dup.status, 200) << dup.body;
  EXPECT_FALSE(dup.json().at("duplicate").as_bool());
}

TEST_F(Files, TheDriveHoldsFoldersAndFilesForEveryEmployee) {
  auto ann = w_->employee("operator", "Ann Drive");
  auto ben = w_->employee("operator", "Ben Drive");
  auto sup = w_->employee("supervisor", "Sue Drive");
  auto call = [&](bhttp::verb m, const std::string& t, const std::string& body, const std::string& token) {
    return w_->call(m, t, body, token);
  };
  // Folders: create, validation, duplicates, nesting, listing with a breadcrumb.
  auto top = call(bhttp::verb::post, "/api/v1/drive/folders", R"({"name":"Contracts 2026"})", ann.token);
  ASSERT_EQ(top.status, 201) << top.body;
  const auto top_id = top.json().at("id").as_int64();
  EXPECT_EQ(call(bhttp::verb::post, "/api/v1/drive/folders", R"({"name":"Contracts 2026"})", ben.token).status, 409);
  for (const char* bad : {R"({"name":""})", R"({"name":"a/b"})", R"({"name":".."})", R"({"name":5})", R"({})", "[", R"({"name":"x","parent_id":-1})"})
    EXPECT_EQ(call(bhttp::verb::post, "/api/v1/drive/folders", bad, ann.token).status, 400) << bad;
  EXPECT_EQ(call(bhttp::verb::post, "/api/v1/drive/folders", R"({"name":"x","parent_id":99999})", ann.token).status, 404);
  auto sub = call(bhttp::verb::post, "/api/v1/drive/folders",
                  R"({"name":"Signed","parent_id":)" + S(top_id) + "}", ben.token);
  ASSERT_EQ(sub.status, 201) << sub.body;
  const auto sub_id = sub.json().at("id").as_int64();
  auto listing = call(bhttp::verb::get, "/api/v1/drive/folders?parent_id=" + S(sub_id), "", ann.token);
  ASSERT_EQ(listing.status, 200) << listing.body;
  ASSERT_EQ(listing.json().at("path").as_array().size(), 2u);
  EXPECT_EQ(listing.json().at("path").at(0).at("name").as_string(), "Contracts 2026");
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/drive/folders?parent_id=99999", "", ann.token).status, 404);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/drive/folders?parent_id=abc", "", ann.token).status, 400);
  EXPECT_EQ(http_once(server_->port(), bhttp::verb::get, "/api/v1/drive/folders").status, 401);

  // Upload straight into a folder; list it; search by name.
  std::map<std::string, std::string> h = bearer(ann.token);
  h["Content-Type"] = "multipart/form-data; boundary=" + kBoundary;
  auto up = http_once(server_->port(), bhttp::verb::post, "/api/v1/files?folder_id=" + S(sub_id),
                      multipart("NDA acme.txt", "confidential\n"), h);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.json().at("folder_id").as_int64(), sub_id);
  const auto nda = up.json().at("id").as_int64();
  EXPECT_EQ(http_once(server_->port(), bhttp::verb::post, "/api/v1/files?folder_id=99999",
                      multipart("x.txt", "x"), h).status, 404);
  auto files = scn::items(call(bhttp::verb::get, "/api/v1/drive/files?folder_id=" + S(sub_id), "", ben.token));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].at("name").as_string(), "NDA acme.txt");
  EXPECT_EQ(scn::items(call(bhttp::verb::get, "/api/v1/drive/files?folder_id=" + S(sub_id) + "&q=acme", "", ben.token)).size(), 1u);
  EXPECT_EQ(scn::items(call(bhttp::verb::get, "/api/v1/drive/files?folder_id=" + S(sub_id) + "&q=zzz", "", ben.token)).size(), 0u);

  // A colleague may send a Drive file in a chat (not only their own uploads).
  const auto line = w_->line({ben.id}, R"({"mode":"all","only_available":false})");
  const auto in = w_->ingest(w_->channel(line), "drive-customer", "the contract please");
  auto sent = send_files(in.dialog_id, ben.token, R"({"files":[)" + S(nda) + "]}");
  EXPECT_EQ(sent.status, 201) << sent.body;

  // Folders: only their maker or an admin renames or deletes them; only empty ones go.
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/drive/folders/" + S(top_id), R"({"name":"Mine now"})", ben.token).status, 403);
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/drive/folders/" + S(top_id), R"({"name":"Contracts"})", ann.token).status, 200);
  auto busy = call(bhttp::verb::delete_, "/api/v1/drive/folders/" + S(sub_id), "", ben.token);
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/drive/folders/" + S(top_id), "", ann.token).status, 409);

  // Files leave the Drive by their uploader, an admin or a supervisor; the chat keeps them.
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/drive/files/" + S(nda), "", ben.token).status, 403);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/drive/files/" + S(nda), "", sup.token).status, 204);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/drive/files/" + S(nda), "", sup.token).status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/drive/folders/" + S(sub_id), "", ben.token).status, 204);
  EXPECT_EQ(w_->history(in.dialog_id, ben.token).back().at("files").as_array().size(), 1u);

  // Chat files: what the viewer's chats carry; Ann is in no line and sees none of Ben's.
  auto quote = uploaded(ben.token, "quote.txt", "price quote\n");
  const auto quote_id = quote.at("id").as_int64();
  ASSERT_EQ(send_files(in.dialog_id, ben.token, R"({"files":[)" + S(quote_id) + "]}").status, 201);
  auto bens = scn::items(call(bhttp::verb::get, "/api/v1/drive/chat-files", "", ben.token));
  bool found = false;
  for (const auto& f : bens) found |= f.at("id").as_int64() == quote_id && f.at("dialog_id").as_int64() == in.dialog_id;
  EXPECT_TRUE(found);
  EXPECT_EQ(scn::items(call(bhttp::verb::get, "/api/v1/drive/chat-files?q=quote", "", ben.token)).size(), 1u);
  for (const auto& f : scn::items(call(bhttp::verb::get, "/api/v1/drive/chat-files", "", ann.token)))
    EXPECT_NE(f.at("dialog_id").as_int64(), in.dialog_id);
  // Ann cannot put (nor send) a chat file of a dialog she cannot open; Ben can.
  EXPECT_EQ(call(bhttp::verb::put, "/api/v1/drive/files/" + S(quote_id), R"({"folder_id":0})", ann.token).status, 404);
  EXPECT_EQ(send_files(in.dialog_id, ann.token, R"({"files":[)" + S(quote_id) + "]}").status, 404);
  auto put = call(bhttp::verb::put, "/api/v1/drive/files/" + S(quote_id), R"({"folder_id":0})", ben.token);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().at("folder_id").as_int64(), 0);
  EXPECT_EQ(call(bhttp::verb::put, "/api/v1/drive/files/" + S(quote_id), R"({"folder_id":99999})", ben.token).status, 404);
  EXPECT_EQ(call(bhttp::verb::put, "/api/v1/drive/files/" + S(quote_id), R"({"folder_id":"x"})", ben.token).status, 400);
  EXPECT_EQ(call(bhttp::verb::put, "/api/v1/drive/files/99999", R"({"folder_id":0})", ben.token).status, 404);
  // Once in the Drive, every colleague reaches it.
  EXPECT_EQ(call(bhttp::verb::put, "/api/v1/drive/files/" + S(quote_id), R"({"folder_id":0})", ann.token).status, 200);
}

// A server that may fetch from loopback (as an admin may allow on a LAN) and has a public URL.
TEST(FilesConnector, FilesArriveByUrlOnceAndLeaveAsSignedAbsoluteLinks) {
  ServerProcess server({"--fetch-private", "--public-url", "https://chat.example.com/"});
  ASSERT_TRUE(server.start()) << server.log();
  World w(server.port());
  WebhookReceiver host, hook;
  const std::string pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
  host.set_default_reply({200, pdf});
  auto op = w.employee("operator", "Carl Connector");
  const auto line = w.line({op.id}, R"({"mode":"all","only_available":false})");
  auto chr = w.call(bhttp::verb::post, "/api/v1/lines/" + S(line) + "/channels",
                    R"({"kind":"api","webhook_url":")" + hook.url("/in") + "\"}");
  ASSERT_EQ(chr.status, 201) << chr.body;
  World::Channel ch{chr.json().at("id").as_int64(), std::string(chr.json().at("secret").as_string())};

  const std::string body = R"({"user":{"id":"crm-7"},"message":{"id":"with-file","files":[{"url":")" +
                           host.url("/docs/price%20list.pdf") + R"("}]}})";
  auto r = w.ingest_raw(ch, body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto dialog = r.json().at("dialog_id").as_int64();
  EXPECT_EQ(host.requests().size(), 1u);
  auto history = w.history(dialog, op.token);
  ASSERT_EQ(history.back().at("files").as_array().size(), 1u);
  const auto file = history.back().at("files").at(0).as_object();
  EXPECT_EQ(file.at("name").as_string(), "price list.pdf");
  EXPECT_EQ(file.at("mime").as_string(), "application/pdf");
  EXPECT_EQ(http_once(server.port(), bhttp::verb::get, std::string(file.at("url").as_string())).body, pdf);
  // A retry is a duplicate and downloads nothing again.
  auto again = w.ingest_raw(ch, body);
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(again.json().at("duplicate").as_bool());
  EXPECT_EQ(host.requests().size(), 1u);
  // A file the other side cannot serve refuses the message; nothing is stored.
  host.push_reply({404, ""});
  auto missing = w.ingest_raw(ch, R"({"user":{"id":"crm-7"},"message":{"id":"broken","text":"x","files":[{"url":")" +
                                      host.url("/gone.pdf") + R"("}]}})");
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(w.history(dialog, op.token).size(), history.size());

  // The operator's file leaves in the webhook as an absolute, signed link.
  ASSERT_EQ(w.act(dialog, "answer", op.token).status, 200);
  std::map<std::string, std::string> h = bearer(op.token);
  h["Content-Type"] = "multipart/form-data; boundary=" + kBoundary;
  auto up = http_once(server.port(), bhttp::verb::post, "/api/v1/files", multipart("reply.png", kPng), h);
  ASSERT_EQ(up.status, 201) << up.body;
  ASSERT_EQ(w.call(bhttp::verb::post, "/api/v1/dialogs/" + S(dialog) + "/messages",
                   R"({"text":"here you go","files":[)" + S(up.json().at("id").as_int64()) + "]}", op.token)
                .status,
            201);
  ASSERT_TRUE(hook.wait_for(1, std::chrono::seconds(10)));
  auto payload = json::parse(hook.requests()[0].body);
  auto sent = payload.at("message").at("files").at(0);
  const std::string link(sent.at("url").as_string());
  EXPECT_EQ(link.rfind("https://chat.example.com/files/", 0), 0u) << link;
  EXPECT_EQ(sent.at("name").as_string(), "reply.png");
  // The same link, on this server, serves the file.
  EXPECT_EQ(http_once(server.port(), bhttp::verb::get, link.substr(std::string("https://chat.example.com").size())).body,
            kPng);
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace omniline::testing
