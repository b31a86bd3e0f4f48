#include "projections/fact_writer.h"

#include <algorithm>
#include <cstring>
#include <system_error>
#include <utility>

#include "schemas/events_generated.h"

namespace vigie::projections {
namespace {

std::size_t Words(std::size_t bytes) { return (bytes + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t); }

}  // namespace

FactWriter::FactWriter(FactIndex& facts, std::size_t batch_words)
    : facts_(facts), batch_words_(std::max<std::size_t>(1, batch_words)) {
  for (std::size_t i = 0; i < kBatches; ++i) {
    auto batch = std::make_unique<Batch>();
    batch->words.reserve(batch_words_);
    batch->entries.reserve(std::min<std::size_t>(4096, batch_words_));
    free_.push_back(std::move(batch));
  }
  current_ = std::move(free_.back());
  free_.pop_back();
}

std::unique_ptr<FactWriter> FactWriter::Start(FactIndex& facts, std::size_t batch_words) {
  std::unique_ptr<FactWriter> writer(new FactWriter(facts, batch_words));
  try {
    writer->thread_ = std::thread([self = writer.get()] { self->Run(); });
  } catch (const std::system_error&) {
    return nullptr;
  }
  return writer;
}

FactWriter::~FactWriter() { Join(); }

void FactWriter::Add(const EventMeta& meta, std::string_view payload, std::string_view situation_cell) {
  const std::size_t payload_words = Words(payload.size());
  const std::size_t words = payload_words + Words(situation_cell.size());
  if (!current_->entries.empty() && current_->words.size() + words > batch_words_) Publish();
  Batch& batch = *current_;
  const std::size_t at = batch.words.size();
  batch.words.resize(at + words);
  // memcpy wants real pointers even for no bytes, and an empty view may hold null.
  if (!payload.empty()) std::memcpy(batch.words.data() + at, payload.data(), payload.size());
  if (!situation_cell.empty()) {
    std::memcpy(batch.words.data() + at + payload_words, situation_cell.data(), situation_cell.size());
  }
  batch.entries.push_back({meta.position, meta.occurred_at_ns, meta.recorded_at_ns, at, at + payload_words,
                           situation_cell.size()});
}

void FactWriter::Publish() {
  std::unique_lock lock(mu_);
  full_.push_back(std::move(current_));
  changed_.notify_all();
  changed_.wait(lock, [&] { return !free_.empty(); });
  current_ = std::move(free_.back());
  free_.pop_back();
}

void FactWriter::Run() {
  for (;;) {
    std::unique_ptr<Batch> batch;
    {
      std::unique_lock lock(mu_);
      changed_.wait(lock, [&] { return closing_ || !full_.empty(); });
      if (full_.empty()) return;
      batch = std::move(full_.front());
      full_.pop_front();
    }
    if (!failed_) {
      try {
        Write(*batch);
      } catch (...) {
        failed_ = std::current_exception();
      }
    }
    batch->words.clear();
    batch->entries.clear();
    {
      std::lock_guard lock(mu_);
      free_.push_back(std::move(batch));
    }
    changed_.notify_all();
  }
}

void FactWriter::Write(const Batch& batch) {
  EventMeta meta;
  for (const Entry& e : batch.entries) {
    meta.position = e.position;
    meta.occurred_at_ns = e.occurred_at_ns;
    meta.recorded_at_ns = e.recorded_at_ns;
    const auto* bytes = reinterpret_cast<const char*>(batch.words.data() + e.payload_word);
    const auto* cell = reinterpret_cast<const char*>(batch.words.data() + e.cell_word);
    // Verified by the fold at another address; 8-byte aligned here too.
    facts_.Add(meta, *schema::GetDomainEvent(bytes), std::string_view(cell, e.cell_size));
    facts_.Advance(e.position + 1);
  }
}

void FactWriter::Join() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    if (current_ && !current_->entries.empty()) full_.push_back(std::move(current_));
    closing_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void FactWriter::Finish(std::uint64_t size) {
  Join();
  facts_.Advance(size);
  if (failed_) std::rethrow_exception(std::exchange(failed_, nullptr));
}

}  // namespace vigie::projections
