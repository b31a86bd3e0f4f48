// fuzz_proof: Merkle proofs (eventstore/merkle_tree.h).
//
// Three checks per input (FuzzedDataProvider):
// - the verifiers on arbitrary sizes, indices, paths and roots, which must
//   answer (true or false) without crashing or looping, whatever the
//   numbers: a client sends them;
// - proofs of a real tree of kLeaves leaves, built once with Frontier: for
//   fuzzed index <= size and first <= second, the root from stored nodes
//   must equal a naive RFC 9162 MTH, every proof must verify, and a
//   flipped bit, a cut path or another leaf index must not. (A proof
//   checked against a different tree size may verify: RFC 9162 proofs bind
//   the root, and the root binds the size, so that is not checked.)
// - hex parsing: FromHex accepts exactly 64 hex digits, and ToHex gives
//   them back in lower case.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "eventstore/merkle_tree.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using vigie::Result;
using vigie::merkle::Hash;

constexpr std::uint64_t kLeaves = 1024;
constexpr std::size_t kPathMax = 70;  // a proof of a 2^64 tree has at most 64 + 1

class MapNodes : public vigie::merkle::NodeSource {
 public:
  Result<Hash> Node(int level, std::uint64_t index) const override {
    auto it = nodes_.find({level, index});
    if (it == nodes_.end()) return vigie::Fail(vigie::NotFound("no such node"));
    return it->second;
  }
  void Put(const vigie::merkle::NodeWrite& write) { nodes_[{write.level, write.index}] = write.hash; }

 private:
  std::map<std::pair<int, std::uint64_t>, Hash> nodes_;
};

Hash LeafHash(std::uint64_t i) { return vigie::merkle::HashLeaf("leaf " + std::to_string(i)); }

// RFC 9162 §2.1.1 MTH, straight from the definition (memoised: the roots
// of every size share their left subtrees).
using RangeRoots = std::map<std::pair<std::uint64_t, std::uint64_t>, Hash>;
Hash NaiveRoot(const std::vector<Hash>& leaves, std::uint64_t begin, std::uint64_t end, RangeRoots* memo) {
  if (end - begin == 1) return leaves[begin];
  if (auto it = memo->find({begin, end}); it != memo->end()) return it->second;
  const std::uint64_t k = std::bit_floor(end - begin - 1);
  const Hash root = vigie::merkle::HashChildren(NaiveRoot(leaves, begin, begin + k, memo),
                                                NaiveRoot(leaves, begin + k, end, memo));
  (*memo)[{begin, end}] = root;
  return root;
}

struct Tree {
  MapNodes nodes;
  std::vector<Hash> leaves;
  std::vector<Hash> roots;  // roots[n]: MTH of the first n leaves
};

const Tree& TheTree() {
  static const Tree tree = [] {
    Tree t;
    vigie::merkle::Frontier frontier;
    RangeRoots memo;
    t.roots.push_back(vigie::merkle::HashEmpty());
    for (std::uint64_t i = 0; i < kLeaves; ++i) {
      t.leaves.push_back(LeafHash(i));
      std::vector<vigie::merkle::NodeWrite> writes;
      frontier.Append(t.leaves.back(), &writes);
      for (const auto& write : writes) t.nodes.Put(write);
      t.roots.push_back(NaiveRoot(t.leaves, 0, i + 1, &memo));
      FUZZ_CHECK(frontier.Root() == t.roots.back(), "Frontier::Root differs from MTH");
    }
    return t;
  }();
  return tree;
}

Hash ConsumeHash(FuzzedDataProvider& input) {
  Hash hash{};
  for (std::uint8_t& byte : hash) byte = input.ConsumeIntegral<std::uint8_t>();
  return hash;
}

// Small sizes are where the edge cases are; huge ones test overflow.
std::uint64_t ConsumeSize(FuzzedDataProvider& input) {
  switch (input.ConsumeIntegralInRange(0, 3)) {
    case 0: return input.ConsumeIntegralInRange<std::uint64_t>(0, 20);
    case 1: return input.ConsumeIntegralInRange<std::uint64_t>(0, 5000);
    case 2: return ~std::uint64_t{0} - input.ConsumeIntegralInRange<std::uint64_t>(0, 20);
    default: return input.ConsumeIntegral<std::uint64_t>();
  }
}

