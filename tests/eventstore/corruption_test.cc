// Corruption (SPEC §8: "a flipped byte in the store is detected by verify").
//
// A store of kEvents events with checkpoints at 1000, 2000 and 3000 is
// built once, in two forms: as Close leaves it (everything still in the
// write-ahead log, as RocksDB does not flush on close) and reopened once
// (recovery flushes every family to table files). Then, on fresh copies:
//
// - seeded bit flips in every kind of file: table files, write-ahead log,
//   MANIFEST, CURRENT, the signing key. Each must be refused by the open,
//   reported by VerifyStore, or be harmless: verify accepting a store whose
//   entries differ from the original by a single byte fails the test;
// - a "malicious administrator" editing entries through RocksDB, so that
//   RocksDB's own checksums stay valid: only the Merkle tree and the signed
//   checkpoints can tell, and verify must name what was touched.
//
//   VIGIE_CORRUPTION_SEED  seed of the flips (default below)
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "eventstore/event_store.h"
#include "eventstore/storage_layout.h"
#include "tests/eventstore/raw_store.h"
#include "tests/eventstore/test_store.h"

namespace vigie::eventstore {
namespace {

namespace fs = std::filesystem;
using Dump = std::vector<std::map<std::string, std::string>>;

constexpr std::uint64_t kEvents = 3000;
constexpr std::uint64_t kDefaultSeed = 0xf11b'b175;
constexpr std::size_t kPayloadBytes = 200;

std::uint64_t Seed(std::uint64_t salt) {
  const char* text = std::getenv("VIGIE_CORRUPTION_SEED");
  std::uint64_t seed = text && *text ? std::strtoull(text, nullptr, 0) : kDefaultSeed;
  return seed ^ salt;
}

// Appends kEvents events in commands of one or two events over 40 streams,
// storing checkpoints at 1000 and 2000; Close stores the one at 3000.
void BuildStore(const std::string& dir) {
  auto init = EventStore::Init(dir, "corruption.vigie.example/log");
  ASSERT_TRUE(init) << init.error().ToString();
  StoreOptions options;
  options.flush_on_close = false;  // the WAL form: the whole log in the WAL
  auto store = EventStore::Open(dir, options);
  ASSERT_TRUE(store) << store.error().ToString();
  std::atomic<int> refused{0};
  std::uint64_t n = 0;
  for (std::uint64_t checkpoint : {1000, 2000, 3000}) {
    while (n < checkpoint) {
      AppendRequest r;
      r.command_id = "command-" + std::to_string(n);
      r.actor = {"referent-1", "prefecture", "referent"};
      const std::uint64_t events = (n % 3 == 0 && n + 2 <= checkpoint) ? 2 : 1;
      for (std::uint64_t i = 0; i < events; ++i, ++n) {
        NewEvent e = testing::Event("case-" + std::to_string(n % 40), "InformationShared", n);
        e.payload.resize(kPayloadBytes, 'x');
        r.events.push_back(std::move(e));
      }
      // Queued without waiting: group commit keeps the build fast.
      (*store)->AppendAsync(std::move(r), [&](Result<AppendResult> result) {
        if (!result) ++refused;
      });
    }
    ASSERT_EQ((*store)->WaitForSize(checkpoint - 1, std::chrono::seconds(60)), checkpoint);
    if (checkpoint < kEvents) {
      ASSERT_TRUE((*store)->StoreCheckpoint());
    }
  }
  ASSERT_TRUE((*store)->Close().ok());
  ASSERT_EQ(refused.load(), 0);
}

Dump DumpStore(const std::string& dir) {
  std::string error;
  auto raw = testing::RawStore::Open(dir, /*read_only=*/true, &error);
  EXPECT_TRUE(raw) << error;
  Dump dump;
  if (raw) {
    EXPECT_TRUE(raw->DumpAll(&dump).ok());
  }
  return dump;
}

std::uint64_t FileBytes(const std::string& dir, const std::string& suffix) {
  std::uint64_t bytes = 0;
  for (const auto& f : fs::directory_iterator(fs::path(dir) / layout::kStoreSubdir)) {
    if (f.path().string().ends_with(suffix)) bytes += f.file_size();
  }
  return bytes;
}

void FlipBit(const fs::path& file, std::uint64_t offset, int bit) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  io.get(c);
  c = static_cast<char>(c ^ (1 << bit));
  io.seekp(static_cast<std::streamoff>(offset));
  io.put(c);
  ASSERT_TRUE(io.good()) << "cannot flip a bit of " << file;
}

// Byte offsets of the record headers of a RocksDB log-format file (WAL or
// MANIFEST): 32 KiB blocks of records `u32 crc, u16 length, u8 type, data`.
std::vector<std::uint64_t> LogRecordHeaders(const fs::path& file) {
  constexpr std::uint64_t kBlock = 32768, kHeader = 7;
  std::string bytes(fs::file_size(file), '\0');
  std::ifstream(file, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  std::vector<std::uint64_t> headers;
  std::uint64_t pos = 0;
  while (pos + kHeader <= bytes.size()) {
    const std::uint64_t left_in_block = kBlock - pos % kBlock;
    if (left_in_block < kHeader) {  // the block's trailer is zero padding
      pos += left_in_block;
      continue;
    }
    const auto* h = reinterpret_cast<const unsigned char*>(bytes.data() + pos);
    const std::uint64_t length = h[4] | (std::uint64_t{h[5]} << 8);
    if (length == 0 && h[6] == 0) break;
    headers.push_back(pos);
    pos += kHeader + length;
  }
  return headers;
}

class CorruptionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::string(testing::MakeTempDir("vigie-corruption"));
    wal_form_ = new std::string(*root_ + "/wal-form");
    sst_form_ = new std::string(*root_ + "/sst-form");
    BuildStore(*wal_form_);
    fs::copy(*wal_form_, *sst_form_, fs::copy_options::recursive);
    auto reopened = EventStore::Open(*sst_form_);
    ASSERT_TRUE(reopened) << reopened.error().ToString();
    ASSERT_TRUE((*reopened)->Close().ok());
    reference_ = new Dump(DumpStore(*wal_form_));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
    delete wal_form_;
    delete sst_form_;
    delete reference_;
  }
  void TearDown() override { fs::remove_all(Trial()); }

