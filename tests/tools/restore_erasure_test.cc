// `vigie restore` over a store that erased subjects since the backup: their
// keys are withheld AND their erasure is recorded in the restored log, so no
// situation shows active while its key is gone (the age limit could never
// erase it again: it needs the birth year, sealed under that key); and a
// backup that lacks a key its log needs is refused unless DIR says that key
// was destroyed.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "projections/rfc3339.h"
#include "tests/tools/tools_test_support.h"
#include "tools/store_backup.h"
#include "tools/subject_keys.h"

namespace vigie::tools {
namespace {

namespace fs = std::filesystem;
using testing::RunVigie;
using testing::TempDir;

// Mid-2022: the demo's situations closed in 2013 are past their archive
// period, the subjects born in 1997 or before past the age limit, the
// younger ones whose situations are still open are not.
std::int64_t Mid2022() { return *projections::ParseRfc3339("2022-06-01T00:00:00Z"); }

std::set<std::string> KeyFiles(const std::string& dir) {
  std::set<std::string> ids;
  for (const auto& entry : fs::directory_iterator(dir)) ids.insert(entry.path().stem().string());
  return ids;
}

SubjectKeys KeysOfLog(const std::string& dir) {
  auto store = eventstore::EventStore::OpenReadOnly(dir);
  EXPECT_TRUE(store.has_value()) << store.error().message();
  if (!store) return {};
  auto keys = CollectSubjectKeys(**store, /*tolerate_damage=*/false);
  EXPECT_TRUE(keys.has_value()) << keys.error().message();
  return keys ? *keys : SubjectKeys{};
}

// situation id -> status, as `vigie replay --projection situations` lists them.
std::map<std::string, std::string> Statuses(const std::string& dir) {
  const auto run = RunVigie({"replay", "--data", dir, "--projection", "situations"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, std::string> out;
  if (run.exit_code != 0) return out;
  const boost::json::value list = boost::json::parse(run.out);
  for (const auto& item : list.at("situations").as_array()) {
    out[std::string(item.at("situation_id").as_string())] = std::string(item.at("status").as_string());
  }
  return out;
}

// At `clock`; the replaced store goes to DIR.replaced-<clock>, so two
// restores over the same DIR need two clocks.
Result<RestoreResult> Restore(const std::string& from, const std::string& to, bool replace,
                              eventstore::Clock clock = Mid2022) {
  RestoreOptions options;
  options.backup_dir = from;
  options.data_dir = to;
  options.replace = replace;
  options.clock = std::move(clock);
  return RestoreStore(options);
}

// A restore of the demo in mid-2022: retention erases subjects both for the
// archive period and for the age limit, and leaves some active.
class RestoreErasureTest : public ::testing::Test {
 protected:
  TempDir tmp_{"vigie-restore-erasure"};
  std::string backup_ = tmp_ / "b";
  std::string data_ = tmp_ / "data";
  SubjectKeys erased_log_;  // the first restore's log, once retention ran

  void SetUp() override {
    const auto run = RunVigie({"backup", "--data", testing::SharedDemoDir(), "--to", backup_});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto first = Restore(backup_, data_, /*replace=*/false);
    ASSERT_TRUE(first.has_value()) << first.error().message();
    ASSERT_GT(first->erased_by_retention, 0u);
    erased_log_ = KeysOfLog(data_);
    std::set<std::string> reasons;
    for (const auto& [key, reason] : erased_log_.erased) reasons.insert(reason);
    ASSERT_TRUE(reasons.contains("age_limit"));
    ASSERT_TRUE(reasons.contains("archive_expired"));
    ASSERT_FALSE(erased_log_.Live().empty());
  }
};

TEST_F(RestoreErasureTest, SubjectsErasedInTheReplacedStoreStayErasedInTheLog) {
  const auto before = Statuses(data_);

  auto again = Restore(backup_, data_, /*replace=*/true);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(again->keys_withheld, erased_log_.erased.size());
  EXPECT_EQ(again->erasures_recorded, erased_log_.erased.size());
  EXPECT_EQ(again->erased_by_retention, 0u);

  // Every subject the replaced store erased is erased in the restored log,
  // with the reason it recorded; exactly the live subjects keep their key.
  const SubjectKeys restored = KeysOfLog(data_);
  EXPECT_EQ(restored.erased, erased_log_.erased);
  EXPECT_EQ(restored.Live(), KeyFiles(data_ + "/keys"));
  EXPECT_EQ(Statuses(data_), before);
  EXPECT_EQ(RunVigie({"verify", "--data", data_}).exit_code, 0);

  // Restoring once more changes nothing more.
  auto third = Restore(backup_, data_, /*replace=*/true, [] { return Mid2022() + 86'400'000'000'000; });
  ASSERT_TRUE(third.has_value()) << third.error().message();
  EXPECT_EQ(KeysOfLog(data_).erased, erased_log_.erased);
  EXPECT_EQ(Statuses(data_), before);
}

TEST_F(RestoreErasureTest, BackupLackingAKeyItsLogNeedsIsRefused) {
  const std::string live_key = *erased_log_.Live().begin();
  fs::remove(backup_ + "/keys/" + live_key + ".key");

  // Into an empty directory, and over the store: refused, nothing changed.
  const auto fresh = RunVigie({"restore", "--from", backup_, "--data", tmp_ / "fresh"});
  EXPECT_EQ(fresh.exit_code, 1);
  EXPECT_EQ(testing::ErrorLines(fresh.err).size(), 1u) << fresh.err;
  EXPECT_NE(fresh.err.find("lacks 1 subject key"), std::string::npos) << fresh.err;
  EXPECT_FALSE(fs::exists(tmp_ / "fresh"));
  EXPECT_FALSE(fs::exists(tmp_ / "fresh.restoring"));

  const auto keys_before = KeyFiles(data_ + "/keys");
  const auto over = RunVigie({"restore", "--from", backup_, "--data", data_, "--replace"});
  EXPECT_EQ(over.exit_code, 1);
  EXPECT_NE(over.err.find("lacks 1 subject key"), std::string::npos) << over.err;
  EXPECT_EQ(KeyFiles(data_ + "/keys"), keys_before);
  EXPECT_FALSE(fs::exists(data_ + ".restoring"));
}

TEST_F(RestoreErasureTest, KeyMissingFromTheBackupIsAcceptedWhenTheStoreDestroyedIt) {
  const std::string erased_key = erased_log_.erased.begin()->first;
  fs::remove(backup_ + "/keys/" + erased_key + ".key");

  auto restored = Restore(backup_, data_, /*replace=*/true);
  ASSERT_TRUE(restored.has_value()) << restored.error().message();
  EXPECT_EQ(restored->keys_withheld, erased_log_.erased.size());
  EXPECT_EQ(KeysOfLog(data_).erased, erased_log_.erased);
}

}  // namespace
}  // namespace vigie::tools
