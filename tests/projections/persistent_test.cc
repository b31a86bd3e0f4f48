// PersistentMap and PersistentVector against std::map and std::vector:
// random operations, copies written on both sides, deep trees, entries
// copied on write only, and copies written by several threads at once (in
// the TSan set: "Concurren").
#include "projections/persistent.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <latch>
#include <list>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace vigie::projections {
namespace {

using Map = PersistentMap<int>;
using StdMap = std::map<std::string, int>;

static_assert(std::bidirectional_iterator<Map::const_iterator>);
static_assert(std::random_access_iterator<PersistentVector<int>::const_iterator>);

// ---------------------------------------------------------------------------
// Helpers.

// A uniform integer in [0, n), n > 0.
std::size_t Below(std::mt19937_64& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}
bool OneIn(std::mt19937_64& rng, std::size_t n) { return Below(rng, n) == 0; }
int RandomValue(std::mt19937_64& rng) { return std::uniform_int_distribution<int>(-1'000'000, 1'000'000)(rng); }

// `prefix` and `n` on 7 digits: key order is number order.
std::string NumberedKey(std::string_view prefix, std::size_t n) {
  const std::string digits = std::to_string(n);
  return std::string(prefix) + std::string(digits.size() < 7 ? 7 - digits.size() : 0, '0') + digits;
}

// A key with its bytes readable in a failure message.
std::string Printable(std::string_view key) {
  std::string out = "\"";
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      std::array<char, 8> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02x", static_cast<unsigned>(byte));
      out += hex.data();
    }
  }
  return out + "\"";
}