  static std::string Trial() { return *root_ + "/trial"; }

  // A fresh copy of a form, to damage.
  static std::string CopyOf(const std::string& form) {
    fs::remove_all(Trial());
    fs::copy(form, Trial(), fs::copy_options::recursive);
    return Trial();
  }

  // What verify made of a damaged copy. Refused and reported are both
  // detections; accepted is only right when nothing of the data changed.
  std::string Judge(const std::string& dir, const std::string& damage) {
    auto report = VerifyStore(dir);
    if (!report) return "refused (" + std::string(StatusCodeName(report.error().code())) + ")";
    if (!report->ok()) return "reported";
    std::string error;
    auto raw = testing::RawStore::Open(dir, /*read_only=*/true, &error);
    Dump dump;
    rocksdb::Status s = raw ? raw->DumpAll(&dump) : rocksdb::Status::Corruption(error);
    if (!s.ok()) {
      ADD_FAILURE() << damage << ": verify accepted a store RocksDB cannot read: " << s.ToString();
      return "silently accepted";
    }
    if (dump != *reference_) {
      ADD_FAILURE() << damage << ": verify accepted a store whose entries differ from the original:"
                    << Differences(dump);
      return "silently accepted";
    }
    return "harmless";
  }

  // The families that differ from the reference, with their entry counts.
  static std::string Differences(const Dump& dump) {
    std::string out;
    for (int f = 0; f < layout::kFamilyCount; ++f) {
      const auto& have = dump[static_cast<std::size_t>(f)];
      const auto& want = (*reference_)[static_cast<std::size_t>(f)];
      if (have == want) continue;
      out += std::string(" ") + layout::FamilyName(f) + " " + std::to_string(have.size()) + "/" +
             std::to_string(want.size()) + " entries;";
    }
    return out;
  }

  // `flips` seeded single-bit flips in each file of `form` whose name passes
  // `pick`; returns how many trials ended in each verdict.
  std::map<std::string, int> FlipFiles(const std::string& form, const std::function<bool(const std::string&)>& pick,
                                       int flips, std::uint64_t salt) {
    std::mt19937_64 rng(Seed(salt));
    std::vector<fs::path> files;
    for (const auto& f : fs::recursive_directory_iterator(form)) {
      if (f.is_regular_file() && f.file_size() > 0 && pick(f.path().filename().string())) files.push_back(f.path());
    }
    std::sort(files.begin(), files.end());  // directory order is not deterministic
    EXPECT_FALSE(files.empty()) << "no file to damage in " << form;
    std::map<std::string, int> verdicts;
    for (const fs::path& file : files) {
      const std::uint64_t size = fs::file_size(file);
      for (int i = 0; i < flips; ++i) {
        const std::uint64_t offset = rng() % size;
        const int bit = static_cast<int>(rng() % 8);
        const std::string dir = CopyOf(form);
        FlipBit(fs::path(dir) / fs::relative(file, form), offset, bit);
        const std::string damage = file.filename().string() + " byte " + std::to_string(offset) + " bit " +
                                   std::to_string(bit);
        ++verdicts[Judge(dir, damage)];
      }
    }
    for (const auto& [verdict, count] : verdicts) std::printf("  %-24s %d\n", verdict.c_str(), count);
    return verdicts;
  }

