// EventStore: appends, reads, expected versions, idempotency, live tail,
// concurrent appenders, the two clocks, proofs and checkpoints.
#include "eventstore/event_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "eventstore/record_codec.h"
#include "eventstore/signed_note.h"
#include "schemas/record_generated.h"
#include "eventstore/storage_layout.h"
#include "tests/eventstore/raw_store.h"
#include "tests/eventstore/test_store.h"

namespace vigie::eventstore {
namespace {

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("vigie-store");
    auto init = EventStore::Init(dir_, "test.vigie.example/log");
    ASSERT_TRUE(init) << init.error().ToString();
    verifier_key_ = init->verifier_key;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    StoreOptions options;
    options.clock = [this] { return now_ns_.load(); };
    auto opened = EventStore::Open(dir_, options);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  std::string dir_;
  std::string verifier_key_;
  std::atomic<std::int64_t> now_ns_{1'700'000'000'000'000'000};
  std::unique_ptr<EventStore> store_;
};

// RocksDB hands out record bytes at any address; FlatBuffers reads 8-byte
// fields in place, so they are given an aligned home first (UBSan's
// "misaligned load" otherwise), and the payload, itself a FlatBuffer, is
// 8-aligned inside the record.
TEST(RecordCodecTest, MisalignedRecordBytesAreReadFromAnAlignedCopy) {
  Actor actor{"referent-1", "prefecture", "referent"};
  NewEvent event = testing::Event("case-1", "InformationShared", 7);
  event.payload.assign(41, 'p');
  const std::string record = EncodeRecord({12, 3, 1'700'000'000'000'000'000, "command-7", &actor, &event});
  std::vector<std::uint64_t> words(record.size() / 8 + 2);
  char* misaligned = reinterpret_cast<char*>(words.data()) + 3;
  std::memcpy(misaligned, record.data(), record.size());
  AlignedRecordBuffer aligned;
  const std::string_view held = aligned.Hold({misaligned, record.size()});
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(held.data()) % 8, 0u);
  EXPECT_EQ(held, record);
  auto verified = VerifyRecord(held);
  ASSERT_TRUE(verified) << verified.error().ToString();
  EXPECT_EQ((*verified)->position(), 12u);
  EXPECT_EQ((*verified)->recorded_at(), 1'700'000'000'000'000'000);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>((*verified)->payload()->data()) % 8, 0u);
  // Aligned bytes are used where they are, without a copy.
  const std::string_view in_place(reinterpret_cast<const char*>(words.data()), record.size());
  EXPECT_EQ(aligned.Hold(in_place).data(), in_place.data());
}

// RocksDB keeps a bounded number of table files open, so that the
// server's descriptor budget (server/descriptor_limit.h) holds for a store
// of any size. RocksDB writes the options in force to its info log.
TEST_F(EventStoreTest, TheStoreKeepsABoundedNumberOfTableFilesOpen) {
  std::ifstream info(std::filesystem::path(dir_) / layout::kStoreSubdir / "LOG");
  ASSERT_TRUE(info.is_open());
  const std::string text((std::istreambuf_iterator<char>(info)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("Options.max_open_files: " + std::to_string(kMaxOpenTableFiles) + "\n"), std::string::npos);
  EXPECT_EQ(text.find("Options.max_open_files: -1"), std::string::npos);
}

TEST_F(EventStoreTest, InitRefusesAnExistingStore) {
  auto again = EventStore::Init(dir_, "other");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
}

TEST_F(EventStoreTest, OpenWithoutInitSaysSo) {
  auto missing = EventStore::Open(dir_ + "/nowhere");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
}

TEST_F(EventStoreTest, AppendThenReadBack) {
  auto r = store_->Append(testing::OneEvent("cell-a", "CellCreated", 1));
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].position, 0u);
  EXPECT_EQ(r->events[0].version, 0u);
  EXPECT_EQ(r->tree_size, 1u);
  EXPECT_FALSE(r->replayed);
  EXPECT_EQ(store_->Size(), 1u);

  auto e = store_->Read(0);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->stream, "cell-a");
  EXPECT_EQ(e->type, "CellCreated");
  EXPECT_EQ(e->recorded_at_ns, now_ns_.load());
  EXPECT_EQ(e->payload, "payload-1");
  EXPECT_EQ(e->actor.person, "referent-1");
  EXPECT_EQ(store_->Read(1).error().code(), StatusCode::kNotFound);
}