// `n` distinct keys, shuffled: the empty string, a chain of keys each a
// prefix of the next, NULs and bytes above 0x7f, short keys over a small
// alphabet (so prefixes of one another), keys past the small-string buffer
// (> 15 chars), and extensions of keys already drawn.
std::vector<std::string> MakeKeys(std::mt19937_64& rng, std::size_t n) {
  std::set<std::string> keys = {"", std::string(1, '\0'), std::string("a\0b", 3), "\x7f", "\x80", "\xff\xfe"};
  const std::string chain = "prefix-chain-abcdefghijklmnopqrstuvwxyz";
  for (std::size_t len = 1; len <= chain.size(); ++len) keys.insert(chain.substr(0, len));
  const std::string_view alphabet = "abcxyzAB09-_~\x80\xff";
  std::string last;
  while (keys.size() < n) {
    std::string key;
    if (!last.empty() && OneIn(rng, 6)) {
      key = last;  // an extension: `last` is a prefix of it
    }
    const std::size_t len = OneIn(rng, 4) ? 16 + Below(rng, 48) : 1 + Below(rng, 15);
    for (std::size_t i = 0; i < len; ++i) key += alphabet[Below(rng, alphabet.size())];
    keys.insert(key);
    last = std::move(key);
  }
  std::vector<std::string> out(keys.begin(), keys.end());
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

// Everything iteration shows of `pm`, against `sm`: size, forward order,
// reverse order through std::reverse_iterator and through --end().
testing::AssertionResult SameContent(const Map& pm, const StdMap& sm) {
  if (pm.size() != sm.size()) {
    return testing::AssertionFailure() << "size() " << pm.size() << ", expected " << sm.size();
  }
  if (pm.empty() != sm.empty()) return testing::AssertionFailure() << "empty() " << pm.empty();
  if ((pm.begin() == pm.end()) != sm.empty()) {
    return testing::AssertionFailure() << "begin() == end() is " << (pm.begin() == pm.end());
  }
  std::size_t i = 0;
  auto sit = sm.begin();
  for (auto it = pm.begin(); it != pm.end(); ++it, ++sit, ++i) {
    if (sit == sm.end()) return testing::AssertionFailure() << "forward iteration goes past " << sm.size();
    if (it->first != sit->first || it->second != sit->second) {
      return testing::AssertionFailure() << "forward entry " << i << ": " << Printable(it->first) << " = "
                                         << it->second << ", expected " << Printable(sit->first) << " = "
                                         << sit->second;
    }
  }
  if (sit != sm.end()) return testing::AssertionFailure() << "forward iteration stops after " << i;

  i = 0;
  auto srit = sm.rbegin();
  for (auto rit = pm.rbegin(); rit != pm.rend(); ++rit, ++srit, ++i) {
    if (srit == sm.rend()) return testing::AssertionFailure() << "rbegin..rend goes past " << sm.size();
    if (rit->first != srit->first || rit->second != srit->second) {
      return testing::AssertionFailure() << "reverse entry " << i << ": " << Printable(rit->first)
                                         << ", expected " << Printable(srit->first);
    }
  }
  if (srit != sm.rend()) return testing::AssertionFailure() << "rbegin..rend stops after " << i;

  if (!sm.empty()) {
    auto it = pm.end();
    i = 0;
    for (srit = sm.rbegin(); srit != sm.rend(); ++srit, ++i) {
      --it;
      if (it->first != srit->first || it->second != srit->second) {
        return testing::AssertionFailure() << "--end() walk, step " << i << ": " << Printable(it->first)
                                           << ", expected " << Printable(srit->first);
      }
    }
    if (it != pm.begin()) return testing::AssertionFailure() << "--end() walk does not end on begin()";
    // Postfix forms return the former position.
    auto first = pm.begin();
    if (first++ != pm.begin() || (sm.size() > 1 && first->first != std::next(sm.begin())->first)) {
      return testing::AssertionFailure() << "begin()++";
    }
    auto past = pm.end();
    if (past-- != pm.end() || past->first != sm.rbegin()->first) return testing::AssertionFailure() << "end()--";
  }
  return testing::AssertionSuccess();
}

// Size and forward iteration only, for large maps.
testing::AssertionResult SameEntries(const Map& pm, const StdMap& sm) {
  if (pm.size() != sm.size()) {
    return testing::AssertionFailure() << "size() " << pm.size() << ", expected " << sm.size();
  }
  auto sit = sm.begin();
  for (auto it = pm.begin(); it != pm.end(); ++it, ++sit) {
    if (sit == sm.end()) return testing::AssertionFailure() << "iteration goes past " << sm.size();
    if (it->first != sit->first || it->second != sit->second) {
      return testing::AssertionFailure() << Printable(it->first) << " = " << it->second << ", expected "
                                         << Printable(sit->first) << " = " << sit->second;
    }
  }
  if (sit != sm.end()) return testing::AssertionFailure() << "iteration stops short";
  return testing::AssertionSuccess();
}

// lower_bound and upper_bound of `probe`, and a few steps either way from
// there, against `sm`.
testing::AssertionResult SameBounds(const Map& pm, const StdMap& sm, const std::string& probe) {
  for (const bool upper : {false, true}) {
    const char* which = upper ? "upper_bound(" : "lower_bound(";
    const Map::const_iterator found = upper ? pm.upper_bound(probe) : pm.lower_bound(probe);
    const StdMap::const_iterator expected = upper ? sm.upper_bound(probe) : sm.lower_bound(probe);
    auto it = found;
    auto sit = expected;
    for (int step = 0; step < 3; ++step, ++it, ++sit) {
      if ((it == pm.end()) != (sit == sm.end())) {
        return testing::AssertionFailure() << which << Printable(probe) << ") + " << step << ": end() is "
                                           << (it == pm.end());
      }
      if (sit == sm.end()) break;
      if (it->first != sit->first || it->second != sit->second) {
        return testing::AssertionFailure() << which << Printable(probe) << ") + " << step << ": "
                                           << Printable(it->first) << ", expected " << Printable(sit->first);
      }
    }
    it = found;
    sit = expected;
    for (int step = 1; step <= 3 && sit != sm.begin(); ++step) {
      if (it == pm.begin()) {
        return testing::AssertionFailure() << which << Printable(probe) << ") - " << step << ": at begin()";
      }
      --it;
      --sit;
      if (it->first != sit->first || it->second != sit->second) {
        return testing::AssertionFailure() << which << Printable(probe) << ") - " << step << ": "
                                           << Printable(it->first) << ", expected " << Printable(sit->first);
      }
    }
    if (sit == sm.begin() && it != pm.begin()) {
      return testing::AssertionFailure() << which << Printable(probe) << "): expected to reach begin()";
    }
  }
  return testing::AssertionSuccess();
}

// The const lookups of `key`: find, contains, count, at.
testing::AssertionResult SameLookups(const Map& pm, const StdMap& sm, const std::string& key) {
  const auto sit = sm.find(key);
  const bool present = sit != sm.end();
  const auto it = pm.find(key);
  if ((it != pm.end()) != present) {
    return testing::AssertionFailure() << "find(" << Printable(key) << ") found " << (it != pm.end());
  }
  if (present && (it->first != key || it->second != sit->second)) {
    return testing::AssertionFailure() << "find(" << Printable(key) << ") gives " << Printable(it->first)
                                       << " = " << it->second << ", expected " << sit->second;
  }
  if (pm.contains(std::string_view(key)) != present) {
    return testing::AssertionFailure() << "contains(" << Printable(key) << ")";
  }
  if (pm.count(key) != sm.count(key)) return testing::AssertionFailure() << "count(" << Printable(key) << ")";
  try {
    const int value = pm.at(key);
    if (!present) return testing::AssertionFailure() << "at(" << Printable(key) << ") does not throw";
    if (value != sit->second) return testing::AssertionFailure() << "at(" << Printable(key) << ") = " << value;
  } catch (const std::out_of_range&) {
    if (present) return testing::AssertionFailure() << "at(" << Printable(key) << ") throws";
  }
  return testing::AssertionSuccess();
}

// A probe for the bounds: a key, a key extended or cut by a byte, the
// empty string (below every other key), or a key above the largest.
std::string Probe(std::mt19937_64& rng, const std::vector<std::string>& keys, const StdMap& sm) {
  std::string key = keys[Below(rng, keys.size())];
  switch (Below(rng, 7)) {
    case 0:
      return "";
    case 1:
      return sm.empty() ? std::string("\xff") : sm.rbegin()->first + "\xff";
    case 2:
      return sm.empty() ? std::string("\x01") : sm.rbegin()->first + std::string(1, '\0');
    case 3:
      key += static_cast<char>(Below(rng, 256));
      return key;
    case 4:
      if (!key.empty()) key.pop_back();
      return key;
    default:
      return key;
  }
}

// One random write of `key`, to `pm` and to `sm` alike; a failure where
// their answers differ. `erase_weight` against 7 other kinds of writes.
testing::AssertionResult RandomWrite(std::mt19937_64& rng, const std::string& key, Map& pm, StdMap& sm,
                                     std::size_t erase_weight) {
  const int value = RandomValue(rng);
  const std::size_t op = Below(rng, 7 + erase_weight);
  switch (op) {
    case 0: {
      const auto [it, inserted] = pm.try_emplace(key, value);
      const auto [sit, sinserted] = sm.try_emplace(key, value);
      if (inserted != sinserted || it->first != key || it->second != sit->second) {
        return testing::AssertionFailure() << "try_emplace(" << Printable(key) << "): inserted " << inserted
                                           << ", value " << it->second << ", expected " << sit->second;
      }
      break;
    }
    case 1: {
      const auto [it, inserted] = pm.insert_or_assign(key, value);
      const auto [sit, sinserted] = sm.insert_or_assign(key, value);
      if (inserted != sinserted || it->first != key || it->second != value) {
        return testing::AssertionFailure() << "insert_or_assign(" << Printable(key) << "): inserted " << inserted;
      }
      break;
    }
    case 2: {
      const int got = ++pm[key];
      const int expected = ++sm[key];
      if (got != expected) {
        return testing::AssertionFailure() << "++operator[](" << Printable(key) << ") = " << got << ", expected "
                                           << expected;
      }
      break;
    }
    case 3: {
      const auto it = pm.find(key);
      const auto sit = sm.find(key);
      if ((it == pm.end()) != (sit == sm.end())) {
        return testing::AssertionFailure() << "mutable find(" << Printable(key) << ") found " << (it != pm.end());
      }
      if (sit != sm.end()) {
        if (it->first != key || it->second != sit->second) {
          return testing::AssertionFailure() << "mutable find(" << Printable(key) << ") = " << it->second;
        }
        it->second = value;
        sit->second = value;
      }
      break;
    }
    case 4: {
      bool inserted = false;
      const auto sit = sm.find(key);
      const bool present = sit != sm.end();
      if (Below(rng, 2) == 0) {
        inserted = pm.emplace(key, value).second;
      } else {
        const auto [it, fresh] = pm.try_emplace(key, value);
        inserted = fresh;
        if (it->first != key) return testing::AssertionFailure() << "try_emplace(" << Printable(key) << ")";
      }
      if (inserted == present) {
        return testing::AssertionFailure() << "emplace/try_emplace(" << Printable(key) << "): inserted " << inserted;
      }
      sm.emplace(key, value);
      break;
    }
    case 5: {
      const bool present = sm.contains(key);
      try {
        pm.at(key) = value;
        if (!present) return testing::AssertionFailure() << "mutable at(" << Printable(key) << ") does not throw";
        sm.at(key) = value;
      } catch (const std::out_of_range&) {
        if (present) return testing::AssertionFailure() << "mutable at(" << Printable(key) << ") throws";
      }
      break;
    }
    case 6: {
      // A write through operator[] of a key given as a string_view that is
      // not NUL-terminated where the key ends.
      const std::string padded = key + "#tail";
      pm[std::string_view(padded).substr(0, key.size())] = value;
      sm[key] = value;
      break;
    }
    default: {
      const std::size_t erased = pm.erase(key);
      const std::size_t serased = sm.erase(key);
      if (erased != serased) {
        return testing::AssertionFailure() << "erase(" << Printable(key) << ") = " << erased << ", expected "
                                           << serased;
      }
      break;
    }
  }
  return testing::AssertionSuccess();
}

// Content, then `probes` random bounds and lookups.
void CheckAll(std::mt19937_64& rng, const std::vector<std::string>& keys, const Map& pm, const StdMap& sm,
              int probes) {
  ASSERT_TRUE(SameContent(pm, sm));
  for (int i = 0; i < probes; ++i) {
    ASSERT_TRUE(SameBounds(pm, sm, Probe(rng, keys, sm)));
    ASSERT_TRUE(SameLookups(pm, sm, keys[Below(rng, keys.size())]));
  }
}

// `count` random operations, reads among them, checked every 500.
void RunRandomOps(std::mt19937_64& rng, const std::vector<std::string>& keys, Map& pm, StdMap& sm,
                  std::size_t count, std::size_t erase_weight) {
  for (std::size_t i = 1; i <= count; ++i) {
    const std::string& key = keys[Below(rng, keys.size())];
    if (OneIn(rng, 8)) {
      ASSERT_TRUE(SameLookups(pm, sm, key)) << "op " << i;
      ASSERT_TRUE(SameBounds(pm, sm, Probe(rng, keys, sm))) << "op " << i;
      continue;
    }
    ASSERT_TRUE(RandomWrite(rng, key, pm, sm, erase_weight)) << "op " << i;
    if (i % 500 == 0) {
      ASSERT_NO_FATAL_FAILURE(CheckAll(rng, keys, pm, sm, 40)) << "op " << i;
    }
  }
  ASSERT_NO_FATAL_FAILURE(CheckAll(rng, keys, pm, sm, 100));
}

// Erases every key of `sm` from both, in random order, down to empty.
void Drain(std::mt19937_64& rng, const std::vector<std::string>& keys, Map& pm, StdMap& sm) {
  std::vector<std::string> present;
  for (const auto& [key, value] : sm) present.push_back(key);
  std::shuffle(present.begin(), present.end(), rng);
  for (std::size_t i = 0; i < present.size(); ++i) {
    ASSERT_EQ(pm.erase(present[i]), 1u) << Printable(present[i]);
    sm.erase(present[i]);
    ASSERT_EQ(pm.erase(present[i]), 0u) << Printable(present[i]);
    if (i % 250 == 0) {
      ASSERT_NO_FATAL_FAILURE(CheckAll(rng, keys, pm, sm, 10));
    }
  }
  ASSERT_TRUE(pm.empty());
  ASSERT_TRUE(pm.begin() == pm.end());
  ASSERT_TRUE(pm.rbegin() == pm.rend());
  ASSERT_NO_FATAL_FAILURE(CheckAll(rng, keys, pm, sm, 20));
}

// ---------------------------------------------------------------------------
// PersistentMap.

TEST(PersistentMapTest, MatchesStdMapUnderRandomOperations) {
  std::mt19937_64 rng(0x5eed'0001);
  const std::vector<std::string> keys = MakeKeys(rng, 3000);
  Map pm;
  StdMap sm;
  ASSERT_NO_FATAL_FAILURE(CheckAll(rng, keys, pm, sm, 20));  // empty

  // Growth (towards 5 keys in 6 present), churn, a drain to empty,
  // regrowth, then shrinking churn (towards 1 in 7 present).
  ASSERT_NO_FATAL_FAILURE(RunRandomOps(rng, keys, pm, sm, 6000, 1));
  ASSERT_GT(pm.size(), 1500u);
  ASSERT_NO_FATAL_FAILURE(RunRandomOps(rng, keys, pm, sm, 5000, 7));
  ASSERT_NO_FATAL_FAILURE(Drain(rng, keys, pm, sm));
  ASSERT_NO_FATAL_FAILURE(RunRandomOps(rng, keys, pm, sm, 5000, 1));
  ASSERT_NO_FATAL_FAILURE(RunRandomOps(rng, keys, pm, sm, 8000, 30));
  ASSERT_LT(pm.size(), 1200u);

  // clear() leaves an empty map that takes writes again.
  pm.clear();
  sm.clear();
  ASSERT_NO_FATAL_FAILURE(CheckAll(rng, keys, pm, sm, 10));
  ASSERT_NO_FATAL_FAILURE(RunRandomOps(rng, keys, pm, sm, 1000, 1));
}

TEST(PersistentMapTest, CopiesAreIndependent) {
  std::mt19937_64 rng(0x5eed'0002);
  const std::vector<std::string> keys = MakeKeys(rng, 2000);
  struct Snapshot {
    Map map;
    StdMap expected;
    bool written;  // whether the test keeps writing to this copy
  };
  std::vector<Snapshot> snapshots;
  Map live;
  StdMap expected;
  auto check_snapshots = [&] {
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
      ASSERT_TRUE(SameContent(snapshots[i].map, snapshots[i].expected)) << "snapshot " << i;
    }
  };

  for (std::size_t step = 0; step < 12'000; ++step) {
    ASSERT_TRUE(RandomWrite(rng, keys[Below(rng, keys.size())], live, expected, 3)) << "step " << step;
    if (step % 1000 == 999) {
      snapshots.push_back({live, expected, snapshots.size() % 2 == 1});
      ASSERT_TRUE(snapshots.back().map == live);
      ASSERT_NO_FATAL_FAILURE(check_snapshots()) << "step " << step;
    }
    if (step % 3000 == 1500 && !snapshots.empty()) {
      // A copy of a copy, itself written.
      const Snapshot& from = snapshots[Below(rng, snapshots.size())];
      snapshots.push_back({from.map, from.expected, true});
    }
    if (step == 6000) {
      // Erase until empty, snapshot the empty map, then grow again.
      ASSERT_NO_FATAL_FAILURE(Drain(rng, keys, live, expected)) << "step " << step;
      ASSERT_NO_FATAL_FAILURE(check_snapshots()) << "after the drain";
      snapshots.push_back({live, expected, true});
    }
    if (step == 9000) {
      // clear() on a copy of a snapshot leaves the snapshot as it was.
      Map cleared = snapshots.front().map;
      cleared.clear();
      ASSERT_TRUE(cleared.empty());
      ASSERT_NO_FATAL_FAILURE(check_snapshots()) << "after clear()";
      // Assigning a copy over a written snapshot, then writing both.
      snapshots[1].map = live;
      snapshots[1].expected = expected;
    }
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
      Snapshot& s = snapshots[i];
      if (s.written && OneIn(rng, 3)) {
        ASSERT_TRUE(RandomWrite(rng, keys[Below(rng, keys.size())], s.map, s.expected, 3))
            << "step " << step << ", snapshot " << i;
      }
    }
  }

  ASSERT_TRUE(SameContent(live, expected));
  ASSERT_NO_FATAL_FAILURE(check_snapshots());
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    for (int p = 0; p < 50; ++p) {
      ASSERT_TRUE(SameBounds(snapshots[i].map, snapshots[i].expected, Probe(rng, keys, snapshots[i].expected)))
          << "snapshot " << i;
    }
  }
  // Equality follows content, not identity.
  ASSERT_FALSE(live.empty());
  const std::string present = live.begin()->first;
  Map copy = live;
  EXPECT_TRUE(copy == live);
  copy[present] += 1;
  EXPECT_FALSE(copy == live);
  copy[present] -= 1;
  EXPECT_TRUE(copy == live);
  copy["absent from live"] = 0;
  EXPECT_FALSE(copy == live);
  copy.erase("absent from live");
  EXPECT_TRUE(copy == live);
  EXPECT_FALSE(Map() == live);
  EXPECT_TRUE(Map() == Map());
}

