#include "eventstore/merkle_tree.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace vigie::merkle {
namespace {

// ---------------------------------------------------------------------------
// Test helpers, independent of the library: their own hashing (one-shot
// EVP_Digest), a naive RFC 9162 §2.1 reference and recursive verifiers.

Hash Sha256Of(const std::vector<std::uint8_t>& bytes) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Hash out{};
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, sha256, nullptr), 1);
  return out;
}

Hash RefLeaf(const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> input{0x00};
  input.insert(input.end(), data.begin(), data.end());
  return Sha256Of(input);
}

Hash RefNode(const Hash& left, const Hash& right) {
  std::vector<std::uint8_t> input{0x01};
  input.insert(input.end(), left.begin(), left.end());
  input.insert(input.end(), right.begin(), right.end());
  return Sha256Of(input);
}

std::vector<std::uint8_t> Bytes(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

Hash H(std::string_view hex) {
  Result<Hash> hash = FromHex(hex);
  EXPECT_TRUE(hash.has_value()) << hex;
  return hash.value_or(Hash{});
}

// The largest power of two strictly below n (n >= 2).
std::uint64_t SplitOf(std::uint64_t n) { return std::bit_floor(n - 1); }

// MTH, PATH and PROOF written as RFC 9162 §2.1 states them, over a list of
// leaf hashes; MTH is memoised per (begin, end) so that every size up to a
// few hundred stays fast.
class Reference {
 public:
  explicit Reference(std::vector<Hash> leaves)
      : leaves_(std::move(leaves)), memo_((leaves_.size() + 1) * (leaves_.size() + 1)) {}

  Hash Mth(std::uint64_t begin, std::uint64_t end) {
    if (begin == end) return Sha256Of({});
    if (end - begin == 1) return leaves_[begin];
    std::optional<Hash>& memo = memo_[begin * (leaves_.size() + 1) + end];
    if (!memo) {
      const std::uint64_t k = SplitOf(end - begin);
      memo = RefNode(Mth(begin, begin + k), Mth(begin + k, end));
    }
    return *memo;
  }

  // PATH(m, D[n]).
  std::vector<Hash> Path(std::uint64_t m, std::uint64_t n) {
    std::vector<Hash> path;
    AppendPath(m, 0, n, &path);
    return path;
  }

  // PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
  std::vector<Hash> Proof(std::uint64_t m, std::uint64_t n) {
    std::vector<Hash> proof;
    AppendSubproof(m, 0, n, true, &proof);
    return proof;
  }

 private:
  // PATH(m, D[begin:end]) with m relative to begin.
  void AppendPath(std::uint64_t m, std::uint64_t begin, std::uint64_t end, std::vector<Hash>* path) {
    const std::uint64_t n = end - begin;
    if (n == 1) return;
    const std::uint64_t k = SplitOf(n);
    if (m < k) {
      AppendPath(m, begin, begin + k, path);
      path->push_back(Mth(begin + k, end));
    } else {
      AppendPath(m - k, begin + k, end, path);
      path->push_back(Mth(begin, begin + k));
    }
  }

  // SUBPROOF(m, D[begin:end], b) with m relative to begin.
  void AppendSubproof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool b,
                      std::vector<Hash>* proof) {
    const std::uint64_t n = end - begin;
    if (m == n) {
      if (!b) proof->push_back(Mth(begin, end));
      return;
    }
    const std::uint64_t k = SplitOf(n);
    if (m <= k) {
      AppendSubproof(m, begin, begin + k, b, proof);
      proof->push_back(Mth(begin + k, end));
    } else {
      AppendSubproof(m - k, begin + k, end, false, proof);
      proof->push_back(Mth(begin, begin + k));
    }
  }

  std::vector<Hash> leaves_;
  std::vector<std::optional<Hash>> memo_;
};

// Rebuilds the root by walking the PATH recursion top-down: the last path
// element is the sibling at the top split. Refuses a path of the wrong length.
std::optional<Hash> RootFromPath(std::uint64_t m, std::uint64_t n, const Hash& leaf,
                                 std::span<const Hash> path) {
  if (n == 1) return path.empty() ? std::optional<Hash>(leaf) : std::nullopt;
  if (path.empty()) return std::nullopt;
  const std::uint64_t k = SplitOf(n);
  const Hash& sibling = path.back();
  const std::span<const Hash> rest = path.first(path.size() - 1);
  if (m < k) {
    const std::optional<Hash> left = RootFromPath(m, k, leaf, rest);
    return left ? std::optional<Hash>(RefNode(*left, sibling)) : std::nullopt;
  }
  const std::optional<Hash> right = RootFromPath(m - k, n - k, leaf, rest);
  return right ? std::optional<Hash>(RefNode(sibling, *right)) : std::nullopt;
}