// A read that comes after Close() gets an answer, not a closed RocksDB.
TEST_F(EventStoreTest, ReadsAfterCloseAnswerUnavailable) {
  for (std::uint64_t n = 1; n <= 3; ++n) {
    AppendRequest request = testing::OneEvent("cell-a", "CellCreated", n);
    request.command_id = "command-" + std::to_string(n);
    ASSERT_TRUE(store_->Append(std::move(request)));
  }
  ASSERT_TRUE(store_->Close().ok());

  auto expect_closed = [](const Status& s) {
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    EXPECT_NE(s.message().find("closed"), std::string::npos) << s.ToString();
  };
  expect_closed(store_->Read(0).error());
  expect_closed(store_->ReadForward(0, 10).error());
  expect_closed(store_->ReadBackward(2, 10).error());
  expect_closed(store_->Scan(0, 3, [](const RecordView&) { return true; }));
  expect_closed(store_->ReadStream("cell-a", 0, 10).error());
  expect_closed(store_->PositionsOccurredIn(0, std::numeric_limits<std::int64_t>::max(), 3).error());
  expect_closed(store_->LeafHash(0).error());
  expect_closed(store_->RootAt(2).error());  // nodes below the floor: read from the records
  expect_closed(store_->InclusionProof(0, 3).error());
  expect_closed(store_->ConsistencyProof(1, 3).error());
  expect_closed(store_->LatestCheckpoint().error());
  expect_closed(store_->StoreCheckpoint().error());
  expect_closed(store_->Backup(dir_ + "-backup"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "-backup"));
  EXPECT_FALSE(store_->Head("cell-a"));
  EXPECT_TRUE(store_->Heads("", 10).empty());
  EXPECT_TRUE(store_->Checkpoints().empty());
  EXPECT_FALSE(store_->FindCommand("command-1"));
  EXPECT_EQ(store_->Append(testing::OneEvent("cell-a", "CellCreated", 4)).error().code(), StatusCode::kUnavailable);
}

TEST_F(EventStoreTest, OneCommandAcrossStreamsIsAtomicAndOrdered) {
  AppendRequest r = testing::OneEvent("info-1", "InformationShared", 1);
  r.events.push_back(testing::Event("situation-s1", "SituationLinked", 2));
  r.events.push_back(testing::Event("info-1", "InformationTagged", 3));
  auto result = store_->Append(r);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->events.size(), 3u);
  EXPECT_EQ(result->events[2].version, 1u);
  EXPECT_EQ(store_->Head("info-1")->version, 1u);
  EXPECT_EQ(store_->Head("situation-s1")->position, 1u);
  auto stream = store_->ReadStream("info-1", 0, 10);
  ASSERT_TRUE(stream);
  ASSERT_EQ(stream->size(), 2u);
  EXPECT_EQ((*stream)[1].type, "InformationTagged");
}

TEST_F(EventStoreTest, ExpectedVersionsAreEnforced) {
  AppendRequest create = testing::OneEvent("partner-ddsp", "PartnerRegistered", 1);
  create.expectations.push_back({"partner-ddsp", ExpectedVersion::NoStream()});
  ASSERT_TRUE(store_->Append(create));

  AppendRequest duplicate = testing::OneEvent("partner-ddsp", "PartnerRegistered", 2);
  duplicate.expectations.push_back({"partner-ddsp", ExpectedVersion::NoStream()});
  auto refused = store_->Append(duplicate);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), StatusCode::kAborted);

  AppendRequest stale = testing::OneEvent("partner-ddsp", "PartnerRenamed", 3);
  stale.expectations.push_back({"partner-ddsp", ExpectedVersion::Exact(5)});
  EXPECT_EQ(store_->Append(stale).error().code(), StatusCode::kAborted);

  AppendRequest rename = testing::OneEvent("partner-ddsp", "PartnerRenamed", 4);
  rename.expectations.push_back({"partner-ddsp", ExpectedVersion::Exact(0)});
  ASSERT_TRUE(store_->Append(rename));
  EXPECT_EQ(store_->Size(), 2u) << "refused commands leave nothing behind";
}

