// ScanAhead: the log read on a second thread gives exactly what Scan gives,
// stops cleanly when its reader stops, and reports a bad record.
#include "eventstore/scan_ahead.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "eventstore/storage_layout.h"
#include "schemas/record_generated.h"
#include "tests/eventstore/raw_store.h"
#include "tests/eventstore/test_store.h"

namespace vigie::eventstore {
namespace {

using testing::MakeTempDir;

// More records than the batches in flight hold, so the scan thread waits
// for the reader several times over.
constexpr std::uint64_t kEvents = ScanAhead::kBatches * ScanAhead::kBatchRecords * 3 + 123;

class ScanAheadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir("vigie-scan-ahead"));
    ASSERT_TRUE(EventStore::Init(*dir_, "scan-ahead.vigie.example/log").has_value());
    StoreOptions options;
    options.sync = false;
    options.checkpoint_every_events = 0;
    auto store = EventStore::Open(*dir_, options);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    for (std::uint64_t n = 0; n < kEvents;) {
      AppendRequest request;
      request.actor = {"referent-1", "prefecture", "referent"};
      for (; n < kEvents && request.events.size() < kMaxEventsPerAppend; ++n) {
        // Payloads of varied lengths: records land at every alignment.
        NewEvent e = testing::Event("stream-" + std::to_string(n % 13), "Noted", n);
        e.payload.append(n % 29, 'x');
        request.events.push_back(std::move(e));
      }
      auto appended = (*store)->Append(std::move(request));
      ASSERT_TRUE(appended.has_value()) << appended.error().ToString();
    }
    ASSERT_TRUE((*store)->Close().ok());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    auto store = EventStore::OpenReadOnly(*dir_);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  // What Scan gives for [from, to): positions and bytes.
  std::vector<std::pair<std::uint64_t, std::string>> Scanned(std::uint64_t from, std::uint64_t to) {
    std::vector<std::pair<std::uint64_t, std::string>> out;
    Status s = store_->Scan(from, to, [&](const RecordView& r) {
      out.emplace_back(r.position, std::string(r.bytes));
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  static std::string* dir_;
  std::unique_ptr<EventStore> store_;
};
std::string* ScanAheadTest::dir_ = nullptr;

TEST_F(ScanAheadTest, GivesWhatScanGivesInOrder) {
  for (auto [from, to] : {std::pair<std::uint64_t, std::uint64_t>{0, kEvents}, {5, kEvents - 7}, {100, 101}}) {
    const auto expected = Scanned(from, to);
    ASSERT_EQ(expected.size(), to - from);
    auto ahead = ScanAhead::Start(*store_, from, to);
    ASSERT_NE(ahead, nullptr);
    std::size_t i = 0;
    while (const RecordView* r = ahead->Next()) {
      ASSERT_LT(i, expected.size());
      ASSERT_EQ(r->position, expected[i].first);
      ASSERT_EQ(r->bytes, expected[i].second) << "position " << r->position;
      // The record is readable in place: aligned, and the one of its bytes.
      ASSERT_EQ(reinterpret_cast<std::uintptr_t>(r->bytes.data()) % alignof(std::uint64_t), 0u);
      ASSERT_NE(r->record, nullptr);
      ASSERT_EQ(r->record->position(), r->position);
      ++i;
    }
    EXPECT_EQ(i, expected.size()) << "[" << from << ", " << to << ")";
    EXPECT_EQ(ahead->Next(), nullptr) << "the end stays the end";
    EXPECT_TRUE(ahead->Finish().ok());
  }
}

TEST_F(ScanAheadTest, AnEmptyRangeOrOneBeyondTheLogEndsAtTheLog) {
  auto empty = ScanAhead::Start(*store_, 10, 10);
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->Next(), nullptr);
  EXPECT_TRUE(empty->Finish().ok());

  auto beyond = ScanAhead::Start(*store_, kEvents - 3, kEvents + 1000);
  ASSERT_NE(beyond, nullptr);
  int n = 0;
  while (beyond->Next()) ++n;
  EXPECT_EQ(n, 3);
  EXPECT_TRUE(beyond->Finish().ok());
}

TEST_F(ScanAheadTest, OnlyALongRangeIsWorthAThread) {
  EXPECT_EQ(ScanAhead::StartIfWorthIt(*store_, 5, 5 + ScanAhead::kWorthIt - 1), nullptr);
  EXPECT_EQ(ScanAhead::StartIfWorthIt(*store_, 9, 3), nullptr);
  auto ahead = ScanAhead::StartIfWorthIt(*store_, kEvents - 3, kEvents - 3 + ScanAhead::kWorthIt);
  ASSERT_NE(ahead, nullptr);
  int n = 0;
  while (ahead->Next()) ++n;
  EXPECT_EQ(n, 3);
  EXPECT_TRUE(ahead->Finish().ok());
}

TEST_F(ScanAheadTest, AReaderThatStopsEarlyStopsTheScan) {
  // Destroyed with every batch full and the scan thread waiting for room.
  {
    auto ahead = ScanAhead::Start(*store_, 0, kEvents);
    ASSERT_NE(ahead, nullptr);
    ASSERT_NE(ahead->Next(), nullptr);
  }
  // Finished before the end: the scan stops, nothing is reported.
  auto ahead = ScanAhead::Start(*store_, 0, kEvents);
  ASSERT_NE(ahead, nullptr);
  for (int i = 0; i < 5000; ++i) ASSERT_NE(ahead->Next(), nullptr);
  EXPECT_TRUE(ahead->Finish().ok());
  // Never started reading at all.
  auto unread = ScanAhead::Start(*store_, 0, kEvents);
  ASSERT_NE(unread, nullptr);
}

TEST_F(ScanAheadTest, ABadRecordEndsTheRecordsAndIsReported) {
  constexpr std::uint64_t kBad = ScanAhead::kBatchRecords * 2 + 17;
  const std::string copy = MakeTempDir("vigie-scan-ahead-bad");
  std::filesystem::copy(*dir_, copy, std::filesystem::copy_options::recursive |
                                         std::filesystem::copy_options::overwrite_existing);
  {
    std::string error;
    auto raw = testing::RawStore::Open(copy, /*read_only=*/false, &error);
    ASSERT_NE(raw, nullptr) << error;
    // Not a FlatBuffer at all: the verifier refuses it.
    ASSERT_TRUE(raw->db()
                    ->Put(rocksdb::WriteOptions(), raw->family(layout::kLog), layout::PositionKey(kBad),
                          std::string(40, '\xff'))
                    .ok());
  }
  auto store = EventStore::OpenReadOnly(copy);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto ahead = ScanAhead::Start(**store, 0, kEvents);
  ASSERT_NE(ahead, nullptr);
  std::uint64_t expected = 0;
  while (const RecordView* r = ahead->Next()) {
    ASSERT_EQ(r->position, expected);
    ++expected;
  }
  EXPECT_EQ(expected, kBad) << "every record before the bad one, none after";
  const Status finished = ahead->Finish();
  EXPECT_EQ(finished.code(), StatusCode::kDataLoss) << finished.ToString();
  EXPECT_NE(finished.message().find(std::to_string(kBad)), std::string::npos) << finished.message();
  ahead.reset();
  store->reset();
  std::filesystem::remove_all(copy);
}

}  // namespace
}  // namespace vigie::eventstore
