// libFuzzer target for the message format (src/domain/bbcode): any input parses, the tree
// serialises back to exactly the input, plain text and mentions never fail, and nesting stays
// within kMaxDepth. Built with clang (-fsanitize=fuzzer,address,undefined) by `make fuzz`,
// which `make test` runs for a bounded time.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "domain/bbcode.h"

namespace {

// Nesting of elements that can hold elements ([br] and [code] are leaves).
int depth(const std::vector<omniline::domain::bbcode::Node>& nodes) {
  using omniline::domain::bbcode::Tag;
  int d = 0;
  for (const auto& n : nodes)
    if (n.element && n.tag != Tag::kBr && n.tag != Tag::kCode) d = std::max(d, 1 + depth(n.children));
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bb = omniline::domain::bbcode;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto nodes = bb::parse(text);
  if (bb::serialize(nodes) != text) std::abort();
  if (depth(nodes) > bb::kMaxDepth) std::abort();
  const std::string plain = bb::to_plain_text(nodes);
  for (std::int64_t id : bb::mentioned_users(nodes))
    if (id < 0) std::abort();
  // Parsing is a function of the text: the same input gives the same tree.
  if (bb::serialize(bb::parse(text)) != bb::serialize(nodes)) std::abort();
  (void)plain;
  return 0;
}