TEST_F(EventStoreTest, ReplayedCommandReturnsTheFirstResult) {
  AppendRequest r = testing::OneEvent("info-1", "InformationShared", 1);
  r.command_id = "0b5d1a84-6c4e-4f0e-9a3b-2f7c1d9e8a01";
  auto first = store_->Append(r);
  ASSERT_TRUE(first);
  ASSERT_TRUE(store_->Append(testing::OneEvent("info-2", "InformationShared", 2)));
  r.events[0].event_id = testing::Id(99);  // a retried command may carry a fresh id
  auto again = store_->Append(r);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->tree_size, first->tree_size);
  ASSERT_EQ(again->events.size(), 1u);
  EXPECT_EQ(again->events[0].position, first->events[0].position);
  EXPECT_EQ(store_->Size(), 2u);
  Reopen();
  EXPECT_TRUE(store_->FindCommand(r.command_id).has_value());
}

TEST_F(EventStoreTest, DuplicateEventIdIsRefused) {
  ASSERT_TRUE(store_->Append(testing::OneEvent("a", "T", 7)));
  auto dup = store_->Append(testing::OneEvent("b", "T", 7));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), StatusCode::kAlreadyExists);
}

TEST_F(EventStoreTest, BadRequestsAreRefusedBeforeQueueing) {
  AppendRequest empty;
  EXPECT_EQ(store_->Append(empty).error().code(), StatusCode::kInvalidArgument);
  AppendRequest nul = testing::OneEvent(std::string("a\0b", 3), "T", 1);
  EXPECT_EQ(store_->Append(nul).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Size(), 0u);
}

TEST_F(EventStoreTest, ReadsForwardAndBackward) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  auto fwd = store_->ReadForward(3, 4);
  ASSERT_TRUE(fwd);
  ASSERT_EQ(fwd->size(), 4u);
  EXPECT_EQ(fwd->front().position, 3u);
  EXPECT_EQ(fwd->back().position, 6u);
  auto back = store_->ReadBackward(100, 3);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ(back->front().position, 9u);
  EXPECT_EQ(back->back().position, 7u);
  EXPECT_TRUE(store_->ReadForward(10, 5)->empty());
}

TEST_F(EventStoreTest, HeadsListStreamsInNameOrder) {
  ASSERT_TRUE(store_->Append(testing::OneEvent("b", "T", 1)));
  ASSERT_TRUE(store_->Append(testing::OneEvent("a", "T", 2)));
  ASSERT_TRUE(store_->Append(testing::OneEvent("c", "T", 3)));
  auto heads = store_->Heads("a", 10);
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].stream, "b");
  EXPECT_EQ(heads[1].stream, "c");
}

TEST_F(EventStoreTest, LiveTailWakesWaitersAndSubscribers) {
  std::atomic<std::uint64_t> seen{0};
  auto id = store_->Subscribe([&](std::uint64_t size) { seen = size; });
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", 1)));
  });
  EXPECT_EQ(store_->WaitForSize(0, std::chrono::seconds(10)), 1u);
  writer.join();
  EXPECT_EQ(seen.load(), 1u);
  store_->Unsubscribe(id);
  EXPECT_EQ(store_->WaitForSize(1, std::chrono::milliseconds(1)), 1u);
}

TEST_F(EventStoreTest, ConcurrentAppendersGetDenseUniquePositions) {
  constexpr int kThreads = 16, kPerThread = 100;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::uint64_t> positions;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->Append(testing::OneEvent("s-" + std::to_string(t), "T", t * 1000 + i + 1));
        ASSERT_TRUE(r) << r.error().ToString();
        std::lock_guard lock(mu);
        positions.insert(r->events[0].position);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(positions.size(), std::size_t{kThreads * kPerThread});
  EXPECT_EQ(*positions.rbegin(), std::uint64_t{kThreads * kPerThread - 1});
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(store_->Head("s-" + std::to_string(t))->version, 99u);
  StoreStats stats = store_->Stats();
  EXPECT_EQ(stats.commands, std::uint64_t{kThreads * kPerThread});
  EXPECT_LT(stats.batches, stats.commands) << "group commit merged no batch at all";
}

