#include "projections/state_codec.h"

#include <lz4.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <exception>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <numeric>
#include <set>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/pfr.hpp>

namespace vigie::projections {
namespace {

constexpr std::string_view kMagic = "VSS3";
// LZ4 never expands less than a byte into more than 255: a header claiming
// more is corrupt (and must not make a decode allocate it).
constexpr std::uint64_t kLz4RatioMax = 255;

template <typename T>
struct IsVector : std::false_type {};
template <typename T, typename A>
struct IsVector<std::vector<T, A>> : std::true_type {};
template <typename T>
struct IsSet : std::false_type {};
template <typename T, typename C, typename A>
struct IsSet<std::set<T, C, A>> : std::true_type {};
template <typename T>
struct IsMap : std::false_type {};
template <typename K, typename V, typename C, typename A>
struct IsMap<std::map<K, V, C, A>> : std::true_type {};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Writes values into a small buffer and compresses it into `out` a chunk at
// a time, so that encoding never holds the whole raw encoding (about four
// times the compressed size) and works on cache-resident bytes.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) { buf_.reserve(kChunkBytes + 4096); }

  void Flush() {
    if (buf_.empty()) return;
    const int bound = LZ4_compressBound(static_cast<int>(buf_.size()));
    std::string header;
    Writer::VarintTo(header, buf_.size());
    const std::size_t at = out_.size();
    out_.resize(at + kMaxVarint + static_cast<std::size_t>(bound));
    const int compressed = LZ4_compress_default(buf_.data(), out_.data() + at + kMaxVarint,
                                                static_cast<int>(buf_.size()), bound);
    Writer::VarintTo(header, static_cast<std::uint64_t>(compressed));
    // The block was written after room for the widest header; move it up
    // behind the actual one.
    std::memmove(out_.data() + at + header.size(), out_.data() + at + kMaxVarint,
                 static_cast<std::size_t>(compressed));
    std::memcpy(out_.data() + at, header.data(), header.size());
    out_.resize(at + header.size() + static_cast<std::size_t>(compressed));
    buf_.clear();
  }

  static void VarintTo(std::string& out, std::uint64_t v) {
    char buf[kMaxVarint / 2];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out.append(buf, n);
  }
  void Varint(std::uint64_t v) { VarintTo(buf_, v); }

  template <typename T>
  void Put(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      buf_.push_back(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const auto u = static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
      Varint((u << 1) ^ (v < 0 ? ~std::uint64_t{0} : 0));
    } else if constexpr (std::is_integral_v<T>) {
      Varint(v);
    } else if constexpr (std::is_same_v<T, double>) {
      static_assert(std::endian::native == std::endian::little);
      buf_.append(reinterpret_cast<const char*>(&v), sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      Varint(v.size());
      buf_.append(v);
    } else if constexpr (IsOptional<T>::value) {
      buf_.push_back(v ? 1 : 0);
      if (v) Put(*v);
    } else if constexpr (IsVector<T>::value || IsSet<T>::value) {
      Varint(v.size());
      for (const auto& item : v) {
        Put(item);
        if (buf_.size() >= kChunkBytes) Flush();
      }
    } else if constexpr (IsMap<T>::value) {
      Varint(v.size());
      for (const auto& [key, value] : v) {
        Put(key);
        Put(value);
        if (buf_.size() >= kChunkBytes) Flush();
      }
    } else {
      static_assert(std::is_aggregate_v<T>, "a State type the codec does not know");
      boost::pfr::for_each_field(v, [this](const auto& field) { Put(field); });
    }
  }

 private:
  static constexpr std::size_t kChunkBytes = 256 << 10;
  static constexpr std::size_t kMaxVarint = 20;  // two varints of a chunk header
  std::string& out_;
  std::string buf_;
};

// The heap bytes of a State value outside its own object (ApproximateBytes).
class Measurer {
 public:
  template <typename T>
  static std::size_t Heap(const T& v) {
    if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T> || std::is_same_v<T, double>) {
      return 0;
    } else if constexpr (std::is_same_v<T, std::string>) {
      // Short strings live in the object (libstdc++: up to 15 characters).
      return v.capacity() > 15 ? v.capacity() + 1 + kMallocOverhead : 0;
    } else if constexpr (IsOptional<T>::value) {
      return v ? Heap(*v) : 0;
    } else if constexpr (IsVector<T>::value) {
      const std::size_t buffer = v.capacity() * sizeof(typename T::value_type);
      return (buffer ? buffer + kMallocOverhead : 0) + Sampled(v);
    } else if constexpr (IsSet<T>::value || IsMap<T>::value) {
      return v.size() * (kTreeNode + sizeof(typename T::value_type) + kMallocOverhead) + Sampled(v);
    } else {
      static_assert(std::is_aggregate_v<T>, "a State type the measure does not know");
      std::size_t bytes = 0;
      boost::pfr::for_each_field(v, [&bytes](const auto& field) { bytes += Heap(field); });
      return bytes;
    }
  }