// Whether `m` holds exactly keys[i] = i for the (increasing) indices given,
// each visited once, in order both ways.
testing::AssertionResult HoldsExactly(const Map& m, const std::vector<std::string>& keys,
                                      const std::vector<std::size_t>& indices) {
  if (m.size() != indices.size()) {
    return testing::AssertionFailure() << "size() " << m.size() << ", expected " << indices.size();
  }
  std::size_t j = 0;
  for (auto it = m.begin(); it != m.end(); ++it, ++j) {
    if (j == indices.size()) return testing::AssertionFailure() << "iteration goes past " << indices.size();
    if (it->first != keys[indices[j]] || it->second != static_cast<int>(indices[j])) {
      return testing::AssertionFailure() << "entry " << j << " is " << it->first << ", expected " << keys[indices[j]];
    }
  }
  if (j != indices.size()) return testing::AssertionFailure() << "iteration stops after " << j;
  for (auto rit = m.rbegin(); rit != m.rend(); ++rit) {
    if (j == 0) return testing::AssertionFailure() << "reverse iteration goes past " << indices.size();
    --j;
    if (rit->first != keys[indices[j]]) {
      return testing::AssertionFailure() << "reverse entry " << j << " is " << rit->first;
    }
  }
  if (j != 0) return testing::AssertionFailure() << "reverse iteration stops " << j << " short";
  return testing::AssertionSuccess();
}

