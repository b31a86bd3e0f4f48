#include "eventstore/scan_ahead.h"

#include <cstring>
#include <exception>
#include <string>
#include <system_error>

#include "schemas/record_generated.h"

namespace vigie::eventstore {

ScanAhead::ScanAhead() {
  for (std::size_t i = 0; i < kBatches; ++i) {
    auto batch = std::make_unique<Batch>();
    batch->words.reserve(kBatchWords);
    batch->entries.reserve(kBatchRecords);
    free_.push_back(std::move(batch));
  }
}

std::unique_ptr<ScanAhead> ScanAhead::Start(const EventStore& store, std::uint64_t from,
                                            std::uint64_t to) {
  std::unique_ptr<ScanAhead> ahead(new ScanAhead());
  try {
    ahead->thread_ = std::thread([&store, from, to, self = ahead.get()] { self->Run(store, from, to); });
  } catch (const std::system_error&) {
    return nullptr;
  }
  return ahead;
}

std::unique_ptr<ScanAhead> ScanAhead::StartIfWorthIt(const EventStore& store, std::uint64_t from,
                                                     std::uint64_t to) {
  if (to <= from || to - from < kWorthIt) return nullptr;
  return Start(store, from, to);
}

ScanAhead::~ScanAhead() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ScanAhead::Run(const EventStore& store, std::uint64_t from, std::uint64_t to) {
  Status scanned;
  std::unique_ptr<Batch> batch;
  try {
    batch = TakeFree();
    scanned = store.Scan(from, to, [&](const RecordView& record) {
      if (!batch) return false;
      const std::size_t words = (record.bytes.size() + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t);
      if (!batch->entries.empty() && (batch->entries.size() == kBatchRecords ||
                                      batch->words.size() + words > kBatchWords)) {
        Publish(std::move(batch));
        batch = TakeFree();
        if (!batch) return false;
      }
      const std::size_t at = batch->words.size();
      batch->words.resize(at + words);
      std::memcpy(batch->words.data() + at, record.bytes.data(), record.bytes.size());
      batch->entries.push_back({record.position, at, record.bytes.size()});
      return true;
    });
    if (batch && !batch->entries.empty()) Publish(std::move(batch));
  } catch (const std::exception& e) {
    scanned = Internal(std::string("scanning the log ahead of the fold: ") + e.what());
  }
  {
    std::lock_guard lock(mu_);
    done_ = true;
    status_ = std::move(scanned);
  }
  changed_.notify_all();
}

std::unique_ptr<ScanAhead::Batch> ScanAhead::TakeFree() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return stopping_ || !free_.empty(); });
  if (stopping_) return nullptr;
  std::unique_ptr<Batch> batch = std::move(free_.back());
  free_.pop_back();
  return batch;
}

void ScanAhead::Publish(std::unique_ptr<Batch> batch) {
  {
    std::lock_guard lock(mu_);
    full_.push_back(std::move(batch));
  }
  changed_.notify_all();
}

const RecordView* ScanAhead::Next() {
  if (!current_ || next_entry_ == current_->entries.size()) {
    std::unique_lock lock(mu_);
    if (current_) {
      current_->words.clear();
      current_->entries.clear();
      free_.push_back(std::move(current_));
      changed_.notify_all();
    }
    changed_.wait(lock, [&] { return done_ || !full_.empty(); });
    if (full_.empty()) return nullptr;
    current_ = std::move(full_.front());
    full_.pop_front();
    next_entry_ = 0;
  }
  const Entry& entry = current_->entries[next_entry_++];
  const auto* bytes = reinterpret_cast<const char*>(current_->words.data() + entry.word);
  // Verified by Scan at another 8-byte aligned address: the same bytes at
  // this one verify alike.
  view_ = RecordView{entry.position, std::string_view(bytes, entry.size), schema::GetRecord(bytes)};
  return &view_;
}

Status ScanAhead::Finish() {
  {
    std::lock_guard lock(mu_);
    if (!done_) stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace vigie::eventstore