 private:
  static constexpr std::size_t kSample = 64;        // items measured per collection
  static constexpr std::size_t kTreeNode = 32;      // colour, parent, left, right
  static constexpr std::size_t kMallocOverhead = 16;

  template <typename K, typename V>
  static std::size_t Item(const std::pair<K, V>& item) {
    return Heap(item.first) + Heap(item.second);
  }
  template <typename T>
  static std::size_t Item(const T& item) {
    return Heap(item);
  }
  // The nested heap bytes of the items: the first kSample, scaled.
  template <typename C>
  static std::size_t Sampled(const C& items) {
    std::size_t measured = 0, bytes = 0;
    for (const auto& item : items) {
      if (measured == kSample) break;
      bytes += Item(item);
      ++measured;
    }
    return measured == 0 ? 0 : bytes / measured * items.size();
  }
};

// One LZ4 block of an encoded state.
struct Chunk {
  std::size_t raw_size;
  std::string_view block;
};

// Reads plain bytes, or chunks decompressed one at a time into a buffer of
// one chunk (the writer ends a chunk only between two items of a
// collection, so no integer or string spans two chunks).
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  explicit Reader(std::vector<Chunk> chunks) : chunks_(std::move(chunks)) {
    for (const Chunk& c : chunks_) remaining_raw_ += c.raw_size;
  }
  bool ok() const { return ok_; }
  bool done() const { return in_.empty() && next_ == chunks_.size(); }
  std::string_view rest() const { return in_; }
  void Skip(std::size_t n) { in_.remove_prefix(std::min(n, in_.size())); }

  std::uint64_t Varint() {
    Fill();
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Bad();
      const auto byte = static_cast<std::uint8_t>(in_.front());
      in_.remove_prefix(1);
      v |= std::uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return Bad();
  }

  // A count of items that each take at least one byte: never more than the
  // bytes left, so a corrupt count cannot make a decode allocate wildly.
  std::size_t Count() {
    const std::uint64_t n = Varint();
    if (n > in_.size() + remaining_raw_) return static_cast<std::size_t>(Bad());
    return static_cast<std::size_t>(n);
  }