TEST(PersistentMapTest, GrowsDeepTrees) {
  constexpr std::size_t kCount = 200'000;
  std::mt19937_64 rng(0x5eed'0003);
  std::vector<std::string> keys;
  keys.reserve(kCount);
  for (std::size_t i = 0; i < kCount; ++i) keys.push_back(NumberedKey("deep-", i));
  std::vector<std::size_t> all(kCount);
  std::iota(all.begin(), all.end(), std::size_t{0});

  struct Order {
    const char* name;
    std::vector<std::size_t> indices;
  };
  std::vector<Order> orders = {{"increasing", all}, {"decreasing", all}, {"random", all}};
  std::reverse(orders[1].indices.begin(), orders[1].indices.end());
  std::shuffle(orders[2].indices.begin(), orders[2].indices.end(), rng);

  Map random_order;
  for (const Order& order : orders) {
    SCOPED_TRACE(order.name);
    Map m;
    Map half;
    for (std::size_t j = 0; j < kCount; ++j) {
      if (j == kCount / 2) half = m;
      const std::size_t i = order.indices[j];
      const auto [it, inserted] = m.try_emplace(keys[i], static_cast<int>(i));
      ASSERT_TRUE(inserted) << keys[i];
      ASSERT_EQ(it->first, keys[i]);
    }
    ASSERT_TRUE(HoldsExactly(m, keys, all));
    std::vector<std::size_t> first_half(order.indices.begin(), order.indices.begin() + kCount / 2);
    std::sort(first_half.begin(), first_half.end());
    ASSERT_TRUE(HoldsExactly(half, keys, first_half));

    // Inserting again inserts nothing.
    for (int p = 0; p < 1000; ++p) {
      const std::size_t i = Below(rng, kCount);
      ASSERT_FALSE(m.try_emplace(keys[i], -1).second);
    }
    const Map& cm = m;
    ASSERT_EQ(cm.size(), kCount);
    for (int p = 0; p < 2000; ++p) {
      const std::size_t i = Below(rng, kCount);
      const auto found = cm.find(keys[i]);
      ASSERT_TRUE(found != cm.end());
      ASSERT_EQ(found->second, static_cast<int>(i));
      ASSERT_TRUE(cm.lower_bound(keys[i]) == found);
      // Between keys[i] and keys[i + 1].
      const auto next = cm.lower_bound(keys[i] + "x");
      const auto after = cm.upper_bound(keys[i]);
      ASSERT_TRUE(next == after);
      if (i + 1 < kCount) {
        ASSERT_TRUE(next != cm.end());
        ASSERT_EQ(next->first, keys[i + 1]);
      } else {
        ASSERT_TRUE(next == cm.end());
      }
      if (i > 0) {
        auto before = found;
        --before;
        ASSERT_EQ(before->first, keys[i - 1]);
      }
    }
    ASSERT_TRUE(cm.lower_bound("") == cm.begin());
    ASSERT_TRUE(cm.lower_bound("deep-") == cm.begin());
    ASSERT_TRUE(cm.lower_bound("deep-9") == cm.end());
    ASSERT_TRUE(cm.upper_bound("zzz") == cm.end());
    ASSERT_EQ(std::prev(cm.end())->first, keys.back());
    if (order.name == std::string_view("random")) random_order = std::move(m);
  }

  // Erasing the middle half, in increasing order from one copy and in
  // random order from another, leaves sparse nodes and the original whole.
  const std::size_t from = kCount / 4;
  const std::size_t to = 3 * kCount / 4;
  std::vector<std::size_t> outer;
  for (std::size_t i = 0; i < kCount; ++i) {
    if (i < from || i >= to) outer.push_back(i);
  }
  Map erased_in_order = random_order;
  Map erased_at_random = random_order;
  for (std::size_t i = from; i < to; ++i) ASSERT_EQ(erased_in_order.erase(keys[i]), 1u);
  std::vector<std::size_t> middle(all.begin() + static_cast<std::ptrdiff_t>(from),
                                  all.begin() + static_cast<std::ptrdiff_t>(to));
  std::shuffle(middle.begin(), middle.end(), rng);
  for (const std::size_t i : middle) ASSERT_EQ(erased_at_random.erase(keys[i]), 1u);
  for (const Map* m : {&erased_in_order, &erased_at_random}) {
    ASSERT_TRUE(HoldsExactly(*m, keys, outer));
    const auto gap = m->lower_bound(keys[from + 10]);
    ASSERT_TRUE(gap != m->end());
    ASSERT_EQ(gap->first, keys[to]);
    auto before = gap;
    --before;
    ASSERT_EQ(before->first, keys[from - 1]);
    ASSERT_FALSE(m->contains(keys[from]));
  }
  ASSERT_TRUE(HoldsExactly(random_order, keys, all));

  // Regrowth into the sparse nodes, from the top down.
  for (std::size_t i = to; i-- > from;) {
    ASSERT_TRUE(erased_in_order.try_emplace(keys[i], static_cast<int>(i)).second);
  }
  ASSERT_TRUE(HoldsExactly(erased_in_order, keys, all));
  ASSERT_TRUE(erased_in_order == random_order);
  ASSERT_TRUE(HoldsExactly(erased_at_random, keys, outer));
}

// Writes `writes` random changes to `map` and `expected`, over the base
// keys and keys of `prefix` of its own; a snapshot (with its expected
// content) half way. An empty string, or what went wrong.
std::string WriteRandomly(std::uint64_t seed, std::string_view prefix, const std::vector<std::string>& base_keys,
                          std::size_t writes, Map& map, StdMap& expected,
                          std::vector<std::pair<Map, StdMap>>& snapshots) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < writes; ++i) {
    const std::string key =
        OneIn(rng, 4) ? NumberedKey(prefix, Below(rng, 2000)) : base_keys[Below(rng, base_keys.size())];
    if (testing::AssertionResult r = RandomWrite(rng, key, map, expected, 3); !r) {
      return std::string(prefix) + " write " + std::to_string(i) + ": " + r.message();
    }
    if (i == writes / 2) snapshots.emplace_back(map, expected);
  }
  return "";
}

