#pragma once
// The RFC 9162 (Certificate Transparency v2) Merkle tree over the log.
//
//   leaf hash  = SHA-256(0x00 || record bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//
// The tree is stored as its *perfect* subtrees: node (level, index) covers
// leaves [index << level, (index + 1) << level) and is written once, in the
// same write batch as the record that completes it. Level 0 holds the leaf
// hashes. The root of any size n, an inclusion proof and a consistency proof
// each read O(log n) perfect nodes: an incomplete right-edge subtree is the
// fold of at most log n perfect ones.
//
// Everything here is pure computation over a NodeSource; nothing is
// thread-safe beyond what the NodeSource provides.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/status.h"

namespace vigie::merkle {

using Hash = std::array<std::uint8_t, 32>;

Hash Sha256(std::span<const std::uint8_t> bytes);
Hash HashEmpty();
Hash HashLeaf(std::span<const std::uint8_t> record_bytes);
Hash HashLeaf(std::string_view record_bytes);
Hash HashChildren(const Hash& left, const Hash& right);

std::string ToHex(const Hash& hash);
Result<Hash> FromHex(std::string_view hex);

// Read access to stored perfect nodes. Node(level, index) must exist for
// every perfect subtree inside the tree the caller asks about.
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  virtual Result<Hash> Node(int level, std::uint64_t index) const = 0;
};

// One perfect node to persist.
struct NodeWrite {
  int level = 0;
  std::uint64_t index = 0;
  Hash hash{};
};

// The right edge of a tree of `size` leaves: the roots of its perfect
// subtrees, largest first (one per set bit of size). Appending a leaf yields
// the perfect nodes it completes, to be written with the record.
class Frontier {
 public:
  Frontier() = default;
  // Rebuilds the frontier of a stored tree of `size` leaves (O(log n) reads).
  static Result<Frontier> Load(const NodeSource& nodes, std::uint64_t size);

  // Appends one leaf. Adds to *writes the leaf node (level 0) and every
  // perfect node the leaf completes.
  void Append(const Hash& leaf_hash, std::vector<NodeWrite>* writes);

  std::uint64_t size() const { return size_; }
  Hash Root() const;  // MTH of the current size

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> peaks_;  // roots of the perfect subtrees, largest first
};

// MTH of the first `size` leaves.
Result<Hash> RootAt(const NodeSource& nodes, std::uint64_t size);

// RFC 9162 §2.1.3 inclusion path of leaf `index` in the tree of `size`.
Result<std::vector<Hash>> InclusionProof(const NodeSource& nodes,
                                         std::uint64_t index,
                                         std::uint64_t size);

// RFC 9162 §2.1.4 consistency path between sizes first <= second.
Result<std::vector<Hash>> ConsistencyProof(const NodeSource& nodes,
                                           std::uint64_t first,
                                           std::uint64_t second);

// Verifiers (RFC 9162 §2.1.3.2 and §2.1.4.2). Return false on any mismatch
// or malformed proof, never crash.
bool VerifyInclusion(const Hash& leaf_hash, std::uint64_t index,
                     std::uint64_t size, std::span<const Hash> path,
                     const Hash& root);
bool VerifyConsistency(std::uint64_t first, std::uint64_t second,
                       const Hash& first_root, const Hash& second_root,
                       std::span<const Hash> path);

}  // namespace vigie::merkle
