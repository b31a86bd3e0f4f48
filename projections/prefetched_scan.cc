#include "projections/prefetched_scan.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "schemas/record_generated.h"

namespace vigie::projections {
namespace {

// Records laid end to end, each at an 8-byte aligned offset.
struct Batch {
  std::vector<std::uint64_t> words;
  std::vector<std::size_t> offsets;  // in words
  std::vector<std::size_t> sizes;    // in bytes
  std::uint64_t first_position = 0;

  void Clear(std::uint64_t position) {
    words.clear();
    offsets.clear();
    sizes.clear();
    first_position = position;
  }
  void Add(std::string_view bytes) {
    const std::size_t at = words.size();
    words.resize(at + (bytes.size() + 7) / 8);
    std::memcpy(words.data() + at, bytes.data(), bytes.size());
    offsets.push_back(at);
    sizes.push_back(bytes.size());
  }
};

// The hand-over between the reading thread and the consumer.
class Channel {
 public:
  // Blocks while kBatchesInFlight batches wait; false once the consumer left.
  bool Push(std::unique_ptr<Batch> batch) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return full_.size() < PrefetchedScan::kBatchesInFlight || closed_; });
    if (closed_) return false;
    full_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }
  // Null once the reader finished and every batch was taken.
  std::unique_ptr<Batch> Pop() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return !full_.empty() || done_; });
    if (full_.empty()) return nullptr;
    auto batch = std::move(full_.front());
    full_.pop_front();
    changed_.notify_all();
    return batch;
  }
  std::unique_ptr<Batch> TakeFree() {
    std::lock_guard lock(mu_);
    if (free_.empty()) return std::make_unique<Batch>();
    auto batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }
  void GiveBack(std::unique_ptr<Batch> batch) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(batch));
  }
  void Finish() {
    std::lock_guard lock(mu_);
    done_ = true;
    changed_.notify_all();
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> free_;
  bool done_ = false;    // the reader pushed its last batch
  bool closed_ = false;  // the consumer takes nothing more
};

}  // namespace

Status PrefetchedScan::Run(const eventstore::EventStore& store, std::uint64_t from, std::uint64_t to,
                           const std::function<void(const eventstore::RecordView&)>& visit) {
  Channel channel;
  Status scanned = Status::Ok();
  std::thread reader([&] {
    auto batch = channel.TakeFree();
    batch->Clear(from);
    bool open = true;
    scanned = store.Scan(from, to, [&](const eventstore::RecordView& view) {
      batch->Add(view.bytes);
      if (batch->sizes.size() < kBatchRecords) return true;
      const std::uint64_t next = view.position + 1;
      open = channel.Push(std::move(batch));
      batch = channel.TakeFree();
      batch->Clear(next);
      return open;
    });
    if (open && !batch->sizes.empty()) channel.Push(std::move(batch));
    channel.Finish();
  });
  while (auto batch = channel.Pop()) {
    for (std::size_t i = 0; i < batch->sizes.size(); ++i) {
      const auto* data = reinterpret_cast<const char*>(batch->words.data() + batch->offsets[i]);
      eventstore::RecordView view;
      view.position = batch->first_position + i;
      view.bytes = std::string_view(data, batch->sizes[i]);
      view.record = schema::GetRecord(data);  // verified by the reader's Scan
      visit(view);
    }
    channel.GiveBack(std::move(batch));
  }
  channel.Close();
  reader.join();
  return scanned;
}

}  // namespace vigie::projections