TEST(PersistentMapTest, CopiesWrittenConcurrently) {
  constexpr std::size_t kBase = 50'000;
  constexpr std::size_t kThreads = 3;
  constexpr std::size_t kWrites = 4000;
  std::mt19937_64 rng(0x5eed'0005);
  std::vector<std::string> base_keys;
  for (std::size_t i = 0; i < kBase; ++i) base_keys.push_back(NumberedKey("base-", i));
  std::vector<std::string> shuffled = base_keys;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  Map base;
  StdMap base_expected;
  for (const std::string& key : shuffled) {
    const int value = RandomValue(rng);
    base.try_emplace(key, value);
    base_expected.emplace(key, value);
  }
  ASSERT_EQ(base.size(), kBase);

  struct Worker {
    Map map;
    StdMap expected;
    std::vector<std::pair<Map, StdMap>> snapshots;
    std::string failure;
  };
  auto verify = [](const std::vector<Worker>& workers) {
    for (std::size_t t = 0; t < workers.size(); ++t) {
      const Worker& w = workers[t];
      ASSERT_EQ(w.failure, "") << "thread " << t;
      ASSERT_TRUE(SameContent(w.map, w.expected)) << "thread " << t;
      ASSERT_EQ(w.snapshots.size(), 1u);
      ASSERT_TRUE(SameEntries(w.snapshots[0].first, w.snapshots[0].second)) << "thread " << t;
    }
  };

  // Round 1: copies made here, before the threads start; the threads write
  // their copies while this thread writes the base they were copied from.
  {
    std::vector<Worker> workers(kThreads);
    for (Worker& w : workers) {
      w.map = base;
      w.expected = base_expected;
    }
    std::latch start(kThreads + 1);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Worker& w = workers[t];
        start.arrive_and_wait();
        w.failure = WriteRandomly(100 + t, "t" + std::to_string(t) + "-", base_keys, kWrites, w.map, w.expected,
                                  w.snapshots);
      });
    }
    std::vector<std::pair<Map, StdMap>> main_snapshots;
    start.arrive_and_wait();
    const std::string main_failure =
        WriteRandomly(99, "main-", base_keys, kWrites, base, base_expected, main_snapshots);
    for (std::thread& thread : threads) thread.join();
    ASSERT_EQ(main_failure, "");
    ASSERT_TRUE(SameContent(base, base_expected));
    ASSERT_EQ(main_snapshots.size(), 1u);
    ASSERT_TRUE(SameEntries(main_snapshots[0].first, main_snapshots[0].second));
    ASSERT_NO_FATAL_FAILURE(verify(workers)) << "round 1";
  }

  // Round 2: a const base that every thread copies for itself, and reads,
  // while this thread writes a copy of it made before the start.
  {
    const Map shared = base;
    const StdMap shared_expected = base_expected;
    Map live = shared;
    StdMap live_expected = shared_expected;
    std::vector<Worker> workers(kThreads);
    std::latch start(kThreads + 1);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Worker& w = workers[t];
        start.arrive_and_wait();
        Map mine = shared;
        StdMap mine_expected = shared_expected;
        w.failure = WriteRandomly(200 + t, "u" + std::to_string(t) + "-", base_keys, kWrites, mine,
                                  mine_expected, w.snapshots);
        std::mt19937_64 probe_rng(300 + t);
        for (int p = 0; p < 500 && w.failure.empty(); ++p) {
          const std::string& key = base_keys[Below(probe_rng, base_keys.size())];
          if (testing::AssertionResult r = SameLookups(shared, shared_expected, key); !r) w.failure = r.message();
        }
        w.map = mine;
        w.expected = std::move(mine_expected);
      });
    }
    std::vector<std::pair<Map, StdMap>> main_snapshots;
    start.arrive_and_wait();
    const std::string main_failure =
        WriteRandomly(199, "main2-", base_keys, kWrites, live, live_expected, main_snapshots);
    for (std::thread& thread : threads) thread.join();
    ASSERT_EQ(main_failure, "");
    ASSERT_TRUE(SameContent(live, live_expected));
    ASSERT_TRUE(SameEntries(shared, shared_expected));
    ASSERT_NO_FATAL_FAILURE(verify(workers)) << "round 2";
  }
}