bool RefVerifyInclusion(const Hash& leaf, std::uint64_t m, std::uint64_t n,
                        std::span<const Hash> path, const Hash& root) {
  if (m >= n) return false;
  const std::optional<Hash> computed = RootFromPath(m, n, leaf, path);
  return computed && *computed == root;
}

struct RootPair {
  Hash first;
  Hash second;
};

// Walks the SUBPROOF recursion top-down, consuming the proof from its end,
// and returns the roots of the old and new trees it implies.
std::optional<RootPair> RootsFromProof(std::uint64_t m, std::uint64_t n, bool b,
                                       const Hash& first_root, std::span<const Hash>* proof) {
  if (m == n) {
    if (b) return RootPair{first_root, first_root};
    if (proof->empty()) return std::nullopt;
    const Hash whole = proof->back();
    *proof = proof->first(proof->size() - 1);
    return RootPair{whole, whole};
  }
  if (proof->empty()) return std::nullopt;
  const Hash sibling = proof->back();
  *proof = proof->first(proof->size() - 1);
  const std::uint64_t k = SplitOf(n);
  if (m <= k) {
    const std::optional<RootPair> left = RootsFromProof(m, k, b, first_root, proof);
    if (!left) return std::nullopt;
    return RootPair{left->first, RefNode(left->second, sibling)};
  }
  const std::optional<RootPair> right = RootsFromProof(m - k, n - k, false, first_root, proof);
  if (!right) return std::nullopt;
  return RootPair{RefNode(sibling, right->first), RefNode(sibling, right->second)};
}

bool RefVerifyConsistency(std::uint64_t m, std::uint64_t n, const Hash& first_root,
                          const Hash& second_root, std::span<const Hash> proof) {
  if (m == 0 || m >= n) return false;  // only the non-trivial case is modelled
  const std::optional<RootPair> roots = RootsFromProof(m, n, true, first_root, &proof);
  return roots && proof.empty() && roots->first == first_root && roots->second == second_root;
}

// Perfect nodes fed from Frontier::Append. Answers only for nodes inside the
// first `limit` leaves, as a store at that size would, and counts reads.
class MapNodeSource : public NodeSource {
 public:
  void Add(const std::vector<NodeWrite>& writes) {
    for (const NodeWrite& write : writes) {
      const bool inserted = nodes_.emplace(std::make_pair(write.level, write.index), write.hash).second;
      EXPECT_TRUE(inserted) << "node written twice: " << write.level << "/" << write.index;
    }
  }
  void set_limit(std::uint64_t limit) { limit_ = limit; }
  std::size_t size() const { return nodes_.size(); }
  std::uint64_t reads() const { return reads_; }
  void reset_reads() { reads_ = 0; }

  Result<Hash> Node(int level, std::uint64_t index) const override {
    ++reads_;
    if (level < 0 || level > 63 || index >= (limit_ >> level)) {
      return Fail(NotFound("node outside the tree"));
    }
    const auto it = nodes_.find({level, index});
    if (it == nodes_.end()) return Fail(NotFound("node not stored"));
    return it->second;
  }

 private:
  std::map<std::pair<int, std::uint64_t>, Hash> nodes_;
  std::uint64_t limit_ = std::numeric_limits<std::uint64_t>::max();
  mutable std::uint64_t reads_ = 0;
};

// Whether `accepts` refuses every mutation of a good proof: truncated,
// extended, prepended to, or with any one element altered.
template <typename Accepts>
bool RefusesEveryMutation(std::vector<Hash> path, const Hash& filler, Accepts accepts) {
  const std::size_t size = path.size();
  if (size > 0 && accepts(std::span<const Hash>(path).first(size - 1))) return false;
  for (std::size_t i = 0; i < size; ++i) {
    path[i][i % 32] ^= 0x10;
    const bool accepted = accepts(std::span<const Hash>(path));
    path[i][i % 32] ^= 0x10;
    if (accepted) return false;
  }
  path.push_back(filler);
  if (accepts(std::span<const Hash>(path))) return false;
  path.pop_back();
  path.insert(path.begin(), filler);
  return !accepts(std::span<const Hash>(path));
}