  template <typename T>
  void Get(T& v) {
    if (!ok_) return;
    if constexpr (std::is_same_v<T, bool>) {
      v = Byte() != 0;
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const std::uint64_t u = Varint();
      v = static_cast<T>(static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1)));
    } else if constexpr (std::is_integral_v<T>) {
      v = static_cast<T>(Varint());
    } else if constexpr (std::is_same_v<T, double>) {
      Fill();
      if (in_.size() < sizeof v) return static_cast<void>(Bad());
      std::memcpy(&v, in_.data(), sizeof v);
      in_.remove_prefix(sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const std::uint64_t n = Varint();
      if (n > in_.size()) return static_cast<void>(Bad());
      v.assign(in_.data(), n);
      in_.remove_prefix(n);
    } else if constexpr (IsOptional<T>::value) {
      if (Byte() == 0) {
        v.reset();
      } else {
        Get(v.emplace());
      }
    } else if constexpr (IsVector<T>::value) {
      const std::size_t n = Count();
      v.clear();
      v.reserve(n);
      for (std::size_t i = 0; i < n && ok_; ++i) Get(v.emplace_back());
    } else if constexpr (IsSet<T>::value) {
      const std::size_t n = Count();
      v.clear();
      for (std::size_t i = 0; i < n && ok_; ++i) {
        typename T::value_type item;
        Get(item);
        v.emplace_hint(v.end(), std::move(item));
      }
    } else if constexpr (IsMap<T>::value) {
      const std::size_t n = Count();
      v.clear();
      for (std::size_t i = 0; i < n && ok_; ++i) {
        typename T::key_type key;
        Get(key);
        auto it = v.emplace_hint(v.end(), std::move(key), typename T::mapped_type{});
        Get(it->second);
      }
    } else {
      boost::pfr::for_each_field(v, [this](auto& field) { Get(field); });
    }
  }

 private:
  // Moves to the next chunk when this one is used up.
  void Fill() {
    if (!in_.empty() || next_ == chunks_.size() || !ok_) return;
    const Chunk& c = chunks_[next_++];
    buffer_.resize(c.raw_size);
    const int n = LZ4_decompress_safe(c.block.data(), buffer_.data(), static_cast<int>(c.block.size()),
                                      static_cast<int>(c.raw_size));
    if (n < 0 || static_cast<std::size_t>(n) != c.raw_size) return static_cast<void>(Bad());
    remaining_raw_ -= c.raw_size;
    in_ = buffer_;
  }

  std::uint8_t Byte() {
    Fill();
    if (in_.empty()) return static_cast<std::uint8_t>(Bad());
    const auto b = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    return b;
  }
  std::uint64_t Bad() {
    ok_ = false;
    in_ = {};
    return 0;
  }

  std::string_view in_;
  bool ok_ = true;
  std::vector<Chunk> chunks_;
  std::size_t next_ = 0;
  std::size_t remaining_raw_ = 0;  // of the chunks after next_ - 1
  std::string buffer_;              // the current chunk, decompressed
};

// Each field of State is a section of its own, encoded and decoded apart,
// so that two threads share the work of a large state.
constexpr std::size_t kSections = boost::pfr::tuple_size_v<State>;
// Below this (estimated heap bytes, or compressed bytes), one thread does it
// all: a thread costs more than it saves on a small state.
constexpr std::size_t kParallelFromBytes = 4 << 20;

bool UseTwo(CodecThreads threads, std::size_t cost, std::size_t threshold) {
  return threads == CodecThreads::kTwo || (threads == CodecThreads::kAuto && cost >= threshold);
}

// Calls `f(field)` with State field number `i`.
template <typename S, typename F>
void WithField(S& state, std::size_t i, F&& f) {
  boost::pfr::for_each_field(state, [&](auto& field, std::size_t index) {
    if (index == i) f(field);
  });
}

// Runs `job(i)` for i in `order`, on this thread and, when `parallel`, on a
// second one, each taking the next index. An exception from either is
// rethrown here once both are done.
template <typename Job>
void RunSections(const std::array<std::size_t, kSections>& order, bool parallel, Job&& job) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failures[2];
  auto worker = [&](int w) {
    try {
      for (std::size_t k; (k = next.fetch_add(1)) < kSections;) job(order[k]);
    } catch (...) {
      failures[w] = std::current_exception();
      next.store(kSections);
    }
  };
  std::thread helper;
  if (parallel) {
    try {
      helper = std::thread(worker, 1);
    } catch (const std::system_error&) {
      // No thread to be had (a process at its limit): this one does all.
    }
  }
  worker(0);
  if (helper.joinable()) helper.join();
  for (const std::exception_ptr& e : failures) {
    if (e) std::rethrow_exception(e);
  }
}

