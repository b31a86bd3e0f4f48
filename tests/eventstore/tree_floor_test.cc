// The tree floor (eventstore/storage_layout.h, "Tree floor"): a store keeps
// the perfect Merkle nodes from level 4 up and recomputes the lower ones
// from the records they cover. Every root, leaf hash and proof must still be
// the RFC 9162 one, at every size, before and after a reopen; and a
// "vigie-store-1" store, which keeps every level, is still read, appended to
// (every level again) and verified.
#include <filesystem>
#include <map>
#include <span>

#include <gtest/gtest.h>

#include "eventstore/event_store.h"
#include "eventstore/merkle_tree.h"
#include "eventstore/storage_layout.h"
#include "tests/eventstore/raw_store.h"
#include "tests/eventstore/test_store.h"

namespace vigie::eventstore {
namespace {

namespace fs = std::filesystem;
using merkle::Hash;

// Appends events [from, to) in commands of 1 to 5 events over 7 streams, so
// that batches end anywhere inside a block of 16.
void Fill(EventStore& store, std::uint64_t from, std::uint64_t to) {
  for (std::uint64_t n = from; n < to;) {
    AppendRequest r;
    r.command_id = "command-" + std::to_string(n);
    r.actor = {"referent-1", "prefecture", "referent"};
    const std::uint64_t events = std::min<std::uint64_t>(1 + n % 5, to - n);
    for (std::uint64_t i = 0; i < events; ++i, ++n) {
      r.events.push_back(testing::Event("case-" + std::to_string(n % 7), "InformationShared", n));
    }
    auto appended = store.Append(std::move(r));
    ASSERT_TRUE(appended) << appended.error().ToString();
  }
}

// The leaf hashes of the stored records, computed here.
std::vector<Hash> Leaves(const EventStore& store) {
  std::vector<Hash> leaves;
  for (std::uint64_t p = 0; p < store.Size(); ++p) {
    auto event = store.Read(p);
    EXPECT_TRUE(event) << event.error().ToString();
    if (event) leaves.push_back(merkle::HashLeaf(event->record));
  }
  return leaves;
}

Hash RootOf(std::span<const Hash> leaves) {
  merkle::Frontier tree;
  for (const Hash& leaf : leaves) tree.Append(leaf, nullptr);
  return tree.Root();
}

// Every leaf hash and root, every inclusion proof of every size, every
// consistency proof between sizes: as the store answers them, checked
// against the tree of the records.
void ExpectEveryProof(const EventStore& store) {
  const std::vector<Hash> leaves = Leaves(store);
  ASSERT_EQ(leaves.size(), store.Size());
  for (std::uint64_t p = 0; p < leaves.size(); ++p) {
    auto leaf = store.LeafHash(p);
    ASSERT_TRUE(leaf) << leaf.error().ToString();
    EXPECT_EQ(*leaf, leaves[p]) << "leaf " << p;
  }
  std::vector<Hash> roots(leaves.size() + 1);
  for (std::uint64_t size = 0; size <= leaves.size(); ++size) {
    roots[size] = RootOf(std::span(leaves).first(size));
    auto root = store.RootAt(size);
    ASSERT_TRUE(root) << root.error().ToString();
    ASSERT_EQ(*root, roots[size]) << "root at size " << size;
  }
  for (std::uint64_t size = 1; size <= leaves.size(); ++size) {
    for (std::uint64_t index = 0; index < size; ++index) {
      auto path = store.InclusionProof(index, size);
      ASSERT_TRUE(path) << path.error().ToString();
      EXPECT_TRUE(merkle::VerifyInclusion(leaves[index], index, size, *path, roots[size]))
          << "leaf " << index << " in size " << size;
    }
    for (std::uint64_t first = 1; first <= size; ++first) {
      auto path = store.ConsistencyProof(first, size);
      ASSERT_TRUE(path) << path.error().ToString();
      EXPECT_TRUE(merkle::VerifyConsistency(first, size, roots[first], roots[size], *path))
          << "sizes " << first << " and " << size;
    }
  }
}

// Stored Merkle nodes by level, read below the store's API.
std::map<int, std::uint64_t> StoredLevels(const std::string& dir) {
  std::string error;
  auto raw = testing::RawStore::Open(dir, /*read_only=*/true, &error);
  EXPECT_TRUE(raw) << error;
  std::map<int, std::uint64_t> levels;
  if (!raw) return levels;
  std::map<std::string, std::string> tree;
  EXPECT_TRUE(raw->Dump(layout::kTree, &tree).ok());
  for (const auto& [key, hash] : tree) ++levels[static_cast<std::uint8_t>(key[0])];
  return levels;
}

// What a store of `size` records keeps: every perfect node from `floor` up.
std::map<int, std::uint64_t> PerfectNodesFrom(int floor, std::uint64_t size) {
  std::map<int, std::uint64_t> levels;
  for (int level = floor; (size >> level) > 0; ++level) levels[level] = size >> level;
  return levels;
}

class TreeFloorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("vigie-tree-floor");
    ASSERT_TRUE(EventStore::Init(dir_, "floor.vigie.example/log"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<EventStore> OpenStore() {
    auto store = EventStore::Open(dir_);
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  void ExpectVerified(std::uint64_t records) {
    auto report = VerifyStore(dir_);
    ASSERT_TRUE(report) << report.error().ToString();
    EXPECT_TRUE(report->ok()) << report->problem;
    EXPECT_EQ(report->records, records);
  }

  std::string dir_;
};

TEST_F(TreeFloorTest, ANewStoreKeepsLevelsFromTheFloorAndProvesEverySize) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store);
    Fill(*store, 0, 70);  // 64 + 4 + 2: a partial block of 16 at the end
    ExpectEveryProof(*store);
    ASSERT_TRUE(store->Close().ok());
  }
  EXPECT_EQ(StoredLevels(dir_), PerfectNodesFrom(layout::kStoredTreeFloor, 70));
  ExpectVerified(70);
  {
    // The frontier is loaded at open, its small peaks from the records.
    auto store = OpenStore();
    ASSERT_TRUE(store);
    Fill(*store, 70, 101);
    ExpectEveryProof(*store);
    ASSERT_TRUE(store->Close().ok());
  }
  EXPECT_EQ(StoredLevels(dir_), PerfectNodesFrom(layout::kStoredTreeFloor, 101));
  ExpectVerified(101);
}

TEST_F(TreeFloorTest, AVersionOneStoreIsReadAppendedToAndVerified) {
  std::vector<Hash> leaves;
  {
    auto store = OpenStore();
    ASSERT_TRUE(store);
    Fill(*store, 0, 70);
    leaves = Leaves(*store);
    ASSERT_TRUE(store->Close().ok());
  }
  {
    // What a "vigie-store-1" store of the same records holds: the nodes
    // below the floor too, and its format.
    std::string error;
    auto raw = testing::RawStore::Open(dir_, /*read_only=*/false, &error);
    ASSERT_TRUE(raw) << error;
    merkle::Frontier tree;
    std::vector<merkle::NodeWrite> nodes;
    for (const Hash& leaf : leaves) tree.Append(leaf, &nodes);
    for (const merkle::NodeWrite& n : nodes) {
      if (n.level >= layout::kStoredTreeFloor) continue;
      ASSERT_TRUE(raw->Put(layout::kTree, layout::TreeKey(n.level, n.index),
                           std::string(reinterpret_cast<const char*>(n.hash.data()), n.hash.size()))
                      .ok());
    }
    ASSERT_TRUE(raw->Put(layout::kDefault, std::string(layout::kFormatKey), std::string(layout::kFormatV1)).ok());
  }
  EXPECT_EQ(StoredLevels(dir_), PerfectNodesFrom(0, 70));
  ExpectVerified(70);
  {
    auto store = OpenStore();
    ASSERT_TRUE(store);
    Fill(*store, 70, 101);  // appended as version 1 appends: every level
    ExpectEveryProof(*store);
    ASSERT_TRUE(store->Close().ok());
  }
  EXPECT_EQ(StoredLevels(dir_), PerfectNodesFrom(0, 101));
  ExpectVerified(101);

  // There, a record rewritten so that it still passes the FlatBuffers
  // verifier is named by its own position: its leaf is stored.
  {
    std::string error;
    auto raw = testing::RawStore::Open(dir_, /*read_only=*/false, &error);
    ASSERT_TRUE(raw) << error;
    std::map<std::string, std::string> log;
    ASSERT_TRUE(raw->Dump(layout::kLog, &log).ok());
    std::string record = log.at(layout::PositionKey(33));
    const auto at = record.find("payload-");
    ASSERT_NE(at, std::string::npos);
    record[at] = 'P';
    ASSERT_TRUE(raw->Put(layout::kLog, layout::PositionKey(33), record).ok());
  }
  auto report = VerifyStore(dir_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_EQ(report->first_bad_position, 33u) << report->problem;
  EXPECT_NE(report->problem.find("leaf hash"), std::string::npos) << report->problem;
}

TEST_F(TreeFloorTest, AnUnknownFormatIsRefused) {
  {
    std::string error;
    auto raw = testing::RawStore::Open(dir_, /*read_only=*/false, &error);
    ASSERT_TRUE(raw) << error;
    ASSERT_TRUE(raw->Put(layout::kDefault, std::string(layout::kFormatKey), "vigie-store-9").ok());
  }
  auto store = EventStore::Open(dir_);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message().find("unknown format"), std::string::npos) << store.error().ToString();
  auto report = VerifyStore(dir_);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace vigie::eventstore
