#pragma once
// FactWriter: the rows of a long fold added to its FactIndex on a thread of
// its own.
//
// The live state's catch-up (start-up, a rebuild) spends about a fifth of
// its time adding fact index rows: interning ids, growing the rows. Those
// rows come from the event's bytes, plus one fact of the state (a situation
// decision's cell, FactIndex::SituationCell), so they need not be added on
// the folding thread. After each event it folded, the fold hands the event
// over (Add): its payload is copied, 8-byte aligned, into a batch, and full
// batches go to the writer's thread, which adds their rows in log order.
// Batches are recycled and at most kBatches exist (about 2 MiB in all), so
// the fold waits when the writer is that far behind.
//
//   auto writer = FactWriter::Start(facts);   // null: add rows inline
//   ... each event folded: writer->Add(meta, payload, situation_cell) ...
//   writer->Finish(size);                     // every row added, size set
//
// Nothing else may read or write the index until Finish returns (StateAt
// holds its live lock exclusively meanwhile). Finish rethrows what the
// writer's thread threw (an allocation failure); after one, the writer
// adds nothing more but still takes the fold's batches, so the fold never
// waits forever. Destroying a writer without Finish adds what it was
// handed, then joins its thread.
//
// Thread safety: one producer.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "projections/fact_index.h"
#include "projections/state.h"

namespace vigie::projections {

class FactWriter {
 public:
  static constexpr std::size_t kBatches = 4;
  static constexpr std::size_t kBatchWords = 64 * 1024;  // 512 KiB of payloads

  // Starts the writer's thread; null when none could be started (the fold
  // then adds rows inline). `batch_words` below kBatchWords is for tests.
  static std::unique_ptr<FactWriter> Start(FactIndex& facts, std::size_t batch_words = kBatchWords);
  ~FactWriter();
  FactWriter(const FactWriter&) = delete;
  FactWriter& operator=(const FactWriter&) = delete;

  // The event at meta.position folded: `payload` is its verified
  // DomainEvent, `situation_cell` FactIndex::SituationCell of it.
  void Add(const EventMeta& meta, std::string_view payload, std::string_view situation_cell);
  // Waits until every event handed over has its rows, then sets the index's
  // size to `size`.
  void Finish(std::uint64_t size);

 private:
  struct Entry {
    std::uint64_t position;
    std::int64_t occurred_at_ns;
    std::int64_t recorded_at_ns;
    std::size_t payload_word;  // offsets in Batch::words
    std::size_t cell_word;
    std::size_t cell_size;  // bytes
  };
  struct Batch {
    std::vector<std::uint64_t> words;
    std::vector<Entry> entries;
  };

  FactWriter(FactIndex& facts, std::size_t batch_words);
  void Run();
  void Write(const Batch& batch);  // the writer's thread
  void Publish();                  // the producer: hands current_ over
  void Join();

  FactIndex& facts_;
  const std::size_t batch_words_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> free_;
  bool closing_ = false;  // no batch will come after those in full_
  std::exception_ptr failed_;

  std::unique_ptr<Batch> current_;  // the producer's
  std::thread thread_;
};

}  // namespace vigie::projections
