// Strong ID types: an EmployeeId can never be passed where a TokenId is expected.
#pragma once

#include <cstdint>
#include <functional>

namespace omniline {

template <typename Tag>
class Id {
 public:
  constexpr Id() = default;
  constexpr explicit Id(std::int64_t v) : v_(v) {}
  template <typename Other>
  Id(Id<Other>) = delete;  // no conversion between id kinds

  constexpr std::int64_t get() const { return v_; }
  constexpr bool is_valid() const { return v_ > 0; }
  friend constexpr bool operator==(Id a, Id b) { return a.v_ == b.v_; }
  friend constexpr auto operator<=>(Id a, Id b) { return a.v_ <=> b.v_; }

 private:
  std::int64_t v_ = 0;
};

using EmployeeId = Id<struct EmployeeIdTag>;
using TokenId = Id<struct TokenIdTag>;
using LineId = Id<struct LineIdTag>;
using ChannelId = Id<struct ChannelIdTag>;
using CustomerId = Id<struct CustomerIdTag>;
using DialogId = Id<struct DialogIdTag>;
using SessionId = Id<struct SessionIdTag>;
using MessageId = Id<struct MessageIdTag>;
using OutboxId = Id<struct OutboxIdTag>;
using FileId = Id<struct FileIdTag>;
using FolderId = Id<struct FolderIdTag>;

}  // namespace omniline

template <typename Tag>
struct std::hash<omniline::Id<Tag>> {
  std::size_t operator()(omniline::Id<Tag> id) const noexcept {
    return std::hash<std::int64_t>()(id.get());
  }
};