// A blocking Append may write its command on the calling thread when the
// writer is idle; it must still come after a command the same thread queued
// just before with AppendAsync (which the writer may be staging right then),
// and exactly one expectation between them must hold.
TEST_F(EventStoreTest, AnAppendAfterAnAsyncOneOfTheSameThreadComesAfterIt) {
  constexpr int kRounds = 200;
  std::vector<std::uint64_t> async_positions(kRounds, std::numeric_limits<std::uint64_t>::max());
  std::atomic<int> async_answers{0};
  for (int i = 0; i < kRounds; ++i) {
    AppendRequest first = testing::OneEvent("s", "T", 2 * i + 1);
    first.expectations.push_back(
        {"s", i == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(static_cast<std::uint64_t>(2 * i - 1))});
    store_->AppendAsync(std::move(first), [&, i](Result<AppendResult> r) {
      if (r) async_positions[static_cast<std::size_t>(i)] = r->events[0].position;
      ++async_answers;
    });
    AppendRequest second = testing::OneEvent("s", "T", 2 * i + 2);
    second.expectations.push_back({"s", ExpectedVersion::Exact(static_cast<std::uint64_t>(2 * i))});
    auto r = store_->Append(std::move(second));
    ASSERT_TRUE(r) << "round " << i << ": " << r.error().ToString();
    EXPECT_EQ(r->events[0].position, static_cast<std::uint64_t>(2 * i + 1));
  }
  store_->WaitForSize(2 * kRounds - 1, std::chrono::seconds(10));
  ASSERT_TRUE(store_->Close().ok());
  ASSERT_EQ(async_answers.load(), kRounds);
  for (int i = 0; i < kRounds; ++i) EXPECT_EQ(async_positions[static_cast<std::size_t>(i)], std::uint64_t(2 * i));
}

// Close waits for commands written by their callers' threads as for the
// writer's: every Append that returned success is in the reopened log.
TEST_F(EventStoreTest, CloseDuringBlockingAppendsKeepsEveryAcknowledgedOne) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::uint64_t> acknowledged;
  std::atomic<bool> started{false};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        auto r = store_->Append(testing::OneEvent("s-" + std::to_string(t), "T", t * 100000 + i + 1));
        started = true;
        if (!r) {
          EXPECT_EQ(r.error().code(), StatusCode::kUnavailable) << r.error().ToString();
          return;
        }
        std::lock_guard lock(mu);
        acknowledged.insert(r->events[0].position);
      }
    });
  }
  while (!started.load()) std::this_thread::yield();
  ASSERT_TRUE(store_->Close().ok());
  for (auto& t : threads) t.join();
  Reopen();
  ASSERT_FALSE(acknowledged.empty());
  EXPECT_GT(store_->Size(), *acknowledged.rbegin());
  for (std::uint64_t p : acknowledged) EXPECT_TRUE(store_->Read(p)) << "position " << p;
}

