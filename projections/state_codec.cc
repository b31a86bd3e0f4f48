#include "projections/state_codec.h"

#include <lz4.h>

#include <bit>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <type_traits>
#include <vector>

#include <boost/pfr.hpp>

namespace vigie::projections {
namespace {

constexpr std::string_view kMagic = "VSS1";

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

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void Varint(std::uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, n);
  }

  template <typename T>
  void Put(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      out_.push_back(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const auto u = static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
      Varint((u << 1) ^ (v < 0 ? ~std::uint64_t{0} : 0));
    } else if constexpr (std::is_integral_v<T>) {
      Varint(v);
    } else if constexpr (std::is_same_v<T, double>) {
      static_assert(std::endian::native == std::endian::little);
      out_.append(reinterpret_cast<const char*>(&v), sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      Varint(v.size());
      out_.append(v);
    } else if constexpr (IsOptional<T>::value) {
      out_.push_back(v ? 1 : 0);
      if (v) Put(*v);
    } else if constexpr (IsVector<T>::value || IsSet<T>::value) {
      Varint(v.size());
      for (const auto& item : v) Put(item);
    } else if constexpr (IsMap<T>::value) {
      Varint(v.size());
      for (const auto& [key, value] : v) {
        Put(key);
        Put(value);
      }
    } else {
      static_assert(std::is_aggregate_v<T>, "a State type the codec does not know");
      boost::pfr::for_each_field(v, [this](const auto& field) { Put(field); });
    }
  }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  std::string_view rest() const { return in_; }

  std::uint64_t Varint() {
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
    if (n > in_.size()) return static_cast<std::size_t>(Bad());
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
      if (in_.size() < sizeof v) return static_cast<void>(Bad());
      std::memcpy(&v, in_.data(), sizeof v);
      in_.remove_prefix(sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const std::size_t n = Count();
      if (!ok_) return;
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
  std::uint8_t Byte() {
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
};

}  // namespace

std::string EncodeState(const FoldedState& folded) {
  std::string raw;
  Writer(raw).Put(folded.last_recorded_at_ns);
  Writer(raw).Put(folded.state);
  std::string out(kMagic);
  Writer(out).Varint(raw.size());
  const std::size_t header = out.size();
  out.resize(header + static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(raw.size()))));
  const int compressed = LZ4_compress_default(raw.data(), out.data() + header, static_cast<int>(raw.size()),
                                              static_cast<int>(out.size() - header));
  out.resize(header + static_cast<std::size_t>(compressed));
  out.shrink_to_fit();
  return out;
}

Result<FoldedState> DecodeState(std::string_view bytes) {
  if (!bytes.starts_with(kMagic)) return Fail(DataLoss("not an encoded state"));
  Reader header(bytes.substr(kMagic.size()));
  const std::uint64_t raw_size = header.Varint();
  if (!header.ok() || raw_size > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    return Fail(DataLoss("an encoded state with a bad header"));
  }
  const std::string_view block = header.rest();
  std::string raw(raw_size, '\0');
  const int n = LZ4_decompress_safe(block.data(), raw.data(), static_cast<int>(block.size()),
                                    static_cast<int>(raw.size()));
  if (n < 0 || static_cast<std::uint64_t>(n) != raw_size) return Fail(DataLoss("an encoded state fails to decompress"));
  FoldedState folded;
  Reader reader(raw);
  reader.Get(folded.last_recorded_at_ns);
  reader.Get(folded.state);
  if (!reader.ok() || !reader.done()) return Fail(DataLoss("an encoded state is truncated or malformed"));
  return folded;
}

}  // namespace vigie::projections