// A value type that counts its copies.
int tracked_copies = 0;
struct Tracked {
  Tracked() = default;
  explicit Tracked(int v) : n(v) {}
  Tracked(const Tracked& other) : n(other.n), payload(other.payload) { ++tracked_copies; }
  Tracked(Tracked&&) noexcept = default;
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) noexcept = default;
  ~Tracked() = default;
  int n = 0;
  std::vector<int> payload;
};

TEST(PersistentMapTest, EntriesAreCopiedOnWrite) {
  using Tags = std::vector<std::string>;
  PersistentMap<Tags> a;
  for (std::size_t i = 0; i < 1000; ++i) a.try_emplace(NumberedKey("v-", i), Tags{"t" + std::to_string(i)});
  PersistentMap<Tags> b = a;
  const std::string k = NumberedKey("v-", 500);

  b.find(k)->second.push_back("in b");
  EXPECT_EQ(std::as_const(a).at(k), (Tags{"t500"}));
  EXPECT_EQ(std::as_const(b).at(k), (Tags{"t500", "in b"}));
  b[k].push_back("again");
  b.at(NumberedKey("v-", 501)).clear();
  b.try_emplace(NumberedKey("v-", 502)).first->second.push_back("by try_emplace");
  b.insert_or_assign(NumberedKey("v-", 503), Tags{"replaced"});
  a.find(NumberedKey("v-", 504))->second.push_back("in a");
  a[NumberedKey("v-", 505)].push_back("in a");
  b.erase(NumberedKey("v-", 506));

  const PersistentMap<Tags>& ca = a;
  const PersistentMap<Tags>& cb = b;
  EXPECT_EQ(ca.at(k), (Tags{"t500"}));
  EXPECT_EQ(cb.at(k), (Tags{"t500", "in b", "again"}));
  EXPECT_EQ(ca.at(NumberedKey("v-", 501)), (Tags{"t501"}));
  EXPECT_EQ(cb.at(NumberedKey("v-", 501)), Tags{});
  EXPECT_EQ(ca.at(NumberedKey("v-", 502)), (Tags{"t502"}));
  EXPECT_EQ(cb.at(NumberedKey("v-", 502)), (Tags{"t502", "by try_emplace"}));
  EXPECT_EQ(ca.at(NumberedKey("v-", 503)), (Tags{"t503"}));
  EXPECT_EQ(cb.at(NumberedKey("v-", 503)), (Tags{"replaced"}));
  EXPECT_EQ(ca.at(NumberedKey("v-", 504)), (Tags{"t504", "in a"}));
  EXPECT_EQ(cb.at(NumberedKey("v-", 504)), (Tags{"t504"}));
  EXPECT_EQ(ca.at(NumberedKey("v-", 505)), (Tags{"t505", "in a"}));
  EXPECT_EQ(cb.at(NumberedKey("v-", 505)), (Tags{"t505"}));
  EXPECT_TRUE(ca.contains(NumberedKey("v-", 506)));
  EXPECT_FALSE(cb.contains(NumberedKey("v-", 506)));
  EXPECT_EQ(ca.size(), 1000u);
  EXPECT_EQ(cb.size(), 999u);
  // Entries neither copy wrote are shared; those written are not.
  EXPECT_EQ(&ca.at(NumberedKey("v-", 10)), &cb.at(NumberedKey("v-", 10)));
  EXPECT_EQ(&ca.at(NumberedKey("v-", 900)), &cb.at(NumberedKey("v-", 900)));
  EXPECT_NE(&ca.at(k), &cb.at(k));
  // A writer's entry is the one its reads see.
  const auto written = b.find(k);
  EXPECT_TRUE(written == cb.find(k));
  EXPECT_EQ(&written->second, &cb.at(k));
  EXPECT_TRUE(b.find("absent") == b.end());
  EXPECT_TRUE(b.find("absent") == cb.end());
  EXPECT_FALSE(written == cb.end());

  // Counted: a copy of the map copies no value; the first write of an entry
  // through a copy copies that entry only, later writes nothing.
  tracked_copies = 0;
  PersistentMap<Tracked> x;
  for (std::size_t i = 0; i < 1000; ++i) x.try_emplace(NumberedKey("t-", i), static_cast<int>(i));
  x[NumberedKey("t-", 1000)].payload = {1, 2, 3};
  EXPECT_EQ(tracked_copies, 0);
  PersistentMap<Tracked> y = x;
  EXPECT_EQ(tracked_copies, 0);
  const PersistentMap<Tracked>& cy = y;
  int sum = 0;
  for (const auto& [key, value] : cy) sum += value.n;
  EXPECT_EQ(sum, 999 * 1000 / 2);
  EXPECT_EQ(cy.find(NumberedKey("t-", 7))->second.n, 7);
  EXPECT_TRUE(cy.contains(NumberedKey("t-", 8)));
  EXPECT_EQ(cy.lower_bound(NumberedKey("t-", 9))->second.n, 9);
  EXPECT_EQ(tracked_copies, 0) << "const reads copy nothing";

  const std::string t = NumberedKey("t-", 500);
  y.find(t)->second.n = -1;
  EXPECT_EQ(tracked_copies, 1);
  y.find(t)->second.n = -2;
  y[t].n = -3;
  y.at(t).payload.push_back(4);
  EXPECT_EQ(tracked_copies, 1) << "an entry already this copy's own is not copied again";
  EXPECT_TRUE(y.find("absent") == y.end());
  y.erase(NumberedKey("t-", 501));
  y["new"].n = 42;
  EXPECT_EQ(tracked_copies, 1) << "lookups of absent keys, erasures and insertions copy no other entry";
  x.find(t)->second.n = 5000;
  EXPECT_EQ(tracked_copies, 1) << "the original's entry, no longer shared, is written in place";
  EXPECT_EQ(std::as_const(x).at(t).n, 5000);
  EXPECT_EQ(std::as_const(y).at(t).n, -3);
  EXPECT_EQ(std::as_const(y).at(t).payload, std::vector<int>{4});
  EXPECT_EQ(std::as_const(x).at(t).payload, std::vector<int>{});
  EXPECT_EQ(std::as_const(y).at(NumberedKey("t-", 1000)).payload, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(std::as_const(x).contains(NumberedKey("t-", 501)));
  EXPECT_FALSE(std::as_const(x).contains("new"));
}

TEST(PersistentMapTest, ConstructsFromAListAndLooksUpByStringView) {
  const Map m = {{"b", 2}, {"a", 1}, {"c", 3}, {std::string("a\0z", 3), 4}};
  EXPECT_TRUE(SameContent(m, {{"a", 1}, {std::string("a\0z", 3), 4}, {"b", 2}, {"c", 3}}));
  const std::string buffer = "abc";
  EXPECT_EQ(m.at(std::string_view(buffer).substr(0, 1)), 1);
  EXPECT_EQ(m.at(std::string_view(buffer).substr(1, 1)), 2);
  EXPECT_FALSE(m.contains(std::string_view(buffer).substr(0, 2)));
  EXPECT_EQ(m.at(std::string_view("a\0z", 3)), 4);
  EXPECT_FALSE(m.contains(std::string_view("a\0y", 3)));
  EXPECT_THROW(static_cast<void>(m.at("d")), std::out_of_range);
  Map w = m;
  EXPECT_THROW(w.at("d") = 1, std::out_of_range);
  EXPECT_EQ(w.size(), 4u);
}

// A moved-from map or vector is empty and takes writes again.
TEST(PersistentMapTest, MovedFromIsEmptyAndReusable) {
  Map a = {{"x", 1}, {"y", 2}};
  Map b = std::move(a);
  EXPECT_TRUE(SameContent(b, {{"x", 1}, {"y", 2}}));
  // NOLINTBEGIN(bugprone-use-after-move)
  ASSERT_TRUE(a.empty()) << "size() " << a.size() << " after the move";
  a["z"] = 3;
  EXPECT_TRUE(SameContent(a, {{"z", 3}}));
  Map c;
  c = std::move(b);
  EXPECT_TRUE(SameContent(c, {{"x", 1}, {"y", 2}}));
  ASSERT_TRUE(b.empty()) << "size() " << b.size() << " after the move";
  EXPECT_FALSE(b.contains("x"));
  // NOLINTEND(bugprone-use-after-move)
}

// ---------------------------------------------------------------------------
// PersistentVector.

template <typename T>
testing::AssertionResult SameVector(const PersistentVector<T>& v, const std::vector<T>& e) {
  if (v.size() != e.size()) return testing::AssertionFailure() << "size() " << v.size() << ", expected " << e.size();
  if (v.empty() != e.empty()) return testing::AssertionFailure() << "empty() " << v.empty();
  if (v.end() - v.begin() != static_cast<std::ptrdiff_t>(e.size())) {
    return testing::AssertionFailure() << "end() - begin() " << (v.end() - v.begin());
  }
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (!(v[i] == e[i])) return testing::AssertionFailure() << "[" << i << "] = " << v[i] << ", expected " << e[i];
  }
  std::size_t i = 0;
  for (auto it = v.begin(); it != v.end(); ++it, ++i) {
    if (!(*it == e[i])) return testing::AssertionFailure() << "forward item " << i << " = " << *it;
  }
  auto it = v.end();
  for (i = e.size(); i-- > 0;) {
    --it;
    if (!(*it == e[i])) return testing::AssertionFailure() << "--it at " << i << " = " << *it;
  }
  if (it != v.begin()) return testing::AssertionFailure() << "--end() walk does not end on begin()";
  if (!std::equal(std::make_reverse_iterator(v.end()), std::make_reverse_iterator(v.begin()), e.rbegin(),
                  e.rend())) {
    return testing::AssertionFailure() << "reverse_iterator walk";
  }
  if (!e.empty() && (!(v.front() == e.front()) || !(v.back() == e.back()))) {
    return testing::AssertionFailure() << "front() or back()";
  }
  return testing::AssertionSuccess();
}