TEST_F(EventStoreTest, ConcurrentExpectedVersionRaceHasOneWinner) {
  std::atomic<int> winners{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      AppendRequest r = testing::OneEvent("cell-x", "CellCreated", t + 1);
      r.expectations.push_back({"cell-x", ExpectedVersion::NoStream()});
      auto result = store_->Append(r);
      if (result) ++winners;
      else if (result.error().code() == StatusCode::kAborted) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
}

TEST_F(EventStoreTest, SizeAtFollowsTheRecordedClock) {
  const std::int64_t t0 = now_ns_.load();
  ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", 1)));
  now_ns_ += 1000;
  ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", 2)));
  ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", 3)));
  now_ns_ -= 5000;  // a clock stepping back never reorders recorded_at
  ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", 4)));
  EXPECT_EQ(store_->SizeAt(t0 - 1), 0u);
  EXPECT_EQ(store_->SizeAt(t0), 1u);
  EXPECT_EQ(store_->SizeAt(t0 + 999), 1u);
  EXPECT_EQ(store_->SizeAt(t0 + 1000), 4u);
  EXPECT_EQ(store_->Read(3)->recorded_at_ns, t0 + 1000);
}

TEST_F(EventStoreTest, OccurredIndexSelectsAPeriod) {
  AppendRequest a = testing::OneEvent("s", "T", 1);
  a.events[0].occurred_at_ns = 300;
  AppendRequest b = testing::OneEvent("s", "T", 2);
  b.events[0].occurred_at_ns = 100;  // recorded late, happened earlier
  AppendRequest c = testing::OneEvent("s", "T", 3);
  c.events[0].occurred_at_ns = -50;  // before 1970 sorts first too
  for (auto* r : {&a, &b, &c}) ASSERT_TRUE(store_->Append(*r));
  auto all = store_->PositionsOccurredIn(-100, 1000, store_->Size());
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, (std::vector<std::uint64_t>{2, 1, 0}));
  EXPECT_EQ(*store_->PositionsOccurredIn(100, 300, store_->Size()), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(*store_->PositionsOccurredIn(-100, 1000, 2), (std::vector<std::uint64_t>{1, 0}));
}

TEST_F(EventStoreTest, ProofsVerifyAgainstSignedCheckpoints) {
  for (int i = 0; i < 37; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  auto note_text = store_->SignCheckpoint(37);
  ASSERT_TRUE(note_text);
  auto body = note::VerifyNote(verifier_key_, *note_text);
  ASSERT_TRUE(body) << body.error().ToString();
  auto cp = note::ParseCheckpoint(*body);
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->size, 37u);
  EXPECT_EQ(cp->origin, "test.vigie.example/log");

  auto event = store_->Read(11);
  ASSERT_TRUE(event);
  auto leaf = merkle::HashLeaf(event->record);
  EXPECT_EQ(*store_->LeafHash(11), leaf);
  auto path = store_->InclusionProof(11, 37);
  ASSERT_TRUE(path);
  EXPECT_TRUE(merkle::VerifyInclusion(leaf, 11, 37, *path, cp->root));

  auto old_root = store_->RootAt(20);
  ASSERT_TRUE(old_root);
  auto consistency = store_->ConsistencyProof(20, 37);
  ASSERT_TRUE(consistency);
  EXPECT_TRUE(merkle::VerifyConsistency(20, 37, *old_root, cp->root, *consistency));
  EXPECT_EQ(store_->InclusionProof(3, 38).error().code(), StatusCode::kInvalidArgument);
}

TEST_F(EventStoreTest, StateSurvivesReopen) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  auto root = store_->RootAt(5);
  Reopen();
  EXPECT_EQ(store_->Size(), 5u);
  EXPECT_EQ(*store_->RootAt(5), *root);
  auto r = store_->Append(testing::OneEvent("s", "T", 6));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->events[0].version, 5u);
  EXPECT_FALSE(store_->Checkpoints().empty()) << "Close stores a checkpoint";
}

TEST_F(EventStoreTest, VerifyPassesOnAHealthyStore) {
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  ASSERT_TRUE(store_->StoreCheckpoint());
  for (int i = 300; i < 333; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  store_.reset();
  auto report = VerifyStore(dir_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << report->problem;
  EXPECT_EQ(report->records, 333u);
  EXPECT_EQ(report->checkpoints, 2u);
}

TEST_F(EventStoreTest, VerifyAgainstTheLogsKeyPassesAndNamesIt) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  store_.reset();
  auto report = VerifyStore(dir_, {}, verifier_key_);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << report->problem;
  EXPECT_EQ(report->verifier_key, verifier_key_);
  auto own = VerifyStore(dir_);
  ASSERT_TRUE(own) << own.error().ToString();
  EXPECT_EQ(own->verifier_key, verifier_key_) << "without a key, the store's own";
}

TEST_F(EventStoreTest, VerifyAgainstAnotherKeyFails) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  store_.reset();
  // A key of the same name: what someone who re-signed the store would hold.
  const std::string other_dir = testing::MakeTempDir("vigie-other");
  auto other = EventStore::Init(other_dir, "test.vigie.example/log");
  ASSERT_TRUE(other) << other.error().ToString();
  std::filesystem::remove_all(other_dir);
  auto report = VerifyStore(dir_, {}, other->verifier_key);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_NE(report->problem.find("not signed by the given verifier key"), std::string::npos) << report->problem;
  EXPECT_EQ(report->verifier_key, other->verifier_key);
}

