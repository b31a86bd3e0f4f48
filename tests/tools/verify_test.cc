// `vigie verify --verifier-key`: the store's checkpoints checked against a
// key known from outside its data directory. A store rewritten and
// re-signed with a key of its own (here: an import of the demo's export,
// the same records under a new key) verifies by itself, and fails against
// the log's real key.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "tests/tools/tools_test_support.h"

namespace vigie::tools {
namespace {

using testing::RunVigie;
using testing::TempDir;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::OpenReadOnly(testing::SharedDemoDir());
    ASSERT_TRUE(store.has_value());
    demo_key_ = (*store)->VerifierKey();
  }

  // The demo's records in a store of their own, signed by a new key.
  std::string ResignedCopy() {
    auto exported = RunVigie({"export", "--data", testing::SharedDemoDir()});
    EXPECT_EQ(exported.exit_code, 0) << exported.err;
    testing::WriteFile(tmp_ / "log.jsonl", exported.out);
    auto imported = RunVigie({"import", "--data", tmp_ / "resigned"}, tmp_ / "log.jsonl");
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    return tmp_ / "resigned";
  }

  TempDir tmp_{"vigie-verify"};
  std::string demo_key_;
};

TEST_F(VerifyTest, TheLogsOwnKeyVerifiesAndIsPrinted) {
  auto run = RunVigie({"verify", "--data", testing::SharedDemoDir(), "--verifier-key", demo_key_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto out = boost::json::parse(run.out);
  EXPECT_TRUE(out.at("ok").as_bool());
  EXPECT_EQ(out.at("verifier_key").as_string(), demo_key_);
  EXPECT_TRUE(out.at("verifier_key_given").as_bool());
  EXPECT_GT(out.at("checkpoints").to_number<int>(), 0);
}

TEST_F(VerifyTest, WithoutAKeyTheStoresOwnIsPrinted) {
  auto run = RunVigie({"verify", "--data", testing::SharedDemoDir()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto out = boost::json::parse(run.out);
  EXPECT_EQ(out.at("verifier_key").as_string(), demo_key_);
  EXPECT_FALSE(out.at("verifier_key_given").as_bool());
}

TEST_F(VerifyTest, AResignedStoreFailsAgainstTheLogsKey) {
  const std::string resigned = ResignedCopy();
  ASSERT_EQ(RunVigie({"verify", "--data", resigned}).exit_code, 0) << "consistent by itself";
  auto run = RunVigie({"verify", "--data", resigned, "--verifier-key", demo_key_});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
  EXPECT_NE(run.err.find("not signed by the given verifier key"), std::string::npos) << run.err;
  const auto out = boost::json::parse(run.out);
  EXPECT_FALSE(out.at("ok").as_bool());
  EXPECT_EQ(out.at("verifier_key").as_string(), demo_key_);
}

TEST_F(VerifyTest, AMalformedKeyIsAUsageError) {
  for (const std::string& key : {std::string("not-a-key"), demo_key_.substr(0, demo_key_.size() - 4), std::string()}) {
    auto run = RunVigie({"verify", "--data", testing::SharedDemoDir(), "--verifier-key", key});
    EXPECT_EQ(run.exit_code, 2) << key << ": " << run.err;
    EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
    EXPECT_NE(run.err.find("--verifier-key"), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace vigie::tools
