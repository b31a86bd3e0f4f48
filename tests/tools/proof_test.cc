// `vigie proof` and `vigie export --from`: every number as typed, every size
// against the log, the two proof modes apart. Bad input is a usage error
// (exit 2) in one line naming the option and the value.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "tests/tools/tools_test_support.h"

namespace vigie::tools {
namespace {

using testing::RunVigie;

class ProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::OpenReadOnly(testing::SharedDemoDir());
    ASSERT_TRUE(store.has_value());
    size_ = (*store)->Size();
    ASSERT_GT(size_, 10u);
  }

  testing::RunResult Proof(std::vector<std::string> args) {
    args.insert(args.begin(), {"proof", "--data", testing::SharedDemoDir()});
    return RunVigie(args);
  }

  // A usage error: exit 2, one line on stderr holding each of `words`.
  static void ExpectUsageError(const testing::RunResult& run, const std::vector<std::string>& words) {
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
    for (const std::string& word : words) EXPECT_NE(run.err.find(word), std::string::npos) << word << ": " << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
  }

  std::string Beyond(std::uint64_t extra) const { return std::to_string(size_ + extra); }

  std::uint64_t size_ = 0;
};

TEST_F(ProofTest, ProofsWithinTheLogAreGiven) {
  auto inclusion = Proof({"--position", "3", "--tree-size", "10"});
  ASSERT_EQ(inclusion.exit_code, 0) << inclusion.err;
  EXPECT_EQ(boost::json::parse(inclusion.out).at("leaf_index").to_number<int>(), 3);
  auto last = Proof({"--position", std::to_string(size_ - 1)});
  EXPECT_EQ(last.exit_code, 0) << last.err;
  auto consistency = Proof({"--first", "3", "--second", "10"});
  ASSERT_EQ(consistency.exit_code, 0) << consistency.err;
  EXPECT_EQ(boost::json::parse(consistency.out).at("second").to_number<int>(), 10);
  EXPECT_EQ(Proof({"--first", std::to_string(size_)}).exit_code, 0);
}

TEST_F(ProofTest, NegativeNumbersAreRefusedAsTyped) {
  ExpectUsageError(Proof({"--position", "-1"}), {"--position", "'-1'"});
  ExpectUsageError(Proof({"--first", "-1"}), {"--first", "'-1'"});
  ExpectUsageError(Proof({"--position", "0", "--tree-size", "-5"}), {"--tree-size", "'-5'"});
  ExpectUsageError(Proof({"--first", "1", "--second", "-5"}), {"--second", "'-5'"});
  ExpectUsageError(RunVigie({"export", "--data", testing::SharedDemoDir(), "--from", "-1"}), {"--from", "'-1'"});
}

TEST_F(ProofTest, NumbersOtherThanDecimalDigitsAreRefused) {
  ExpectUsageError(Proof({"--position", "18446744073709551616"}), {"--position", "too large"});
  ExpectUsageError(Proof({"--position", "0x10"}), {"--position", "'0x10'"});
  ExpectUsageError(Proof({"--position", "1.5"}), {"--position", "'1.5'"});
  // Not octal 8, nor silently decimal 10.
  ExpectUsageError(Proof({"--position", "010"}), {"--position", "'010'", "leading zero"});
}

TEST_F(ProofTest, PositionBeyondTheTreeIsAUsageError) {
  ExpectUsageError(Proof({"--position", std::to_string(size_)}), {"--position " + std::to_string(size_), "beyond"});
  ExpectUsageError(Proof({"--position", "5", "--tree-size", "5"}), {"--position 5", "--tree-size 5"});
  ExpectUsageError(Proof({"--position", "0", "--tree-size", Beyond(66)}), {"--tree-size " + Beyond(66), "beyond"});
}

TEST_F(ProofTest, SizesBeyondTheLogAreNamedAsSuch) {
  auto first = Proof({"--first", Beyond(66)});
  ExpectUsageError(first, {"--first " + Beyond(66), "beyond the log"});
  EXPECT_EQ(first.err.find("must not exceed"), std::string::npos) << first.err;
  ExpectUsageError(Proof({"--first", "3", "--second", Beyond(1)}), {"--second " + Beyond(1), "beyond the log"});
  ExpectUsageError(Proof({"--first", "5", "--second", "3"}), {"--first 5", "must not exceed --second 3"});
}

TEST_F(ProofTest, OptionsOfTheTwoModesExcludeEachOther) {
  ExpectUsageError(Proof({"--first", "3", "--tree-size", "5"}), {"--tree-size", "--first"});
  ExpectUsageError(Proof({"--position", "0", "--second", "5"}), {"--position", "--second"});
  ExpectUsageError(Proof({"--position", "0", "--first", "1"}), {"--position", "--first"});
  // Neither mode chosen.
  ExpectUsageError(Proof({"--tree-size", "5"}), {"--position", "--first"});
  ExpectUsageError(Proof({"--second", "5"}), {"--position", "--first"});
  ExpectUsageError(Proof({}), {"--position", "--first"});
}

}  // namespace
}  // namespace vigie::tools
