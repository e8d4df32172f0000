// The storage backends the contract tests run against (store_contract_test.cc,
// store_dialogs_contract_test.cc). A backend fixture owns whatever one test's database needs:
//   struct SomeBackend {
//     SomeBackend();                                   // a fresh, empty database
//     Result<std::unique_ptr<Store>> open();           // (re)opens that same database
//   };
// Add a backend by adding its fixture to `Backends`; never copy the tests per backend.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "store/store.h"
#include "support/temp_dir.h"

namespace omniline::store::test_backends {

class SqliteBackend {
 public:
  Result<std::unique_ptr<Store>> open() {
    SqliteOptions options;
    options.path = dir_.file("omniline.db");
    options.read_connections = 2;
    return open_sqlite(options);
  }

 private:
  omniline::testing::TempDir dir_{"omniline-store-test"};
};

using Backends = ::testing::Types<SqliteBackend>;

}  // namespace omniline::store::test_backends
