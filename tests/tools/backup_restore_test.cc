// `vigie backup` / `vigie restore`: a backup taken while the store is open
// by another process verifies and restores to the same tree; a damaged
// backup is refused before anything is touched; and a subject erased after
// the backup stays erased once the backup is restored.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "projections/key_store.h"
#include "projections/ledger.h"
#include "projections/rfc3339.h"
#include "tests/tools/tools_test_support.h"
#include "tools/store_backup.h"

namespace vigie::tools {
namespace {

namespace fs = std::filesystem;
using testing::RunVigie;
using testing::TempDir;

std::int64_t At(const char* rfc3339) { return *projections::ParseRfc3339(rfc3339); }

std::size_t KeyFiles(const std::string& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) n += entry.path().extension() == ".key";
  return n;
}

TEST(BackupTest, BackupOfTheDemoRestoresToTheSameTree) {
  TempDir tmp("vigie-backup");
  auto backup = RunVigie({"backup", "--data", testing::SharedDemoDir(), "--to", tmp / "b"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  const auto summary = boost::json::parse(backup.out);
  EXPECT_EQ(summary.at("root_hash").as_string(), testing::SharedDemoRoot());
  EXPECT_EQ(summary.at("subject_keys").to_number<int>(), 10);
  EXPECT_TRUE(fs::exists(tmp / "b/backup.json"));
  // The store's checkpoint kept outside RocksDB travels with the backup.
  EXPECT_TRUE(fs::exists(tmp / "b/latest-checkpoint"));
  EXPECT_EQ(KeyFiles(tmp / "b/keys"), 10u);
  EXPECT_EQ(RunVigie({"verify", "--data", tmp / "b"}).exit_code, 0);

  // Restored with the clock of March 2014, retention erases nothing yet.
  RestoreOptions options;
  options.backup_dir = tmp / "b";
  options.data_dir = tmp / "restored";
  options.clock = [] { return At("2014-03-10T00:00:00Z"); };
  auto restored = RestoreStore(options);
  ASSERT_TRUE(restored.has_value()) << restored.error().message();
  EXPECT_EQ(restored->root_hash, testing::SharedDemoRoot());
  EXPECT_EQ(restored->keys, 10u);
  EXPECT_EQ(restored->erased_by_retention, 0u);
  EXPECT_TRUE(restored->replaced_dir.empty());
  EXPECT_EQ(RunVigie({"verify", "--data", tmp / "restored"}).exit_code, 0);
  EXPECT_EQ(testing::ReadFile(tmp / "restored/latest-checkpoint"), testing::ReadFile(tmp / "b/latest-checkpoint"));
  {
    auto reopened = eventstore::EventStore::Open(tmp / "restored");
    ASSERT_TRUE(reopened.has_value()) << reopened.error().message();
    ASSERT_TRUE((*reopened)->Close().ok());
  }

  // Restoring over it needs --replace; the store it held is kept aside, without keys.
  auto refused = RunVigie({"restore", "--from", tmp / "b", "--data", tmp / "restored"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--replace"), std::string::npos) << refused.err;
  auto replaced = RunVigie({"restore", "--from", tmp / "b", "--data", tmp / "restored", "--replace"});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  const auto answer = boost::json::parse(replaced.out);
  const std::string aside(answer.at("replaced").as_string());
  EXPECT_TRUE(fs::exists(aside + "/store/CURRENT"));
  EXPECT_EQ(KeyFiles(aside + "/keys"), 0u);
  EXPECT_EQ(RunVigie({"verify", "--data", tmp / "restored"}).exit_code, 0);
}

// `vigie backup` runs in its own process while this one appends without
// pause: every backup is a verified prefix of whole commands.
TEST(BackupTest, BackupWhileAnotherProcessAppends) {
  TempDir tmp("vigie-backup-live");
  const std::string data = tmp / "data";
  ASSERT_TRUE(eventstore::EventStore::Init(data, "test.example/live").has_value());
  eventstore::StoreOptions options;
  options.checkpoint_every_events = 5000;
  options.sync = false;  // the test is about consistency, not durability
  auto store = eventstore::EventStore::Open(data, options);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> appended{0};
  std::thread writer([&] {
    for (std::uint64_t n = 0; !stop.load(); ++n) {
      eventstore::AppendRequest request;
      for (int i = 0; i < 4; ++i) {
        eventstore::NewEvent event;
        event.stream = "load-" + std::to_string(n % 50);
        event.type = "Load";
        event.event_id[0] = 0x42;
        for (int b = 0; b < 8; ++b) event.event_id[15 - b] = static_cast<std::uint8_t>((n * 4 + i) >> (8 * b));
        event.occurred_at_ns = eventstore::SystemClockNs();
        event.payload = std::string(200, static_cast<char>('a' + n % 26));
        request.events.push_back(std::move(event));
      }
      if ((*store)->Append(std::move(request)).has_value()) appended += 4;
    }
  });
  for (int i = 0; i < 3; ++i) {
    while (appended.load() < 1000u * static_cast<std::uint64_t>(i + 1)) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto run = RunVigie({"backup", "--data", data, "--to", tmp / ("b" + std::to_string(i))});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    if (run.exit_code == 0) {
      const auto size = boost::json::parse(run.out).at("tree_size").to_number<std::uint64_t>();
      EXPECT_EQ(size % 4, 0u) << "a command was cut in two";
      EXPECT_GT(size, 0u);
    }
  }
  stop = true;
  writer.join();
  ASSERT_TRUE((*store)->Close().ok());
}

TEST(BackupTest, RefusesAnExistingTargetAndAMissingStore) {
  TempDir tmp("vigie-backup-usage");
  fs::create_directories(tmp / "exists");
  EXPECT_EQ(RunVigie({"backup", "--data", testing::SharedDemoDir(), "--to", tmp / "exists"}).exit_code, 1);
  EXPECT_EQ(RunVigie({"backup", "--data", tmp / "none", "--to", tmp / "b"}).exit_code, 1);
  EXPECT_EQ(RunVigie({"backup", "--data", testing::SharedDemoDir()}).exit_code, 2);  // no --to
  EXPECT_EQ(RunVigie({"restore", "--data", tmp / "r"}).exit_code, 2);                // no --from
  auto missing = RunVigie({"restore", "--from", tmp / "none", "--data", tmp / "r"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(testing::Lines(missing.err).size(), 1u) << missing.err;
}

TEST(BackupTest, DamagedBackupIsRefusedAndNothingIsTouched) {
  TempDir tmp("vigie-backup-damaged");
  ASSERT_EQ(RunVigie({"backup", "--data", testing::SharedDemoDir(), "--to", tmp / "b"}).exit_code, 0);
  // Flip a byte in the middle of the largest table file of the backup.
  ASSERT_TRUE(testing::DamageLargestTable(tmp / "b/store"));
  auto run = RunVigie({"restore", "--from", tmp / "b", "--data", tmp / "restored"});
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_FALSE(fs::exists(tmp / "restored"));
  EXPECT_FALSE(fs::exists(tmp / "restored.restoring"));
}

// A ledger over a store in `dir` whose clock the test moves.
struct SmallLedger {
  std::shared_ptr<std::atomic<std::int64_t>> now = std::make_shared<std::atomic<std::int64_t>>(0);
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<projections::Ledger> ledger;
  std::string admin;

  void Open(const std::string& dir) {
    eventstore::StoreOptions options;
    auto clock = now;
    options.clock = [clock] { return clock->load(); };
    auto opened = eventstore::EventStore::Open(dir, options);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    store = std::move(*opened);
    projections::LedgerOptions ledger_options;
    ledger_options.key_dir = dir + "/keys";
    ledger_options.clock = options.clock;
    auto l = projections::Ledger::Open(store.get(), ledger_options);
    ASSERT_TRUE(l.has_value()) << l.error().message();
    ledger = std::move(*l);
  }
  void Close() {
    ledger.reset();
    if (store) {
      ASSERT_TRUE(store->Close().ok());
    }
    store.reset();
  }
  std::string Run(const std::string& token, const std::string& command, boost::json::object body) {
    auto caller = ledger->Authenticate(token);
    EXPECT_TRUE(caller.has_value());
    if (!caller) return "";
    auto answer = ledger->Execute(*caller, command, boost::json::value(std::move(body)));
    EXPECT_TRUE(answer.has_value()) << command << ": " << answer.error().message();
    if (!answer) return "";
    const auto* token_field = answer->body.as_object().if_contains("token");
    return token_field ? std::string(token_field->as_string()) : "";
  }
};

// A new store in `data` (its clock at 2013-01-02) with a partner, a cell,
// a référente who signed the charter, and the open situations `ids` of a
// subject born in 2000 ("Sujet fictif"). The référente's token.
std::string SeedSituations(SmallLedger& l, const std::string& data, const std::string& origin,
                           std::initializer_list<const char*> ids) {
  EXPECT_TRUE(eventstore::EventStore::Init(data, origin).has_value());
  l.now->store(At("2013-01-02T09:00:00Z"));
  l.Open(data);
  auto admin = l.ledger->Bootstrap(origin);
  EXPECT_TRUE(admin.has_value());
  if (!admin) return "";
  l.Run(*admin, "register-partner", {{"partner_id", "ville"}, {"name", "Ville"}, {"kind", "local_authority"}});
  l.Run(*admin, "create-cell",
        {{"cell_id", "cp"}, {"name", "Cellule partenariale"}, {"kind", "partnership"},
         {"chairs", boost::json::array{}}, {"members", boost::json::array{"ville"}}, {"confidential", true}});
  const std::string referent = l.Run(*admin, "enroll-person",
                                     {{"person_id", "ref"}, {"partner_id", "ville"}, {"display_name", "Référente"},
                                      {"roles", boost::json::array{"referent"}}});
  l.Run(referent, "sign-charter", {{"charter_version", "1"}});
  for (const char* id : ids) {
    l.Run(referent, "open-situation",
          {{"situation_id", id}, {"cell_id", "cp"}, {"pseudonym", "Sujet fictif"}, {"birth_year", 2000},
           {"referral_source", "education"}, {"reason", "absenteisme"}, {"need_to_know", boost::json::array{"ville"}}});
  }
  return referent;
}

TEST(BackupTest, ErasedSubjectStaysErasedAfterRestore) {
  TempDir tmp("vigie-erasure");
  const std::string data = tmp / "data";
  SmallLedger l;
  const std::string referent = SeedSituations(l, data, "test.example/erasure", {"s1"});
  ASSERT_FALSE(referent.empty());
  l.now->store(At("2013-06-01T09:00:00Z"));
  l.Run(referent, "close-situation", {{"situation_id", "s1"}, {"outcome", "sortie_positive"}});
  ASSERT_EQ(KeyFiles(data + "/keys"), 1u);

  // Backed up by another process while this one holds the store open.
  auto backup = RunVigie({"backup", "--data", data, "--to", tmp / "b"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_EQ(KeyFiles(tmp / "b/keys"), 1u);

  // Three years after closure, retention erases the subject.
  l.now->store(At("2016-06-02T09:00:00Z"));
  auto erased = l.ledger->ApplyRetention();
  ASSERT_TRUE(erased.has_value()) << erased.error().message();
  ASSERT_EQ(*erased, 1u);
  EXPECT_EQ(KeyFiles(data + "/keys"), 0u);
  l.Close();

  // Restored with a clock before the erasure date, so that only the
  // knowledge of the current store can withhold the key.
  RestoreOptions options;
  options.backup_dir = tmp / "b";
  options.data_dir = data;
  options.replace = true;
  options.clock = [] { return At("2014-01-01T00:00:00Z"); };
  auto restored = RestoreStore(options);
  ASSERT_TRUE(restored.has_value()) << restored.error().message();
  EXPECT_EQ(restored->keys_withheld, 1u);
  EXPECT_EQ(restored->keys, 0u);
  EXPECT_EQ(restored->erased_by_retention, 0u);
  EXPECT_EQ(KeyFiles(data + "/keys"), 0u);
  EXPECT_EQ(KeyFiles(restored->replaced_dir + "/keys"), 0u);

  // The restored situation file shows the subject erased.
  SmallLedger after;
  after.now->store(At("2014-01-02T00:00:00Z"));
  ASSERT_NO_FATAL_FAILURE(after.Open(data));
  auto caller = after.ledger->Authenticate(referent);
  ASSERT_TRUE(caller.has_value());
  auto file = after.ledger->Situation(*caller, "s1", {}, std::string("contrôle après restauration"));
  ASSERT_TRUE(file.has_value()) << file.error().message();
  EXPECT_EQ(boost::json::serialize(*file).find("Sujet fictif"), std::string::npos);
  after.Close();
}

// The current store's log cannot be read any more (here: its RocksDB
// directory is gone) but its key store survives: a key the backup holds
// and the current key store lost was destroyed, and stays destroyed.
TEST(BackupTest, ErasureSurvivesRestoreOverAStoreWhoseLogIsLost) {
  TempDir tmp("vigie-erasure-unreadable");
  const std::string data = tmp / "data";
  SmallLedger l;
  const std::string referent = SeedSituations(l, data, "test.example/unreadable", {"s1", "s2"});
  ASSERT_FALSE(referent.empty());
  l.now->store(At("2013-06-01T09:00:00Z"));
  l.Run(referent, "close-situation", {{"situation_id", "s1"}, {"outcome", "sortie_positive"}});
  ASSERT_EQ(KeyFiles(data + "/keys"), 2u);
  l.Close();
  ASSERT_TRUE(BackupStore(data, tmp / "b").has_value());
  ASSERT_EQ(KeyFiles(tmp / "b/keys"), 2u);

  // s1 is erased three years after its closure; then the log is lost.
  l.now->store(At("2016-06-02T09:00:00Z"));
  ASSERT_NO_FATAL_FAILURE(l.Open(data));
  auto erased = l.ledger->ApplyRetention();
  ASSERT_TRUE(erased.has_value()) << erased.error().message();
  ASSERT_EQ(*erased, 1u);
  l.Close();
  ASSERT_EQ(KeyFiles(data + "/keys"), 1u);
  fs::remove_all(data + "/store");

  // Restored with a clock before the erasure date: only the surviving key
  // store can tell that s1's key was destroyed.
  RestoreOptions options;
  options.backup_dir = tmp / "b";
  options.data_dir = data;
  options.replace = true;
  options.clock = [] { return At("2014-01-01T00:00:00Z"); };
  auto restored = RestoreStore(options);
  ASSERT_TRUE(restored.has_value()) << restored.error().message();
  EXPECT_EQ(restored->keys_withheld, 1u);
  EXPECT_EQ(restored->keys, 1u);
  EXPECT_EQ(KeyFiles(data + "/keys"), 1u);
  EXPECT_EQ(KeyFiles(restored->replaced_dir + "/keys"), 0u);
  EXPECT_EQ(RunVigie({"verify", "--data", data}).exit_code, 0);
}

// Without the current store (lost with its disk), retention at today's
// date erases again whatever it had erased since the backup.
TEST(BackupTest, RetentionAtRestoreErasesAgainWhenTheCurrentStoreIsLost) {
  TempDir tmp("vigie-erasure-lost");
  const std::string data = tmp / "data";
  SmallLedger l;
  const std::string referent = SeedSituations(l, data, "test.example/lost", {"s1"});
  ASSERT_FALSE(referent.empty());
  l.Run(referent, "close-situation", {{"situation_id", "s1"}, {"outcome", "sortie_positive"}});
  l.Close();
  ASSERT_TRUE(BackupStore(data, tmp / "b").has_value());
  fs::remove_all(data);

  RestoreOptions options;
  options.backup_dir = tmp / "b";
  options.data_dir = data;
  options.clock = [] { return At("2016-02-01T00:00:00Z"); };
  auto restored = RestoreStore(options);
  ASSERT_TRUE(restored.has_value()) << restored.error().message();
  EXPECT_EQ(restored->erased_by_retention, 1u);
  EXPECT_EQ(KeyFiles(data + "/keys"), 0u);
  EXPECT_EQ(RunVigie({"verify", "--data", data}).exit_code, 0);
}

}  // namespace
}  // namespace vigie::tools