TEST_F(EventStoreTest, VerifyAgainstAKeyNeedsACheckpoint) {
  // A store just made by Init holds no checkpoint yet.
  const std::string fresh = testing::MakeTempDir("vigie-fresh");
  auto init = EventStore::Init(fresh, "fresh.vigie.example/log");
  ASSERT_TRUE(init) << init.error().ToString();
  auto report = VerifyStore(fresh, {}, init->verifier_key);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_FALSE(report->ok());
  EXPECT_NE(report->problem.find("no signed checkpoint"), std::string::npos) << report->problem;
  EXPECT_FALSE(report->first_bad_position.has_value());
  auto own = VerifyStore(fresh);
  ASSERT_TRUE(own) << own.error().ToString();
  EXPECT_TRUE(own->ok()) << own->problem;
  std::filesystem::remove_all(fresh);
}

TEST_F(EventStoreTest, VerifyRefusesAMalformedKey) {
  store_.reset();
  for (const std::string& key : {std::string("not-a-key"), verifier_key_.substr(0, verifier_key_.size() - 1),
                                 "x" + verifier_key_}) {
    auto report = VerifyStore(dir_, {}, key);
    ASSERT_FALSE(report) << key;
    EXPECT_EQ(report.error().code(), StatusCode::kInvalidArgument) << key;
  }
}

TEST_F(EventStoreTest, BackupIsAConsistentOpenableStore) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  std::string backup = dir_ + "-backup";
  ASSERT_TRUE(store_->Backup(backup).ok());
  auto copy = EventStore::OpenReadOnly(backup);
  ASSERT_TRUE(copy) << copy.error().ToString();
  EXPECT_EQ((*copy)->Size(), 10u);
  EXPECT_EQ(*(*copy)->RootAt(10), *store_->RootAt(10));
  copy->reset();
  std::filesystem::remove_all(backup);
}

// A backup is a copy, not hard links to the store's table files: damage
// to one cannot reach the other. And it is private to its owner.
TEST_F(EventStoreTest, BackupSharesNoFileWithTheStore) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  Reopen();  // the close flushes: the store now has table files
  const std::string backup = dir_ + "-backup-copy";
  const mode_t umask_before = ::umask(0);
  const Status made = store_->Backup(backup);
  ::umask(umask_before);
  ASSERT_TRUE(made.ok()) << made.ToString();
  namespace fs = std::filesystem;
  auto files = [](const std::string& dir) {
    std::map<std::pair<dev_t, ino_t>, std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      struct stat st {};
      if (::lstat(entry.path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        out[{st.st_dev, st.st_ino}] = entry.path().string();
      }
    }
    return out;
  };
  const auto source = files(dir_);
  const auto copy = files(backup);
  EXPECT_TRUE(std::ranges::any_of(copy, [](const auto& f) { return f.second.ends_with(".sst"); }));
  for (const auto& [inode, path] : copy) {
    EXPECT_FALSE(source.contains(inode)) << path << " is " << source.at(inode);
    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u) << path;
  }
  for (const auto& entry : fs::recursive_directory_iterator(backup)) {
    if (entry.is_directory()) {
      EXPECT_EQ(fs::status(entry).permissions(), fs::perms::owner_all) << entry.path();
    }
  }
  EXPECT_EQ(fs::status(backup).permissions(), fs::perms::owner_all);
  fs::remove_all(backup);
}

