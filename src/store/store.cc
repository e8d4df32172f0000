#include "store/store.h"

#include <future>

namespace omniline::store {

Status Store::write(WriteFn fn) {
  std::promise<Status> done;
  auto fut = done.get_future();
  submit_write(std::move(fn), [&done](Status st) { done.set_value(std::move(st)); });
  return fut.get();
}

}  // namespace omniline::store