  // Opens a copy through RocksDB, as an administrator with file access.
  std::unique_ptr<testing::RawStore> Administer(const std::string& dir) {
    std::string error;
    auto raw = testing::RawStore::Open(dir, /*read_only=*/false, &error);
    EXPECT_TRUE(raw) << error;
    return raw;
  }

  static std::string* root_;
  static std::string* wal_form_;
  static std::string* sst_form_;
  static Dump* reference_;
};

std::string* CorruptionTest::root_ = nullptr;
std::string* CorruptionTest::wal_form_ = nullptr;
std::string* CorruptionTest::sst_form_ = nullptr;
Dump* CorruptionTest::reference_ = nullptr;

bool IsTable(const std::string& name) { return name.ends_with(".sst"); }
bool IsWal(const std::string& name) { return name.ends_with(".log"); }
bool IsManifest(const std::string& name) { return name.starts_with("MANIFEST-") || name == "CURRENT"; }
bool IsSigningKey(const std::string& name) { return name == layout::kSigningKeyFile; }

// The premise of the flip tests: each form really keeps its data where the
// tests say, and both hold the same entries.
TEST_F(CorruptionTest, CloseLeavesTheDataInTheWalAndReopenMovesItToTables) {
  EXPECT_GT(FileBytes(*wal_form_, ".log"), kEvents * kPayloadBytes);
  EXPECT_EQ(FileBytes(*sst_form_, ".log"), 0u);
  EXPECT_GT(FileBytes(*sst_form_, ".sst"), kEvents * 32);
  EXPECT_EQ(DumpStore(*sst_form_), *reference_);
  ASSERT_EQ((*reference_)[layout::kLog].size(), kEvents);
  ASSERT_EQ((*reference_)[layout::kCheckpoints].size(), 3u);
  auto report = VerifyStore(*sst_form_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << report->problem;
  EXPECT_EQ(report->records, kEvents);
  EXPECT_EQ(report->checkpoints, 3u);
}

TEST_F(CorruptionTest, FlippedBitsInTableFilesAreDetected) {
  auto verdicts = FlipFiles(*sst_form_, IsTable, 16, 1);
  EXPECT_EQ(verdicts["silently accepted"], 0);
  EXPECT_GT(verdicts["reported"] + verdicts["refused (data_loss)"], 100);
}

TEST_F(CorruptionTest, FlippedBitsInTheWriteAheadLogAreDetected) {
  auto verdicts = FlipFiles(*wal_form_, IsWal, 48, 2);
  EXPECT_EQ(verdicts["silently accepted"], 0);
}

TEST_F(CorruptionTest, FlippedBitsInTheManifestAreDetected) {
  auto wal = FlipFiles(*wal_form_, IsManifest, 24, 3);
  auto sst = FlipFiles(*sst_form_, IsManifest, 24, 4);
  EXPECT_EQ(wal["silently accepted"] + sst["silently accepted"], 0);
}

TEST_F(CorruptionTest, FlippedBitsInTheSigningKeyAreDetected) {
  auto verdicts = FlipFiles(*sst_form_, IsSigningKey, 32, 5);
  EXPECT_EQ(verdicts["silently accepted"], 0);
}

TEST_F(CorruptionTest, AFlippedByteInAStoredCheckpointIsNamed) {
  const std::string key = layout::PositionKey(2000);
  const std::string note = (*reference_)[layout::kCheckpoints].at(key);
  std::mt19937_64 rng(Seed(6));
  for (int trial = 0; trial < 16; ++trial) {
    const std::uint64_t offset = rng() % note.size();
    std::string damaged = note;
    damaged[offset] = static_cast<char>(damaged[offset] ^ (1 << (rng() % 8)));
    const std::string dir = CopyOf(*sst_form_);
    ASSERT_TRUE(Administer(dir)->Put(layout::kCheckpoints, key, damaged).ok());
    auto report = VerifyStore(dir);
    ASSERT_TRUE(report) << report.error().ToString();
    EXPECT_FALSE(report->ok()) << "byte " << offset;
    EXPECT_NE(report->problem.find("checkpoint of size 2000"), std::string::npos)
        << "byte " << offset << ": " << report->problem;
  }
}

// Its leaf is not stored (storage_layout.h, "Tree floor"): the first stored
// hash it changes is the level-4 node above its block of 16 records, and
// verify names that block. (A "vigie-store-1" store names the record
// itself: tree_floor_test.cc.)
TEST_F(CorruptionTest, ARewrittenRecordIsNamedByItsBlockOfSixteen) {
  constexpr std::uint64_t kPosition = 1234;
  const std::string key = layout::PositionKey(kPosition);
  std::string record = (*reference_)[layout::kLog].at(key);
  // A payload byte: the record still passes the FlatBuffers verifier, so
  // only its leaf hash can tell.
  const auto at = record.find("payload-");
  ASSERT_NE(at, std::string::npos);
  record[at] = 'P';
  const std::string dir = CopyOf(*sst_form_);
  ASSERT_TRUE(Administer(dir)->Put(layout::kLog, key, record).ok());
  auto report = VerifyStore(dir);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_EQ(report->first_bad_position, 1232u) << report->problem;
  EXPECT_NE(report->problem.find("records 1232 to 1247 do not hash to the stored Merkle node at level 4"),
            std::string::npos)
      << report->problem;
}

TEST_F(CorruptionTest, RemovingTheLastEventsUnderACheckpointIsReported) {
  constexpr std::uint64_t kKept = kEvents - 5;
  const std::string dir = CopyOf(*sst_form_);
  {
    auto raw = Administer(dir);
    // A careful administrator removes the records and every Merkle node
    // they reach, so that the shorter tree is complete and consistent.
    for (std::uint64_t p = kKept; p < kEvents; ++p) ASSERT_TRUE(raw->Delete(layout::kLog, layout::PositionKey(p)).ok());
    for (const auto& [key, hash] : (*reference_)[layout::kTree]) {
      const int level = static_cast<std::uint8_t>(key[0]);
      const std::uint64_t index = layout::GetBe64(std::string_view(key).substr(1));
      if (((index + 1) << level) > kKept) {
        ASSERT_TRUE(raw->Delete(layout::kTree, key).ok());
      }
    }
  }
  // The checkpoint kept outside RocksDB stops the open, naming both sizes.
  auto refused = VerifyStore(dir);
  ASSERT_FALSE(refused) << "verify opened a log shorter than its latest checkpoint";
  EXPECT_EQ(refused.error().code(), StatusCode::kDataLoss);
  EXPECT_NE(refused.error().message().find("holds " + std::to_string(kKept) + " events"), std::string::npos)
      << refused.error().message();
  EXPECT_NE(refused.error().message().find("covers " + std::to_string(kEvents)), std::string::npos)
      << refused.error().message();
  auto opened = EventStore::Open(dir);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), StatusCode::kDataLoss);
  // A careful administrator removes that file too: the checkpoints stored
  // in RocksDB still tell.
  fs::remove(fs::path(dir) / layout::kLatestCheckpointFile);
  auto report = VerifyStore(dir);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_NE(report->problem.find("events were removed"), std::string::npos) << report->problem;
  EXPECT_EQ(report->first_bad_position, kKept);
}