// The `recorded` index is sparse (storage_layout.h): one entry where
// recorded_at grows. SizeAt must stay exact with many events per batch, a
// clock standing still, across a reopen and for imported records.
TEST_F(EventStoreTest, SizeAtIsExactWithTheSparseRecordedIndex) {
  const std::int64_t t0 = now_ns_.load();
  AppendRequest three;
  for (int i = 0; i < 3; ++i) three.events.push_back(testing::Event("a", "T", 10 + i));
  ASSERT_TRUE(store_->Append(three));                                   // 0..2 at t0
  ASSERT_TRUE(store_->Append(testing::OneEvent("a", "T", 20)));        // 3 at t0
  now_ns_ += 10;
  ASSERT_TRUE(store_->Append(testing::OneEvent("b", "T", 21)));        // 4 at t0+10
  Reopen();
  ASSERT_TRUE(store_->Append(testing::OneEvent("b", "T", 22)));        // 5 at t0+10
  now_ns_ += 10;
  ASSERT_TRUE(store_->Append(testing::OneEvent("b", "T", 23)));        // 6 at t0+20
  EXPECT_EQ(store_->SizeAt(t0 - 1), 0u);
  EXPECT_EQ(store_->SizeAt(t0), 4u);
  EXPECT_EQ(store_->SizeAt(t0 + 9), 4u);
  EXPECT_EQ(store_->SizeAt(t0 + 10), 6u);
  EXPECT_EQ(store_->SizeAt(t0 + 19), 6u);
  EXPECT_EQ(store_->SizeAt(t0 + 20), 7u);
  EXPECT_EQ(store_->SizeAt(std::numeric_limits<std::int64_t>::max() - 1), 7u);
  {
    std::string error;
    store_.reset();
    auto raw = testing::RawStore::Open(dir_, /*read_only=*/true, &error);
    ASSERT_TRUE(raw) << error;
    std::map<std::string, std::string> recorded;
    ASSERT_TRUE(raw->Dump(layout::kRecorded, &recorded).ok());
    std::vector<std::uint64_t> positions;
    for (const auto& [key, value] : recorded) positions.push_back(layout::ParseTimeKey(key)->position);
    EXPECT_EQ(positions, (std::vector<std::uint64_t>{0, 4, 6}));
  }
  Reopen();
  // An import reproduces recorded_at byte for byte; its index is as sparse.
  auto events = store_->ReadForward(0, 100);
  ASSERT_TRUE(events);
  std::vector<std::string> records;
  for (const auto& e : *events) records.push_back(e.record);
  const std::string other = testing::MakeTempDir("vigie-import-time");
  ASSERT_TRUE(EventStore::Init(other, "test.vigie.example/log"));
  {
    auto copy = EventStore::Open(other);
    ASSERT_TRUE(copy);
    ASSERT_EQ(*(*copy)->ImportRecords({records.begin(), records.begin() + 5}), 5u);
    ASSERT_EQ(*(*copy)->ImportRecords({records.begin() + 5, records.end()}), 7u);
    for (std::int64_t t : {t0 - 1, t0, t0 + 9, t0 + 10, t0 + 19, t0 + 20}) {
      EXPECT_EQ((*copy)->SizeAt(t), store_->SizeAt(t)) << "at t0 + " << t - t0;
    }
  }
  std::filesystem::remove_all(other);
}

// "Head fallback": a head written by a batch still waiting for its fsync
// (a position at or past Size()) is not shown; the stream's last
// acknowledged event is, from the `streams` index. The state is made by
// hand: heads and stream entries past the log, as the writer leaves them
// between its write and the syncer's fsync.
TEST_F(EventStoreTest, HeadsFallBackToTheLastAcknowledgedEvent) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));  // 0..2
  ASSERT_TRUE(store_->Append(testing::OneEvent("t", "T", 4)));                                // 3
  store_.reset();
  {
    std::string error;
    auto raw = testing::RawStore::Open(dir_, /*read_only=*/false, &error);
    ASSERT_TRUE(raw) << error;
    // "s" got version 3 at position 10, "u" its first event at 11: neither
    // is in the log (Size() stays 4).
    ASSERT_TRUE(raw->Put(layout::kHeads, "s", layout::HeadValue(3, 10)).ok());
    ASSERT_TRUE(raw->Put(layout::kStreams, layout::StreamKey("s", 3), layout::PositionKey(10)).ok());
    ASSERT_TRUE(raw->Put(layout::kHeads, "u", layout::HeadValue(0, 11)).ok());
    ASSERT_TRUE(raw->Put(layout::kStreams, layout::StreamKey("u", 0), layout::PositionKey(11)).ok());
  }
  auto opened = EventStore::OpenReadOnly(dir_);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EventStore& store = **opened;
  ASSERT_EQ(store.Size(), 4u);
  auto s = store.Head("s");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->version, 2u);
  EXPECT_EQ(s->position, 2u);
  EXPECT_FALSE(store.Head("u")) << "a stream whose only event is not acknowledged does not exist yet";
  auto t = store.Head("t");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->position, 3u);
  auto heads = store.Heads("", 10);
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].stream, "s");
  EXPECT_EQ(heads[0].version, 2u);
  EXPECT_EQ(heads[0].position, 2u);
  EXPECT_EQ(heads[1].stream, "t");
  auto stream = store.ReadStream("s", 0, 10);
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->size(), 3u);
}

