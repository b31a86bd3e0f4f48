#pragma once
// ScanAhead: EventStore::Scan on a thread of its own, read as a sequence.
//
// A fold of a long range of the log (start-up, a rebuild) spends a sixth of
// its time in the scan itself: RocksDB's iterator, block decompression, the
// FlatBuffers verifier. ScanAhead runs that scan on a second thread, which
// copies each verified record to an 8-byte aligned place in a batch and
// hands full batches over; the caller folds one batch while the next is
// read. Batches are recycled, and at most kBatches exist (about 2 MiB in
// all), so the scan is never more than that ahead of the fold.
//
//   auto ahead = ScanAhead::StartIfWorthIt(store, from, to);   // null: scan inline
//   while (const RecordView* r = ahead->Next()) Fold(*r);
//   Status s = ahead->Finish();                        // the scan's verdict
//
// Next() gives the records of [from, to) in position order, each checked as
// Scan checks it; it returns null at the end of the range or when the scan
// failed, and Finish() then says which. The view it returns is valid until
// the next call. Destroying a ScanAhead before the end stops the scan and
// waits for its thread.
//
// Thread safety: one consumer. The store must outlive the object.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace vigie::eventstore {

class ScanAhead {
 public:
  // Below this many positions a thread costs more than it saves.
  static constexpr std::uint64_t kWorthIt = 16'384;
  static constexpr std::size_t kBatches = 4;
  static constexpr std::size_t kBatchRecords = 4'096;
  static constexpr std::size_t kBatchWords = 64 * 1024;  // 512 KiB of records

  // Starts the scan of [from, to); null when no thread could be started
  // (the caller then scans inline).
  static std::unique_ptr<ScanAhead> Start(const EventStore& store, std::uint64_t from,
                                          std::uint64_t to);
  // The same for a range of kWorthIt positions or more; null for a shorter
  // one too.
  static std::unique_ptr<ScanAhead> StartIfWorthIt(const EventStore& store, std::uint64_t from,
                                                   std::uint64_t to);
  ~ScanAhead();
  ScanAhead(const ScanAhead&) = delete;
  ScanAhead& operator=(const ScanAhead&) = delete;

  // The next record, or null at the end or after a failure.
  const RecordView* Next();
  // Stops the scan if it is still running and waits for its thread; Ok, or
  // why the scan failed.
  Status Finish();

 private:
  struct Entry {
    std::uint64_t position;
    std::size_t word;  // offset in Batch::words
    std::size_t size;  // bytes
  };
  struct Batch {
    std::vector<std::uint64_t> words;
    std::vector<Entry> entries;
  };

  ScanAhead();
  void Run(const EventStore& store, std::uint64_t from, std::uint64_t to);
  std::unique_ptr<Batch> TakeFree();           // scan thread; null once stopped
  void Publish(std::unique_ptr<Batch> batch);  // scan thread

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> free_;
  bool done_ = false;
  bool stopping_ = false;
  Status status_;

  // The consumer's side.
  std::unique_ptr<Batch> current_;
  std::size_t next_entry_ = 0;
  RecordView view_;

  std::thread thread_;
};

}  // namespace vigie::eventstore