// The latest checkpoint kept outside RocksDB: written by every stored
// checkpoint, and checked on open against the log's size and root.
TEST_F(CorruptionTest, TheLatestCheckpointFileFollowsTheStoreAndIsChecked) {
  const fs::path file = fs::path(*sst_form_) / layout::kLatestCheckpointFile;
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ((*reference_)[layout::kCheckpoints].at(layout::PositionKey(kEvents)),
            [&] {
              std::ifstream in(file, std::ios::binary);
              return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            }());
  // A damaged file is refused, not ignored.
  {
    const std::string dir = CopyOf(*sst_form_);
    FlipBit(fs::path(dir) / layout::kLatestCheckpointFile, 40, 2);
    auto store = EventStore::OpenReadOnly(dir);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code(), StatusCode::kDataLoss) << store.error().ToString();
  }
  // A record rewritten through RocksDB below the checkpoint changes the
  // root at its size: refused at open, not only by verify.
  {
    const std::string dir = CopyOf(*sst_form_);
    const std::uint64_t position = kEvents - 1;
    std::string record = (*reference_)[layout::kLog].at(layout::PositionKey(position));
    const auto at = record.find("payload-");
    ASSERT_NE(at, std::string::npos);
    record[at] = 'P';
    {
      // ... and every stored node above it, so that the stored tree is
      // complete and agrees with the record: only the root has changed.
      auto raw = Administer(dir);
      ASSERT_TRUE(raw->Put(layout::kLog, layout::PositionKey(position), record).ok());
      merkle::Frontier rebuilt;
      std::vector<merkle::NodeWrite> nodes;
      for (std::uint64_t p = 0; p < kEvents; ++p) {
        rebuilt.Append(merkle::HashLeaf(p == position ? record : (*reference_)[layout::kLog].at(layout::PositionKey(p))),
                       &nodes);
      }
      for (const merkle::NodeWrite& n : nodes) {
        if (n.level < layout::kStoredTreeFloor || n.index != position >> n.level) continue;
        ASSERT_EQ((*reference_)[layout::kTree].count(layout::TreeKey(n.level, n.index)), 1u);
        ASSERT_TRUE(raw->Put(layout::kTree, layout::TreeKey(n.level, n.index),
                             std::string(reinterpret_cast<const char*>(n.hash.data()), 32))
                        .ok());
      }
    }
    auto store = EventStore::Open(dir);
    ASSERT_FALSE(store) << "opened a log whose root differs from its latest checkpoint";
    EXPECT_EQ(store.error().code(), StatusCode::kDataLoss) << store.error().ToString();
    EXPECT_NE(store.error().message().find("root at size 3000 differs"), std::string::npos)
        << store.error().ToString();
  }
}