// A backup carries DIR/latest-checkpoint, so the copy checks its log at
// every open like the original, and opens for appending.
TEST_F(EventStoreTest, BackupCarriesTheLatestCheckpoint) {
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", i + 1)));
  auto stored = store_->StoreCheckpoint();
  ASSERT_TRUE(stored);
  ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", 13)));  // after the checkpoint
  const std::string backup = dir_ + "-backup-cp";
  ASSERT_TRUE(store_->Backup(backup).ok());
  const auto file = std::filesystem::path(backup) / layout::kLatestCheckpointFile;
  ASSERT_TRUE(std::filesystem::exists(file));
  std::string text(static_cast<std::size_t>(std::filesystem::file_size(file)), '\0');
  {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fread(text.data(), 1, text.size(), f), text.size());
    std::fclose(f);
  }
  EXPECT_EQ(text, *stored);
  {
    auto copy = EventStore::Open(backup);
    ASSERT_TRUE(copy) << copy.error().ToString();
    EXPECT_EQ((*copy)->Size(), 13u);
    ASSERT_TRUE((*copy)->Append(testing::OneEvent("s", "T", 14)));
  }
  auto report = VerifyStore(backup);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << report->problem;
  std::filesystem::remove_all(backup);
}

TEST_F(EventStoreTest, ImportReproducesRecordsPositionsAndRoot) {
  for (int i = 0; i < 25; ++i) {
    AppendRequest r = testing::OneEvent("s-" + std::to_string(i % 3), "T", i + 1);
    r.command_id = "cmd-" + std::to_string(i);
    ASSERT_TRUE(store_->Append(r));
  }
  auto events = store_->ReadForward(0, 100);
  ASSERT_TRUE(events);
  std::vector<std::string> records;
  for (const auto& e : *events) records.push_back(e.record);

  std::string other = testing::MakeTempDir("vigie-import");
  ASSERT_TRUE(EventStore::Init(other, "test.vigie.example/log"));
  auto copy = EventStore::Open(other);
  ASSERT_TRUE(copy);
  std::vector<std::string> first(records.begin(), records.begin() + 10);
  std::vector<std::string> rest(records.begin() + 10, records.end());
  ASSERT_EQ(*(*copy)->ImportRecords(first), 10u);

  std::vector<std::string> skipping(rest.begin() + 1, rest.end());
  auto gap = (*copy)->ImportRecords(skipping);
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().code(), StatusCode::kFailedPrecondition);
  std::vector<std::string> tampered = rest;
  tampered[3][tampered[3].size() / 2] ^= 0x01;
  auto bad = (*copy)->ImportRecords(tampered);
  if (bad) {
    // A flip inside a string still verifies as a FlatBuffer; the root must then differ.
    EXPECT_NE(*(*copy)->RootAt(25), *store_->RootAt(25));
  } else {
    EXPECT_EQ((*copy)->Size(), 10u) << "a refused import writes nothing";
    ASSERT_EQ(*(*copy)->ImportRecords(rest), 25u);
    EXPECT_EQ(*(*copy)->RootAt(25), *store_->RootAt(25));
    EXPECT_TRUE((*copy)->FindCommand("cmd-24").has_value());
    EXPECT_EQ((*copy)->Head("s-1")->version, store_->Head("s-1")->version);
  }
  copy->reset();
  std::filesystem::remove_all(other);
}

TEST_F(EventStoreTest, ImportRefusesRecordsAlreadyThere) {
  ASSERT_TRUE(store_->Append(testing::OneEvent("s", "T", 1)));
  auto e = store_->Read(0);
  ASSERT_TRUE(e);
  auto again = store_->ImportRecords({e->record});
  ASSERT_FALSE(again);
  EXPECT_EQ(store_->Size(), 1u);
}

}  // namespace
}  // namespace vigie::eventstore
