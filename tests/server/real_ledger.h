#pragma once
// A real EventStore and Ledger in a fresh temporary directory, with the
// administrator bootstrapped: the world of the end-to-end, access-matrix
// and observability tests. Not thread-safe; one per test.
//
//   RealLedger world;
//   ASSERT_NO_FATAL_FAILURE(world.Open("vigie.test"));
//   ... world.ledger(), world.store(), world.admin_token() ...
//
// The destructor releases the ledger, closes the store (expecting success)
// and removes the directory; Close() does the first two earlier.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "eventstore/event_store.h"
#include "projections/ledger.h"

namespace vigie::server::testing {

class RealLedger {
 public:
  RealLedger() = default;
  RealLedger(const RealLedger&) = delete;
  RealLedger& operator=(const RealLedger&) = delete;
  ~RealLedger() {
    Close();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void Open(const std::string& origin) {
    std::string pattern = (std::filesystem::temp_directory_path() / "vigie-server-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    ASSERT_TRUE(eventstore::EventStore::Init(dir_ + "/store", origin));
    auto store = eventstore::EventStore::Open(dir_ + "/store");
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    projections::LedgerOptions options;
    options.key_dir = dir_ + "/keys";
    auto ledger = projections::Ledger::Open(store_.get(), options);
    ASSERT_TRUE(ledger) << ledger.error().ToString();
    ledger_ = std::move(*ledger);
    auto token = ledger_->Bootstrap(origin);
    ASSERT_TRUE(token) << token.error().ToString();
    admin_token_ = *token;
  }

  void Close() {
    ledger_.reset();
    if (store_) {
      EXPECT_TRUE(store_->Close().ok());
    }
    store_.reset();
  }

  eventstore::EventStore& store() { return *store_; }
  projections::Ledger& ledger() { return *ledger_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<projections::Ledger> ledger_;
  std::string admin_token_;
};

}  // namespace vigie::server::testing