TEST_F(CorruptionTest, AnAlteredMerkleNodeIsNamed) {
  struct Node {
    int level;
    std::uint64_t index;
  };
  for (Node node : {Node{4, 156}, Node{5, 17}, Node{10, 1}}) {
    const std::string key = layout::TreeKey(node.level, node.index);
    std::string hash = (*reference_)[layout::kTree].at(key);
    hash[7] = static_cast<char>(hash[7] ^ 0x01);
    const std::string dir = CopyOf(*sst_form_);
    ASSERT_TRUE(Administer(dir)->Put(layout::kTree, key, hash).ok());
    auto report = VerifyStore(dir);
    ASSERT_TRUE(report) << report.error().ToString();
    EXPECT_FALSE(report->ok());
    EXPECT_EQ(report->first_bad_position, node.index << node.level) << report->problem;
    EXPECT_NE(report->problem.find("level " + std::to_string(node.level)), std::string::npos) << report->problem;
  }
  // The store keeps no node below level 4: one put there is named too.
  for (Node node : {Node{0, 2500}, Node{3, 17}}) {
    const std::string dir = CopyOf(*sst_form_);
    ASSERT_TRUE(Administer(dir)->Put(layout::kTree, layout::TreeKey(node.level, node.index), std::string(32, 'h')).ok());
    auto report = VerifyStore(dir);
    ASSERT_TRUE(report) << report.error().ToString();
    EXPECT_FALSE(report->ok());
    EXPECT_EQ(report->first_bad_position, node.index << node.level) << report->problem;
    EXPECT_NE(report->problem.find("level " + std::to_string(node.level) + " is stored, below the lowest level"),
              std::string::npos)
        << report->problem;
  }
}

// The table file of one family in a store's copy (the sst form has one per
// family: the reopen flushed each).
fs::path TableOf(const std::string& dir, int family) {
  std::string error;
  auto raw = testing::RawStore::Open(dir, /*read_only=*/true, &error);
  EXPECT_TRUE(raw) << error;
  if (!raw) return {};
  std::vector<rocksdb::LiveFileMetaData> files;
  raw->db()->GetLiveFilesMetaData(&files);
  for (const auto& f : files) {
    if (f.column_family_name == layout::FamilyName(family)) return fs::path(f.directory) / fs::path(f.name).filename();
  }
  ADD_FAILURE() << "no table file for family " << layout::FamilyName(family);
  return {};
}