std::string Item(std::size_t i) {
  std::string item = "item-" + std::to_string(i);
  if (i % 2 == 1) item += "-longer-than-the-small-buffer";
  return item;
}

TEST(PersistentVectorTest, MatchesStdVectorAndCopiesAreIndependent) {
  // Sizes about chunk boundaries, by push_back and emplace_back.
  for (const std::size_t n : std::array<std::size_t, 6>{0, 1, 63, 64, 65, 1000}) {
    SCOPED_TRACE(n);
    PersistentVector<std::string> v;
    std::vector<std::string> e;
    for (std::size_t i = 0; i < n; ++i) {
      if (i % 3 == 0) {
        v.push_back(Item(i));
      } else {
        const std::string& added = v.emplace_back(Item(i));
        ASSERT_EQ(&added, &v.back());
        ASSERT_EQ(added, Item(i));
      }
      e.push_back(Item(i));
    }
    ASSERT_TRUE(SameVector(v, e));
  }

  // Copies taken at several sizes, then the copies and the original all
  // appended to, alternately (so a shared last chunk is written by both).
  struct Copy {
    PersistentVector<std::string> v;
    std::vector<std::string> e;
  };
  const std::array<std::size_t, 10> copy_at = {0, 1, 2, 63, 64, 65, 127, 128, 129, 1000};
  PersistentVector<std::string> live;
  std::vector<std::string> live_e;
  std::vector<Copy> copies;
  for (std::size_t i = 0; i <= 1000; ++i) {
    if (std::find(copy_at.begin(), copy_at.end(), live.size()) != copy_at.end()) copies.push_back({live, live_e});
    if (i < 1000) {
      live.push_back(Item(i));
      live_e.push_back(Item(i));
    }
  }
  ASSERT_EQ(copies.size(), copy_at.size());
  for (std::size_t k = 0; k < copies.size(); ++k) {
    ASSERT_TRUE(SameVector(copies[k].v, copies[k].e)) << "copy at " << copy_at[k];
    ASSERT_TRUE(copies[k].v == PersistentVector<std::string>(copies[k].e.begin(), copies[k].e.end()));
  }
  Copy copy_of_copy = copies[4];
  for (std::size_t round = 0; round < 130; ++round) {
    for (std::size_t k = 0; k < copies.size(); ++k) {
      if ((round + k) % 2 == 0 || round > 60) {
        const std::string item = "copy-" + std::to_string(k) + "-" + std::to_string(round);
        copies[k].v.emplace_back(item);
        copies[k].e.push_back(item);
      }
    }
    const std::string item = "live-" + std::to_string(round);
    live.push_back(item);
    live_e.push_back(item);
    if (round % 3 == 0) {
      copy_of_copy.v.push_back(item + "-cc");
      copy_of_copy.e.push_back(item + "-cc");
    }
  }
  ASSERT_TRUE(SameVector(live, live_e));
  ASSERT_TRUE(SameVector(copy_of_copy.v, copy_of_copy.e));
  for (std::size_t k = 0; k < copies.size(); ++k) {
    ASSERT_TRUE(SameVector(copies[k].v, copies[k].e)) << "copy at " << copy_at[k];
  }

  // Unshared, items stay where they are as the vector grows.
  {
    PersistentVector<int> v;
    const int* first = &v.emplace_back(7);
    for (int i = 0; i < 100; ++i) v.push_back(i);
    const int* seventieth = &v[70];
    for (int i = 0; i < 100; ++i) v.push_back(i);
    EXPECT_EQ(first, &v[0]);
    EXPECT_EQ(seventieth, &v[70]);
    EXPECT_EQ(*first, 7);
  }

  // erase_value: every equal item, the copies untouched.
  {
    std::vector<int> e;
    for (int i = 0; i < 300; ++i) e.push_back(i % 7);
    const std::vector<int> original = e;
    PersistentVector<int> v(e.begin(), e.end());
    const PersistentVector<int> kept = v;
    EXPECT_EQ(v.erase_value(3), static_cast<std::size_t>(std::count(e.begin(), e.end(), 3)));
    std::erase(e, 3);
    EXPECT_TRUE(SameVector(v, e));
    EXPECT_TRUE(SameVector(kept, original));
    EXPECT_EQ(v.erase_value(42), 0u);
    EXPECT_TRUE(SameVector(v, e));
    v.push_back(3);
    e.push_back(3);
    EXPECT_TRUE(SameVector(v, e));
    EXPECT_EQ(v.erase_value(3), 1u);
    e.pop_back();
    EXPECT_TRUE(SameVector(v, e));

    PersistentVector<int> same;
    for (int i = 0; i < 100; ++i) same.push_back(5);
    const PersistentVector<int> same_kept = same;
    EXPECT_EQ(same.erase_value(5), 100u);
    EXPECT_TRUE(same.empty());
    EXPECT_TRUE(same.begin() == same.end());
    same.push_back(6);
    EXPECT_TRUE(SameVector(same, std::vector<int>{6}));
    EXPECT_TRUE(SameVector(same_kept, std::vector<int>(100, 5)));

    PersistentVector<std::string> words = {"a", "b", "a", "c"};
    EXPECT_EQ(words.erase_value("a"), 2u);
    EXPECT_TRUE(SameVector(words, std::vector<std::string>{"b", "c"}));
  }

  // The random-access iterator, with the standard algorithms.
  {
    PersistentVector<int> sorted;
    std::vector<int> e;
    for (int i = 0; i < 500; ++i) {
      sorted.push_back(2 * i);
      e.push_back(2 * i);
    }
    const auto pp = std::partition_point(sorted.begin(), sorted.end(), [](int x) { return x < 301; });
    EXPECT_EQ(pp - sorted.begin(), 151);
    EXPECT_EQ(*pp, 302);
    EXPECT_TRUE(std::partition_point(sorted.begin(), sorted.end(), [](int) { return true; }) == sorted.end());
    EXPECT_TRUE(std::partition_point(sorted.begin(), sorted.end(), [](int) { return false; }) == sorted.begin());
    EXPECT_EQ(std::lower_bound(sorted.begin(), sorted.end(), 600) - sorted.begin(), 300);
    EXPECT_TRUE(std::binary_search(sorted.begin(), sorted.end(), 998));
    EXPECT_FALSE(std::binary_search(sorted.begin(), sorted.end(), 999));
    EXPECT_TRUE(std::ranges::equal(sorted, e));
    EXPECT_EQ(std::distance(sorted.begin(), sorted.end()), 500);

    auto it = sorted.begin() + 130;
    EXPECT_EQ(*it, 260);
    EXPECT_EQ(it[-70], 120);
    EXPECT_EQ(it[5], 270);
    EXPECT_EQ(*(2 + it), 264);
    EXPECT_EQ(*(it - 2), 256);
    EXPECT_EQ(*it++, 260);
    EXPECT_EQ(*it--, 262);
    EXPECT_EQ(*it, 260);
    it += 64;
    EXPECT_EQ(*it, 388);
    it -= 128;
    EXPECT_EQ(*it, 132);
    EXPECT_TRUE(sorted.begin() < it);
    EXPECT_TRUE(it <= it);
    EXPECT_TRUE(sorted.end() > it);
    EXPECT_TRUE((it <=> sorted.begin() + 66) == 0);
    EXPECT_EQ(*std::prev(sorted.end()), 998);
    EXPECT_EQ(*std::next(sorted.begin(), 64), 128);
    EXPECT_EQ(it.operator->(), &sorted[66]);
  }

  // Constructors, equality, clear().
  {
    const PersistentVector<std::string> listed = {"x", "y", "z"};
    EXPECT_TRUE(SameVector(listed, std::vector<std::string>{"x", "y", "z"}));
    const std::list<int> numbers = {3, 1, 4, 1, 5};
    const PersistentVector<int> from_list(numbers.begin(), numbers.end());
    EXPECT_TRUE(SameVector(from_list, std::vector<int>{3, 1, 4, 1, 5}));
    std::vector<int> many(200);
    std::iota(many.begin(), many.end(), 0);
    const PersistentVector<int> from_vector(many.begin(), many.end());
    EXPECT_TRUE(SameVector(from_vector, many));
    const PersistentVector<int> from_range(from_vector.begin() + 10, from_vector.begin() + 150);
    EXPECT_TRUE(SameVector(from_range, std::vector<int>(many.begin() + 10, many.begin() + 150)));
    const PersistentVector<int> from_nothing(many.begin(), many.begin());
    EXPECT_TRUE(from_nothing.empty());

    EXPECT_TRUE(PersistentVector<int>() == PersistentVector<int>());
    EXPECT_TRUE(from_vector == PersistentVector<int>(many.begin(), many.end()));
    PersistentVector<int> copy = from_vector;
    EXPECT_TRUE(copy == from_vector);
    copy.push_back(200);
    EXPECT_FALSE(copy == from_vector);
    PersistentVector<int> other_last(many.begin(), many.end() - 1);
    other_last.push_back(-1);
    EXPECT_EQ(other_last.size(), from_vector.size());
    EXPECT_FALSE(other_last == from_vector);
    EXPECT_FALSE(from_list == (PersistentVector<int>{3, 1, 4, 1}));

    copy.clear();
    EXPECT_TRUE(copy.empty());
    EXPECT_TRUE(SameVector(from_vector, many));
    copy.push_back(1);
    EXPECT_TRUE(SameVector(copy, std::vector<int>{1}));
  }
}

TEST(PersistentVectorTest, MovedFromIsEmptyAndReusable) {
  PersistentVector<int> a = {1, 2, 3};
  PersistentVector<int> b = std::move(a);
  EXPECT_TRUE(SameVector(b, std::vector<int>{1, 2, 3}));
  // NOLINTBEGIN(bugprone-use-after-move)
  ASSERT_TRUE(a.empty()) << "size() " << a.size() << " after the move";
  a.push_back(4);
  EXPECT_TRUE(SameVector(a, std::vector<int>{4}));
  // NOLINTEND(bugprone-use-after-move)
}

}  // namespace
}  // namespace vigie::projections
