// `omniline demo`: fills a data dir with realistic dialogs quickly, for trying the workspace at
// scale and for the read-path benchmark.
#pragma once

#include <cstdint>

#include "store/store.h"

namespace omniline::app {

struct DemoOptions {
  std::int64_t dialogs = 1000;
  int messages_per_dialog = 20;
  int batch = 500;  // dialogs per write transaction
};

struct DemoReport {
  std::int64_t dialogs = 0, messages = 0;
  LineId line;
  ChannelId channel;
  double seconds = 0;
};

// Adds a line "Demo" (the active admins and operators, up to 20, in its queue) with a custom
// connector, and `dialogs` customers with one dialog each: about 10% waiting (new), 20% in
// work with an operator, the rest closed, with `messages_per_dialog` alternating customer and
// operator messages spread over the last 30 days. Needs at least one active employee.
Result<DemoReport> fill_demo_data(store::Store& store, const DemoOptions& o);

}  // namespace omniline::app