// ---------------------------------------------------------------------------
// The RFC 6962 vectors used by Certificate Transparency and
// transparency-dev/merkle.

const std::vector<std::string_view> kLeafData = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

const std::vector<std::string_view> kRoots = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct ProofVector {
  std::uint64_t a;  // leaf index, or first size
  std::uint64_t size;
  std::vector<std::string_view> path;
};

const std::vector<ProofVector> kInclusionVectors = {
    {0, 1, {}},
    {0, 8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5, 8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1, 5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

const std::vector<ProofVector> kConsistencyVectors = {
    {1, 1, {}},
    {1, 8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6, 7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

std::vector<Hash> Hashes(const std::vector<std::string_view>& hex) {
  std::vector<Hash> out;
  for (std::string_view h : hex) out.push_back(H(h));
  return out;
}

class MerkleTreeTest : public ::testing::Test {
 protected:
  // Appends `count` leaves; the leaf hashes of the RFC 6962 vectors first,
  // then HashLeaf of distinct records.
  void Grow(std::uint64_t count) {
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t position = leaves_.size();
      const Hash leaf = position < kLeafData.size()
                            ? HashLeaf(std::span<const std::uint8_t>(Bytes(kLeafData[position])))
                            : HashLeaf("record " + std::to_string(position));
      std::vector<NodeWrite> writes;
      frontier_.Append(leaf, &writes);
      nodes_.Add(writes);
      all_writes_.push_back(std::move(writes));
      leaves_.push_back(leaf);
    }
  }

  Frontier frontier_;
  MapNodeSource nodes_;
  std::vector<Hash> leaves_;
  std::vector<std::vector<NodeWrite>> all_writes_;  // per appended leaf
};

TEST_F(MerkleTreeTest, HashesMatchRfc6962) {
  EXPECT_EQ(ToHex(HashEmpty()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(HashLeaf("")), kRoots[0]);
  EXPECT_EQ(HashLeaf(std::span<const std::uint8_t>()), HashLeaf(std::string_view()));
  const Hash a = HashLeaf("a");
  const Hash b = HashLeaf("b");
  EXPECT_EQ(HashChildren(a, b), RefNode(a, b));
  EXPECT_EQ(HashLeaf("abc"), RefLeaf({'a', 'b', 'c'}));
  const std::vector<std::uint8_t> abc{'a', 'b', 'c'};
  EXPECT_EQ(ToHex(Sha256(abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(MerkleTreeTest, HexRoundTripsAndRefusesMalformed) {
  const Hash hash = H(kRoots[7]);
  EXPECT_EQ(ToHex(hash), kRoots[7]);
  EXPECT_EQ(FromHex("5DC9DA79A70659A9AD559CB701DED9A2AB9D823AAD2F4960CFE370EFF4604328").value(), hash);
  EXPECT_FALSE(FromHex("").has_value());
  EXPECT_FALSE(FromHex(kRoots[7].substr(1)).has_value());
  EXPECT_FALSE(FromHex(std::string(kRoots[7]) + "0").has_value());
  EXPECT_FALSE(FromHex("g" + std::string(kRoots[7].substr(1))).has_value());
  EXPECT_FALSE(FromHex(" " + std::string(kRoots[7].substr(1))).has_value());
  EXPECT_EQ(FromHex("zz").error().code(), StatusCode::kInvalidArgument);
}

TEST_F(MerkleTreeTest, RootsMatchPublishedVectors) {
  EXPECT_EQ(frontier_.Root(), HashEmpty());
  EXPECT_EQ(RootAt(nodes_, 0).value(), HashEmpty());
  for (std::uint64_t size = 1; size <= kRoots.size(); ++size) {
    Grow(1);
    EXPECT_EQ(ToHex(frontier_.Root()), kRoots[size - 1]) << "size " << size;
    nodes_.set_limit(size);
    EXPECT_EQ(ToHex(RootAt(nodes_, size).value()), kRoots[size - 1]) << "size " << size;
  }
}

TEST_F(MerkleTreeTest, InclusionProofsMatchPublishedVectors) {
  Grow(8);
  for (const ProofVector& v : kInclusionVectors) {
    SCOPED_TRACE("index " + std::to_string(v.a) + " size " + std::to_string(v.size));
    nodes_.set_limit(v.size);
    const std::vector<Hash> want = Hashes(v.path);
    EXPECT_EQ(InclusionProof(nodes_, v.a, v.size).value(), want);
    const Hash root = H(kRoots[v.size - 1]);
    EXPECT_TRUE(VerifyInclusion(leaves_[v.a], v.a, v.size, want, root));
    EXPECT_TRUE(RefVerifyInclusion(leaves_[v.a], v.a, v.size, want, root));
    EXPECT_TRUE(RefusesEveryMutation(want, root, [&](std::span<const Hash> bad) {
      return VerifyInclusion(leaves_[v.a], v.a, v.size, bad, root);
    }));
    EXPECT_FALSE(VerifyInclusion(leaves_[v.a], v.a, v.size * 2, want, root));
    EXPECT_FALSE(VerifyInclusion(leaves_[v.a], v.a, v.size / 2, want, root));
    EXPECT_FALSE(VerifyInclusion(leaves_[v.a], v.a + 1, v.size, want, root));
    EXPECT_FALSE(VerifyInclusion(HashLeaf("WrongLeaf"), v.a, v.size, want, root));
    EXPECT_FALSE(VerifyInclusion(leaves_[v.a], v.a, v.size, want, HashEmpty()));
  }
}

TEST_F(MerkleTreeTest, ConsistencyProofsMatchPublishedVectors) {
  Grow(8);
  for (const ProofVector& v : kConsistencyVectors) {
    SCOPED_TRACE("first " + std::to_string(v.a) + " second " + std::to_string(v.size));
    nodes_.set_limit(v.size);
    const std::vector<Hash> want = Hashes(v.path);
    EXPECT_EQ(ConsistencyProof(nodes_, v.a, v.size).value(), want);
    const Hash first_root = H(kRoots[v.a - 1]);
    const Hash second_root = H(kRoots[v.size - 1]);
    EXPECT_TRUE(VerifyConsistency(v.a, v.size, first_root, second_root, want));
    if (want.empty()) continue;
    EXPECT_TRUE(RefVerifyConsistency(v.a, v.size, first_root, second_root, want));
    EXPECT_TRUE(RefusesEveryMutation(want, first_root, [&](std::span<const Hash> bad) {
      return VerifyConsistency(v.a, v.size, first_root, second_root, bad);
    }));
    EXPECT_FALSE(VerifyConsistency(v.a, v.size, first_root, second_root, {}));
    EXPECT_FALSE(VerifyConsistency(v.a, v.size, second_root, first_root, want));
    EXPECT_FALSE(VerifyConsistency(v.a, v.size * 2, first_root, second_root, want));
    EXPECT_FALSE(VerifyConsistency(v.a, v.size / 2, first_root, second_root, want));
    EXPECT_FALSE(VerifyConsistency(v.a, v.size, HashLeaf("WrongRoot"), second_root, want));
    EXPECT_FALSE(VerifyConsistency(v.a, v.size, first_root, HashLeaf("WrongRoot"), want));
  }
}

// Frontier writes exactly the perfect nodes, each once, with the right hash.
TEST_F(MerkleTreeTest, FrontierWritesEveryPerfectNodeOnce) {
  constexpr std::uint64_t kSize = 300;
  Grow(kSize);
  Reference reference(leaves_);
  for (std::uint64_t n = 1; n <= kSize; ++n) {
    for (const NodeWrite& write : all_writes_[n - 1]) {
      ASSERT_TRUE(write.level >= 0 && write.level < 64);
      const std::uint64_t begin = write.index << write.level;
      const std::uint64_t end = (write.index + 1) << write.level;
      // A node is written by the leaf that completes it, never earlier.
      EXPECT_EQ(end, n) << write.level << "/" << write.index;
      EXPECT_EQ(write.hash, reference.Mth(begin, end)) << write.level << "/" << write.index;
    }
    EXPECT_EQ(all_writes_[n - 1].front().level, 0);
    EXPECT_EQ(all_writes_[n - 1].front().hash, leaves_[n - 1]);
  }
  EXPECT_EQ(nodes_.size(), 2 * kSize - std::popcount(kSize));
}

TEST_F(MerkleTreeTest, FrontierLoadResumesAnyStoredSize) {
  constexpr std::uint64_t kSize = 130;
  Grow(kSize);
  Reference reference(leaves_);
  for (std::uint64_t n = 0; n < kSize; ++n) {
    nodes_.set_limit(n);
    nodes_.reset_reads();
    Result<Frontier> loaded = Frontier::Load(nodes_, n);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    EXPECT_EQ(nodes_.reads(), static_cast<std::uint64_t>(std::popcount(n)));
    EXPECT_EQ(loaded->size(), n);
    EXPECT_EQ(loaded->Root(), reference.Mth(0, n));
    std::vector<NodeWrite> writes;
    loaded->Append(leaves_[n], &writes);
    ASSERT_EQ(writes.size(), all_writes_[n].size());
    for (std::size_t i = 0; i < writes.size(); ++i) {
      EXPECT_EQ(writes[i].level, all_writes_[n][i].level);
      EXPECT_EQ(writes[i].index, all_writes_[n][i].index);
      EXPECT_EQ(writes[i].hash, all_writes_[n][i].hash);
    }
    EXPECT_EQ(loaded->Root(), reference.Mth(0, n + 1));
  }
}

constexpr std::uint64_t kExhaustiveSizeMax = 300;

// Every size 1..300, every index and every first size, against the naive
// reference, with both verifiers, and within O(log n) node reads.
TEST_F(MerkleTreeTest, ProofsMatchReferenceForEverySizeUpTo300) {
  Grow(kExhaustiveSizeMax);
  Reference reference(leaves_);
  for (std::uint64_t n = 1; n <= kExhaustiveSizeMax; ++n) {
    nodes_.set_limit(n);
    const std::uint64_t reads_max = 3 * std::bit_width(n) + 2;
    const Hash root = reference.Mth(0, n);

    nodes_.reset_reads();
    ASSERT_EQ(RootAt(nodes_, n).value(), root) << "size " << n;
    EXPECT_LE(nodes_.reads(), reads_max);

    for (std::uint64_t m = 0; m < n; ++m) {
      nodes_.reset_reads();
      Result<std::vector<Hash>> path = InclusionProof(nodes_, m, n);
      ASSERT_TRUE(path.has_value()) << path.error().ToString();
      EXPECT_LE(nodes_.reads(), reads_max) << "inclusion " << m << " in " << n;
      ASSERT_EQ(*path, reference.Path(m, n)) << "inclusion " << m << " in " << n;
      ASSERT_TRUE(VerifyInclusion(leaves_[m], m, n, *path, root)) << m << " in " << n;
      ASSERT_TRUE(RefVerifyInclusion(leaves_[m], m, n, *path, root)) << m << " in " << n;
    }

    for (std::uint64_t m = 0; m <= n; ++m) {
      nodes_.reset_reads();
      Result<std::vector<Hash>> proof = ConsistencyProof(nodes_, m, n);
      ASSERT_TRUE(proof.has_value()) << proof.error().ToString();
      EXPECT_LE(nodes_.reads(), reads_max) << "consistency " << m << " to " << n;
      const Hash first_root = reference.Mth(0, m);
      ASSERT_TRUE(VerifyConsistency(m, n, first_root, root, *proof)) << m << " to " << n;
      if (m == 0 || m == n) {
        ASSERT_TRUE(proof->empty());
        continue;
      }
      ASSERT_EQ(*proof, reference.Proof(m, n)) << "consistency " << m << " to " << n;
      ASSERT_TRUE(RefVerifyConsistency(m, n, first_root, root, *proof)) << m << " to " << n;
    }
  }
}

// The same proofs truncated, extended or altered, or checked against the
// wrong leaf, index or root: all refused.
TEST_F(MerkleTreeTest, AlteredProofsAreRefusedForEverySizeUpTo300) {
  Grow(kExhaustiveSizeMax);
  Reference reference(leaves_);
  const Hash filler = HashLeaf("filler");
  for (std::uint64_t n = 1; n <= kExhaustiveSizeMax; ++n) {
    const Hash root = reference.Mth(0, n);
    for (std::uint64_t m = 0; m < n; ++m) {
      const std::vector<Hash> path = reference.Path(m, n);
      ASSERT_TRUE(RefusesEveryMutation(path, filler, [&](std::span<const Hash> bad) {
        return VerifyInclusion(leaves_[m], m, n, bad, root);
      })) << m << " in " << n;
      if ((m ^ 1) < n) {
        ASSERT_FALSE(VerifyInclusion(leaves_[m], m ^ 1, n, path, root)) << m << " in " << n;
      }
      ASSERT_FALSE(VerifyInclusion(filler, m, n, path, root)) << m << " in " << n;
      ASSERT_FALSE(VerifyInclusion(leaves_[m], m, n, path, filler)) << m << " in " << n;
    }
    for (std::uint64_t m = 1; m < n; ++m) {
      const std::vector<Hash> proof = reference.Proof(m, n);
      const Hash first_root = reference.Mth(0, m);
      ASSERT_TRUE(RefusesEveryMutation(proof, filler, [&](std::span<const Hash> bad) {
        return VerifyConsistency(m, n, first_root, root, bad);
      })) << m << " to " << n;
      ASSERT_FALSE(VerifyConsistency(m, n, first_root, root, {})) << m << " to " << n;
      ASSERT_FALSE(VerifyConsistency(m, n, filler, root, proof)) << m << " to " << n;
      ASSERT_FALSE(VerifyConsistency(m, n, first_root, filler, proof)) << m << " to " << n;
      ASSERT_FALSE(VerifyConsistency(m, n, root, first_root, proof)) << m << " to " << n;
    }
  }
}

TEST_F(MerkleTreeTest, ProofRequestsOutsideTheTreeAreRefused) {
  Grow(5);
  nodes_.set_limit(5);
  EXPECT_EQ(InclusionProof(nodes_, 5, 5).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(nodes_, 0, 0).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(nodes_, 4, 3).error().code(), StatusCode::kInvalidArgument);
  // Nodes the store does not have surface as its error, not as a wrong hash.
  EXPECT_EQ(RootAt(nodes_, 6).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(InclusionProof(nodes_, 0, 6).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(ConsistencyProof(nodes_, 3, 6).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(Frontier::Load(nodes_, 6).error().code(), StatusCode::kNotFound);
}

TEST_F(MerkleTreeTest, TrivialConsistencyNeedsAnEmptyProof) {
  Grow(3);
  const Hash root = frontier_.Root();
  EXPECT_TRUE(VerifyConsistency(0, 3, HashEmpty(), root, {}));
  EXPECT_FALSE(VerifyConsistency(0, 3, root, root, {}));
  EXPECT_FALSE(VerifyConsistency(0, 3, HashEmpty(), root, std::vector<Hash>{root}));
  EXPECT_TRUE(VerifyConsistency(3, 3, root, root, {}));
  EXPECT_FALSE(VerifyConsistency(3, 3, root, HashEmpty(), {}));
  EXPECT_FALSE(VerifyConsistency(3, 3, root, root, std::vector<Hash>{root}));
  EXPECT_FALSE(VerifyConsistency(3, 2, root, root, {}));
  EXPECT_TRUE(VerifyConsistency(0, 0, HashEmpty(), HashEmpty(), {}));
}

// Malformed input: extreme sizes, overlong and random proofs. The verifiers
// must answer false, never crash or loop.
TEST_F(MerkleTreeTest, VerifiersRefuseMalformedInputWithoutCrashing) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const Hash h = HashLeaf("x");
  const Hash other = HashLeaf("y");
  const std::vector<Hash> none;
  const std::vector<Hash> long_path(200, h);
  EXPECT_FALSE(VerifyInclusion(h, 0, 0, none, h));
  EXPECT_FALSE(VerifyInclusion(h, kMax, kMax, none, h));
  EXPECT_FALSE(VerifyInclusion(h, kMax - 1, kMax, none, h));
  EXPECT_FALSE(VerifyInclusion(h, kMax - 1, kMax, long_path, h));
  EXPECT_FALSE(VerifyInclusion(h, 0, 1, long_path, h));
  EXPECT_FALSE(VerifyConsistency(kMax, kMax - 1, h, h, none));
  EXPECT_FALSE(VerifyConsistency(kMax - 1, kMax, h, h, none));
  EXPECT_FALSE(VerifyConsistency(kMax - 1, kMax, h, h, long_path));
  EXPECT_FALSE(VerifyConsistency(1, kMax, h, h, long_path));
  EXPECT_FALSE(VerifyConsistency(1ULL << 63, kMax, h, h, long_path));

  std::mt19937_64 random(20240601);  // fixed seed: deterministic
  for (int trial = 0; trial < 20000; ++trial) {
    const int bits = static_cast<int>(random() % 64) + 1;
    const std::uint64_t mask = bits == 64 ? kMax : (std::uint64_t{1} << bits) - 1;
    const std::uint64_t a = random() & mask;
    const std::uint64_t b = random() & mask;
    std::vector<Hash> path(random() % 70);
    for (Hash& p : path) p[0] = static_cast<std::uint8_t>(random());
    EXPECT_FALSE(VerifyInclusion(h, a, b, path, other));
    EXPECT_FALSE(VerifyConsistency(std::min(a, b), std::max(a, b), h, other, path));
  }
}

}  // namespace
}  // namespace vigie::merkle