void ArbitraryProofs(FuzzedDataProvider& input) {
  const std::uint64_t index = ConsumeSize(input);
  const std::uint64_t size = ConsumeSize(input);
  const Hash leaf = ConsumeHash(input);
  const Hash root = ConsumeHash(input);
  const Hash other_root = ConsumeHash(input);
  std::vector<Hash> path(input.ConsumeIntegralInRange<std::size_t>(0, kPathMax));
  for (Hash& hash : path) hash = ConsumeHash(input);
  (void)vigie::merkle::VerifyInclusion(leaf, index, size, path, root);
  (void)vigie::merkle::VerifyConsistency(index, size, root, other_root, path);
}

void RealProofs(FuzzedDataProvider& input) {
  const Tree& tree = TheTree();
  const std::uint64_t size = input.ConsumeIntegralInRange<std::uint64_t>(0, kLeaves);
  const std::uint64_t first = input.ConsumeIntegralInRange<std::uint64_t>(0, size);
  const std::uint64_t index = input.ConsumeIntegralInRange<std::uint64_t>(0, kLeaves);
  const std::size_t flip_bit = input.ConsumeIntegral<std::uint16_t>();

  auto root = vigie::merkle::RootAt(tree.nodes, size);
  FUZZ_CHECK(root && *root == tree.roots[size], "RootAt differs from MTH at size " + std::to_string(size));

  auto inclusion = vigie::merkle::InclusionProof(tree.nodes, index, size);
  FUZZ_CHECK(inclusion.has_value() == (index < size), "InclusionProof accepts exactly index < size");
  if (inclusion) {
    std::vector<Hash> path = *inclusion;
    const Hash& leaf = tree.leaves[index];
    FUZZ_CHECK(vigie::merkle::VerifyInclusion(leaf, index, size, path, *root), "a true inclusion proof fails");
    if (index + 1 < size) {
      FUZZ_CHECK(!vigie::merkle::VerifyInclusion(leaf, index + 1, size, path, *root), "wrong index verifies");
    }
    if (!path.empty()) {
      path[(flip_bit / 256) % path.size()][(flip_bit / 8) % 32] ^= std::uint8_t(1u << (flip_bit % 8));
      FUZZ_CHECK(!vigie::merkle::VerifyInclusion(leaf, index, size, path, *root), "a flipped bit verifies");
      path.pop_back();
      FUZZ_CHECK(!vigie::merkle::VerifyInclusion(leaf, index, size, path, *root), "a cut path verifies");
    }
  }

  auto consistency = vigie::merkle::ConsistencyProof(tree.nodes, first, size);
  FUZZ_CHECK(consistency.has_value(), "ConsistencyProof refuses first <= second");
  std::vector<Hash> path = *consistency;
  const Hash& first_root = tree.roots[first];
  FUZZ_CHECK(vigie::merkle::VerifyConsistency(first, size, first_root, *root, path),
             "a true consistency proof fails: " + std::to_string(first) + " -> " + std::to_string(size));
  if (!path.empty()) {
    path[(flip_bit / 256) % path.size()][(flip_bit / 8) % 32] ^= std::uint8_t(1u << (flip_bit % 8));
    FUZZ_CHECK(!vigie::merkle::VerifyConsistency(first, size, first_root, *root, path), "a flipped bit verifies");
    path.pop_back();
    FUZZ_CHECK(!vigie::merkle::VerifyConsistency(first, size, first_root, *root, path), "a cut path verifies");
  }
  auto backwards = vigie::merkle::ConsistencyProof(tree.nodes, size + 1, size);
  FUZZ_CHECK(!backwards, "ConsistencyProof accepts first > second");
}

void Hex(const std::string& text) {
  auto hash = vigie::merkle::FromHex(text);
  const bool hex = text.size() == 64 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
                     return std::isxdigit(c) != 0;
                   });
  FUZZ_CHECK(hash.has_value() == hex, "FromHex must accept exactly 64 hex digits");
  if (!hash) return;
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  FUZZ_CHECK(vigie::merkle::ToHex(*hash) == lower, "ToHex(FromHex(x)) must be x in lower case");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  ArbitraryProofs(input);
  RealProofs(input);
  Hex(input.ConsumeRemainingBytesAsString());
  return 0;
}