// A damaged `heads` block must not read as "no such stream": the append
// would then be accepted as version 0 of a stream that has events.
TEST_F(CorruptionTest, AnUnreadableHeadFailsTheAppendInsteadOfRestartingTheStream) {
  const std::string dir = CopyOf(*sst_form_);
  const fs::path heads = TableOf(dir, layout::kHeads);
  ASSERT_FALSE(heads.empty());
  for (std::uint64_t offset = 16; offset < 96; offset += 8) FlipBit(heads, offset, 3);  // the first data block
  auto store = EventStore::Open(dir);
  if (!store) {
    EXPECT_EQ(store.error().code(), StatusCode::kDataLoss) << store.error().ToString();
    return;
  }
  AppendRequest r = testing::OneEvent("case-1", "InformationShared", 1'000'000);
  r.expectations.push_back({"case-1", ExpectedVersion::Any()});
  auto appended = (*store)->Append(r);
  ASSERT_FALSE(appended) << "appended at version " << appended->events[0].version << " of a stream it could not read";
  EXPECT_EQ(appended.error().code(), StatusCode::kDataLoss) << appended.error().ToString();
  // The store stays failed: no later append may rest on the same damage.
  auto next = (*store)->Append(testing::OneEvent("case-new", "InformationShared", 1'000'001));
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code(), StatusCode::kUnavailable) << next.error().ToString();
  EXPECT_EQ((*store)->Size(), kEvents);
}

// Same for the command and event-id indexes: an unreadable entry is not a
// new command.
TEST_F(CorruptionTest, AnUnreadableCommandOrEventIdIndexFailsTheAppend) {
  for (int family : {layout::kCommands, layout::kEventIds}) {
    const std::string dir = CopyOf(*sst_form_);
    const fs::path table = TableOf(dir, family);
    ASSERT_FALSE(table.empty());
    for (std::uint64_t offset = 16; offset < 4096; offset += 64) FlipBit(table, offset, 5);
    auto store = EventStore::Open(dir);
    if (!store) {
      EXPECT_EQ(store.error().code(), StatusCode::kDataLoss) << store.error().ToString();
      continue;
    }
    // `commands`: a replay of the first command (its id sorts first);
    // `event_ids`: the first event's id again, without a command id.
    AppendRequest r = testing::OneEvent("case-0", "InformationShared", 0);
    if (family == layout::kCommands) r.command_id = "command-0";
    auto appended = (*store)->Append(r);
    ASSERT_FALSE(appended && !appended->replayed) << layout::FamilyName(family) << ": appended as new";
    if (!appended) {
      EXPECT_EQ(appended.error().code(), StatusCode::kDataLoss)
          << layout::FamilyName(family) << ": " << appended.error().ToString();
    }
    EXPECT_EQ((*store)->Size(), kEvents);
  }
}

// RocksDB takes a record whose length runs past the end of the last block
// of its WAL or MANIFEST for a write torn by a crash, and drops it without
// a word (kTolerateCorruptedTailRecords; the MANIFEST reader always does).
// One flipped bit in a length field thus removes the newest durable writes
// or table files, checkpoints included. These two tests flip such bits on
// purpose: the store keeps its latest checkpoint outside RocksDB
// (DIR/latest-checkpoint) and refuses to open a log that lost any of it.
// (Events acknowledged after the latest checkpoint are not covered: here
// Close stored one at the very end, so nothing is.)
TEST_F(CorruptionTest, AFlippedLengthInTheManifestIsDetected) {
  const std::string dir = CopyOf(*sst_form_);
  fs::path manifest;
  for (const auto& f : fs::directory_iterator(fs::path(dir) / layout::kStoreSubdir)) {
    if (f.path().filename().string().starts_with("MANIFEST-")) manifest = f.path();
  }
  const auto headers = LogRecordHeaders(manifest);
  ASSERT_FALSE(headers.empty());
  for (std::uint64_t header : headers) {
    const std::string trial = CopyOf(*sst_form_);
    FlipBit(fs::path(trial) / fs::relative(manifest, dir), header + 5, 7);
    Judge(trial, "MANIFEST record at byte " + std::to_string(header) + ", length bit 15");
  }
}

TEST_F(CorruptionTest, AFlippedLengthInTheWalTailIsDetected) {
  fs::path wal;
  for (const auto& f : fs::directory_iterator(fs::path(*wal_form_) / layout::kStoreSubdir)) {
    if (IsWal(f.path().filename().string()) && f.file_size() > 0) wal = f.path();
  }
  const auto headers = LogRecordHeaders(wal);
  ASSERT_GE(headers.size(), 4u);
  for (std::size_t i = headers.size() - 4; i < headers.size(); ++i) {
    const std::string trial = CopyOf(*wal_form_);
    FlipBit(fs::path(trial) / fs::relative(wal, *wal_form_), headers[i] + 5, 7);
    Judge(trial, "WAL record at byte " + std::to_string(headers[i]) + ", length bit 15");
  }
}

}  // namespace
}  // namespace vigie::eventstore