// Section indexes, the costliest first, so that the two threads end close.
std::array<std::size_t, kSections> LargestFirst(const std::array<std::size_t, kSections>& cost) {
  std::array<std::size_t, kSections> order;
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&cost](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  return order;
}

}  // namespace

std::string EncodeState(const FoldedState& folded, CodecThreads threads) {
  std::array<std::size_t, kSections> cost{};
  boost::pfr::for_each_field(folded.state, [&cost](const auto& field, std::size_t i) {
    cost[i] = Measurer::Heap(field);
  });
  const bool parallel = UseTwo(threads, std::accumulate(cost.begin(), cost.end(), std::size_t{0}),
                               kParallelFromBytes);
  std::array<std::string, kSections> sections;
  RunSections(LargestFirst(cost), parallel, [&](std::size_t i) {
    Writer writer(sections[i]);
    WithField(folded.state, i, [&writer](const auto& field) { writer.Put(field); });
    writer.Flush();
  });

  std::string out(kMagic);
  Writer::VarintTo(out, static_cast<std::uint64_t>(folded.last_recorded_at_ns));
  Writer::VarintTo(out, kSections);
  std::size_t total = out.size();
  for (const std::string& section : sections) {
    Writer::VarintTo(out, section.size());
    total += section.size();
  }
  out.reserve(total + out.size());
  for (const std::string& section : sections) out += section;
  return out;
}

Result<FoldedState> DecodeState(std::string_view bytes, CodecThreads threads) {
  if (!bytes.starts_with(kMagic)) return Fail(DataLoss("not an encoded state"));
  Reader header(bytes.substr(kMagic.size()));
  const std::uint64_t last_recorded = header.Varint();
  const std::uint64_t count = header.Varint();
  if (!header.ok() || count != kSections) return Fail(DataLoss("an encoded state with a bad header"));
  std::array<std::uint64_t, kSections> sizes{};
  for (std::uint64_t& size : sizes) size = header.Varint();
  if (!header.ok()) return Fail(DataLoss("an encoded state with a bad header"));

  // Each section's chunks, checked before anything is decoded.
  std::array<std::vector<Chunk>, kSections> chunks;
  std::array<std::size_t, kSections> cost{};
  std::string_view rest = header.rest();
  for (std::size_t i = 0; i < kSections; ++i) {
    if (sizes[i] > rest.size()) return Fail(DataLoss("an encoded state is truncated"));
    Reader section(rest.substr(0, sizes[i]));
    rest.remove_prefix(sizes[i]);
    cost[i] = sizes[i];
    while (!section.done()) {
      const std::uint64_t raw = section.Varint();
      const std::uint64_t compressed = section.Varint();
      if (!section.ok() || compressed > section.rest().size() || raw > kLz4RatioMax * compressed + 16) {
        return Fail(DataLoss("an encoded state with a bad chunk header"));
      }
      chunks[i].push_back({static_cast<std::size_t>(raw), section.rest().substr(0, compressed)});
      section.Skip(compressed);
    }
  }
  if (!rest.empty()) return Fail(DataLoss("an encoded state has bytes after its sections"));

  FoldedState folded;
  folded.last_recorded_at_ns = static_cast<std::int64_t>(last_recorded);
  std::array<bool, kSections> ok{};
  // Compressed bytes: about a tenth of the heap bytes they decode into.
  const bool parallel = UseTwo(threads, std::accumulate(cost.begin(), cost.end(), std::size_t{0}),
                               kParallelFromBytes / 10);
  RunSections(LargestFirst(cost), parallel, [&](std::size_t i) {
    Reader reader(std::move(chunks[i]));
    WithField(folded.state, i, [&reader](auto& field) { reader.Get(field); });
    ok[i] = reader.ok() && reader.done();
  });
  if (!std::ranges::all_of(ok, [](bool b) { return b; })) {
    return Fail(DataLoss("an encoded state is truncated or malformed"));
  }
  return folded;
}

std::size_t ApproximateBytes(const FoldedState& folded) {
  return sizeof(FoldedState) + Measurer::Heap(folded.state);
}

}  // namespace vigie::projections
