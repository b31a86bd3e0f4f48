#pragma once
// Persistent containers: copies share their structure, and a write copies
// only what it changes (path copying), as in Clojure's and Scala's
// persistent collections or immer's.
//
// State keeps its large collections in them, so that a snapshot of the live
// state (state_at.h) is a copy of a few roots, O(1), and an as-of state
// starts from a snapshot without decoding anything. The live fold then pays,
// for each entity it changes after a snapshot, one copy of that entity and
// of the few nodes above it; nodes and entities it does not touch stay
// shared.
//
// - PersistentMap<V>: an ordered map from std::string to V (a B+ tree of
//   fan-out 32) with the part of std::map's interface State's readers and
//   writers use, and transparent lookups by std::string_view. Entries live
//   in boxes of their own, so that copying a node copies pointers, not
//   entities. Iteration is in key order, const only: a writer changes an
//   entry through find / try_emplace / operator[], which give an entry no
//   other copy sees.
// - PersistentVector<T>: an append-mostly sequence in chunks of 64.
//
// Thread safety: like a std::map value. Distinct copies may be read and
// written by distinct threads at the same time: counts are atomic, and a
// writer changes a node in place only when it holds its sole reference
// (checked with acquire ordering, so every other former owner's reads
// happened before). One copy is not for concurrent writes.
#include <algorithm>
#include <array>
#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace vigie::projections {

namespace persistent_internal {

// Bytes of nodes, entries and chunks that writers on this thread copied
// because another copy shared them, and that they created anew (each by
// its object and its vectors' buffers, not counting strings' heap); only
// ever grow. state_at.cc bounds snapshots and cached states with them.
inline thread_local std::uint64_t copied_bytes = 0;
inline thread_local std::uint64_t created_bytes = 0;

// A reference count, started at zero by every construction and copy.
struct Counted {
  Counted() = default;
  Counted(const Counted&) {}
  Counted& operator=(const Counted&) { return *this; }
  mutable std::atomic<std::uint32_t> refs{0};
};

// An owning pointer to a Counted T (boost::intrusive_ptr's discipline).
template <typename T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(T* p) : p_(p) { Retain(); }
  Ref(const Ref& other) : p_(other.p_) { Retain(); }
  Ref(Ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Ref& operator=(Ref other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~Ref() { Release(); }

  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }

  // A new T, counted in created_bytes.
  template <typename... Args>
  static Ref Make(Args&&... args) {
    Ref made(new T(std::forward<Args>(args)...));
    created_bytes += made->Bytes();
    return made;
  }

  // The pointee, writable: copied first when another reference shares it.
  T* Mutable() {
    if (p_->refs.load(std::memory_order_acquire) != 1) {
      *this = Ref(new T(*p_));
      copied_bytes += p_->Bytes();
    }
    return p_;
  }

 private:
  void Retain() {
    if (p_) p_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Release() {
    if (p_ && p_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p_;
  }
  T* p_ = nullptr;
};

}  // namespace persistent_internal

template <typename V>
class PersistentMap {
  struct Box;
  struct Node;
  using BoxRef = persistent_internal::Ref<Box>;
  using NodeRef = persistent_internal::Ref<Node>;
  static constexpr std::size_t kMaxFanOut = 32;
  // Levels an iterator's path holds. A node made by a split holds at least
  // 16 items and nodes are never merged, so a map built by inserts reaches
  // it only past 16^12 entries; Upsert refuses to grow beyond it.
  static constexpr std::size_t kMaxDepth = 14;

 public:
  using key_type = std::string;
  using mapped_type = V;
  using value_type = std::pair<const std::string, V>;
  using size_type = std::size_t;

  // In key order; valid until the map is written.
  class const_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = PersistentMap::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    const_iterator() = default;
    reference operator*() const { return Leaf()->entries[Top().index]->item; }
    pointer operator->() const { return &**this; }
    const_iterator& operator++() {
      if (++Top().index < Top().node->size()) return *this;
      while (depth_ > 0 && Top().index + 1 >= Top().node->size()) --depth_;
      if (depth_ == 0) return *this;
      ++Top().index;
      DescendFirst();
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator was = *this;
      ++*this;
      return was;
    }
    const_iterator& operator--() {
      if (depth_ == 0) {
        Push(root_, 0);
        Top().index = root_->size() - 1;
        DescendLast();
        return *this;
      }
      if (Top().index > 0) {
        --Top().index;
        return *this;
      }
      while (depth_ > 0 && Top().index == 0) --depth_;
      --Top().index;  // depth_ > 0: --begin() is undefined, as for std::map
      DescendLast();
      return *this;
    }
    const_iterator operator--(int) {
      const_iterator was = *this;
      --*this;
      return was;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      if (a.depth_ == 0 || b.depth_ == 0) return a.depth_ == b.depth_;
      return &*a == &*b;
    }

   private:
    friend class PersistentMap;
    struct Frame {
      const Node* node;
      std::size_t index;
    };
    explicit const_iterator(const Node* root) : root_(root) {}
    Frame& Top() { return path_[depth_ - 1]; }
    const Frame& Top() const { return path_[depth_ - 1]; }
    const Node* Leaf() const { return Top().node; }
    void Push(const Node* node, std::size_t index) { path_[depth_++] = {node, index}; }
    void DescendFirst() {
      while (!Top().node->leaf) Push(Top().node->children[Top().index].get(), 0);
    }
    void DescendLast() {
      while (!Top().node->leaf) {
        const Node* child = Top().node->children[Top().index].get();
        Push(child, child->size() - 1);
      }
    }

    const Node* root_ = nullptr;
    std::array<Frame, kMaxDepth> path_{};
    std::size_t depth_ = 0;  // 0: end()
  };

  // An entry no other copy of the map sees, to write through. Not an
  // iterator over the map: compare it with end(), read and write it.
  class iterator {
   public:
    iterator() = default;
    value_type& operator*() const { return *item_; }
    value_type* operator->() const { return item_; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.item_ == b.item_; }
    friend bool operator==(const iterator& a, const const_iterator& b) {
      return b == const_iterator() ? a.item_ == nullptr : a.item_ == &*b;
    }

   private:
    friend class PersistentMap;
    explicit iterator(value_type* item) : item_(item) {}
    value_type* item_ = nullptr;
  };

  PersistentMap() = default;
  PersistentMap(const PersistentMap&) = default;
  PersistentMap(PersistentMap&& other) noexcept
      : root_(std::move(other.root_)),
        size_(std::exchange(other.size_, 0)),
        height_(std::exchange(other.height_, 0)) {}
  PersistentMap& operator=(const PersistentMap&) = default;
  PersistentMap& operator=(PersistentMap&& other) noexcept {
    if (this != &other) {
      root_ = std::move(other.root_);
      size_ = std::exchange(other.size_, 0);
      height_ = std::exchange(other.height_, 0);
    }
    return *this;
  }
  // A key given twice keeps its first value, as std::map's does.
  PersistentMap(std::initializer_list<value_type> items) {
    for (const value_type& item : items) try_emplace(item.first, item.second);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  const_iterator begin() const {
    const_iterator it(root_.get());
    if (size_ == 0) return it;
    it.Push(root_.get(), 0);
    it.DescendFirst();
    return it;
  }
  const_iterator end() const { return const_iterator(root_.get()); }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  std::reverse_iterator<const_iterator> rbegin() const { return std::reverse_iterator(end()); }
  std::reverse_iterator<const_iterator> rend() const { return std::reverse_iterator(begin()); }

  // The first entry whose key is not less than `key`.
  const_iterator lower_bound(std::string_view key) const {
    const_iterator it(root_.get());
    if (size_ == 0) return it;
    const Node* node = root_.get();
    while (!node->leaf) {
      const std::size_t c = ChildFor(*node, key);
      it.Push(node, c);
      node = node->children[c].get();
    }
    it.Push(node, LowerIn(*node, key));
    if (it.Top().index == node->size()) {
      // Past this leaf: the next entry, if any, starts the next leaf.
      --it.Top().index;
      ++it;
    }
    return it;
  }
  const_iterator upper_bound(std::string_view key) const {
    const_iterator it = lower_bound(key);
    if (it != end() && it->first == key) ++it;
    return it;
  }
  const_iterator find(std::string_view key) const {
    const_iterator it = lower_bound(key);
    return it != end() && it->first == key ? it : end();
  }
  bool contains(std::string_view key) const { return Get(key) != nullptr; }
  std::size_t count(std::string_view key) const { return contains(key) ? 1 : 0; }
  const V& at(std::string_view key) const {
    const value_type* item = Get(key);
    if (!item) throw std::out_of_range("PersistentMap::at: no such key");
    return item->second;
  }

  // Writes: each makes the path to its entry, and the entry, this copy's own.
  iterator end() { return iterator(); }
  iterator find(std::string_view key) {
    if (size_ == 0) return iterator();
    // One descent: a miss may have made the path this copy's own, which
    // only costs when it was shared.
    Node* node = root_.Mutable();
    while (!node->leaf) node = node->children[ChildFor(*node, key)].Mutable();
    const std::size_t i = LowerIn(*node, key);
    if (i == node->entries.size() || node->entries[i]->item.first != key) return iterator();
    return iterator(&node->entries[i].Mutable()->item);
  }
  V& at(std::string_view key) {
    iterator it = find(key);
    if (it == end()) throw std::out_of_range("PersistentMap::at: no such key");
    return it->second;
  }
  template <typename... Args>
  std::pair<iterator, bool> try_emplace(std::string key, Args&&... args) {
    bool inserted = false;
    value_type* item = Upsert(std::move(key), inserted, [&](std::string&& k) {
      return BoxRef::Make(std::piecewise_construct, std::forward_as_tuple(std::move(k)),
                     std::forward_as_tuple(std::forward<Args>(args)...));
    });
    return {iterator(item), inserted};
  }
  template <typename M>
  std::pair<iterator, bool> insert_or_assign(std::string key, M&& value) {
    auto [it, inserted] = try_emplace(std::move(key), std::forward<M>(value));
    if (!inserted) it->second = std::forward<M>(value);
    return {it, inserted};
  }
  std::pair<iterator, bool> emplace(std::string key, V value) {
    return try_emplace(std::move(key), std::move(value));
  }
  V& operator[](std::string_view key) { return try_emplace(std::string(key)).first->second; }

  std::size_t erase(std::string_view key) {
    if (!Get(key)) return 0;
    EraseBelow(*root_.Mutable(), key);
    if (--size_ == 0) clear();
    return 1;
  }
  void clear() {
    root_ = NodeRef();
    size_ = 0;
    height_ = 0;
  }

  friend bool operator==(const PersistentMap& a, const PersistentMap& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  struct Box : persistent_internal::Counted {
    template <typename... Args>
    explicit Box(std::piecewise_construct_t, Args&&... args)
        : item(std::piecewise_construct, std::forward<Args>(args)...) {}
    value_type item;
    std::size_t Bytes() const { return sizeof(Box); }
  };
  // A leaf holds entries; an inner node its children and, in keys[i] for
  // i > 0, the least key under children[i] (keys[0] is not used).
  struct Node : persistent_internal::Counted {
    explicit Node(bool is_leaf) : leaf(is_leaf) {
      if (leaf) {
        entries.reserve(kMaxFanOut + 1);
      } else {
        keys.reserve(kMaxFanOut + 1);
        children.reserve(kMaxFanOut + 1);
      }
    }
    bool leaf;
    std::vector<BoxRef> entries;
    std::vector<std::string> keys;
    std::vector<NodeRef> children;
    std::size_t size() const { return leaf ? entries.size() : children.size(); }
    std::size_t Bytes() const {
      return sizeof(Node) + entries.capacity() * sizeof(BoxRef) + keys.capacity() * sizeof(std::string) +
             children.capacity() * sizeof(NodeRef);
    }
  };

  static std::size_t LowerIn(const Node& leaf, std::string_view key) {
    auto it = std::partition_point(leaf.entries.begin(), leaf.entries.end(),
                                   [&](const BoxRef& b) { return std::string_view(b->item.first) < key; });
    return static_cast<std::size_t>(it - leaf.entries.begin());
  }
  // The child whose range holds `key`.
  static std::size_t ChildFor(const Node& inner, std::string_view key) {
    auto it = std::partition_point(inner.keys.begin() + 1, inner.keys.end(),
                                   [&](const std::string& k) { return std::string_view(k) <= key; });
    return static_cast<std::size_t>(it - inner.keys.begin()) - 1;
  }

  const value_type* Get(std::string_view key) const {
    if (size_ == 0) return nullptr;
    const Node* node = root_.get();
    while (!node->leaf) node = node->children[ChildFor(*node, key)].get();
    const std::size_t i = LowerIn(*node, key);
    if (i == node->entries.size() || node->entries[i]->item.first != key) return nullptr;
    return &node->entries[i]->item;
  }

  // A node split off `node` (which overflowed), and the least key under it.
  struct Split {
    NodeRef right;
    std::string least;
  };

  template <typename Make>
  value_type* Upsert(std::string&& key, bool& inserted, Make make) {
    if (!root_) {
      root_ = NodeRef::Make(true);
      height_ = 1;
    }
    // A full root may split: one level more, which the iterators must hold.
    if (height_ == kMaxDepth && root_->size() == kMaxFanOut) {
      throw std::length_error("PersistentMap: too deep (erased from too much between inserts)");
    }
    Split split;
    value_type* item = UpsertBelow(*root_.Mutable(), std::move(key), inserted, make, split);
    if (split.right) {
      NodeRef root = NodeRef::Make(false);
      root->keys.push_back(std::string());
      root->keys.push_back(std::move(split.least));
      root->children.push_back(std::move(root_));
      root->children.push_back(std::move(split.right));
      root_ = std::move(root);
      ++height_;
    }
    if (inserted) ++size_;
    return item;
  }

  template <typename Make>
  static value_type* UpsertBelow(Node& node, std::string&& key, bool& inserted, Make& make, Split& split) {
    if (node.leaf) {
      const std::size_t i = LowerIn(node, key);
      if (i < node.entries.size() && node.entries[i]->item.first == key) {
        return &node.entries[i].Mutable()->item;
      }
      inserted = true;
      node.entries.insert(node.entries.begin() + static_cast<std::ptrdiff_t>(i), make(std::move(key)));
      value_type* item = &node.entries[i]->item;
      if (node.entries.size() > kMaxFanOut) {
        split.right = NodeRef::Make(true);
        MoveHalf(node.entries, split.right->entries);
        split.least = split.right->entries.front()->item.first;
      }
      return item;
    }
    const std::size_t c = ChildFor(node, key);
    Split below;
    value_type* item = UpsertBelow(*node.children[c].Mutable(), std::move(key), inserted, make, below);
    if (below.right) {
      node.keys.insert(node.keys.begin() + static_cast<std::ptrdiff_t>(c + 1), std::move(below.least));
      node.children.insert(node.children.begin() + static_cast<std::ptrdiff_t>(c + 1), std::move(below.right));
      if (node.children.size() > kMaxFanOut) {
        split.right = NodeRef::Make(false);
        MoveHalf(node.keys, split.right->keys);
        MoveHalf(node.children, split.right->children);
        split.least = split.right->keys.front();
      }
    }
    return item;
  }

  template <typename T>
  static void MoveHalf(std::vector<T>& from, std::vector<T>& to) {
    const auto half = from.begin() + static_cast<std::ptrdiff_t>(from.size() / 2);
    to.assign(std::make_move_iterator(half), std::make_move_iterator(from.end()));
    from.erase(half, from.end());
  }

  // Removes `key` (present) below `node`; nodes left empty are removed from
  // their parents. Nodes are not merged: a map only shrinks in tests and
  // tools, never in a fold.
  static void EraseBelow(Node& node, std::string_view key) {
    if (node.leaf) {
      node.entries.erase(node.entries.begin() + static_cast<std::ptrdiff_t>(LowerIn(node, key)));
      return;
    }
    const std::size_t c = ChildFor(node, key);
    Node& child = *node.children[c].Mutable();
    EraseBelow(child, key);
    if (child.size() == 0) {
      node.children.erase(node.children.begin() + static_cast<std::ptrdiff_t>(c));
      node.keys.erase(node.keys.begin() + static_cast<std::ptrdiff_t>(c));
    }
  }

  NodeRef root_;
  std::size_t size_ = 0;
  std::size_t height_ = 0;  // levels from the root to the leaves
};

// A sequence that copies share, in chunks of 64: push_back after a copy
// copies the chunk list (a pointer per 64 items) and the last chunk only.
template <typename T>
class PersistentVector {
  static constexpr std::size_t kChunk = 64;
  struct Chunk : persistent_internal::Counted {
    Chunk() { items.reserve(kChunk); }
    std::vector<T> items;
    std::size_t Bytes() const { return sizeof(Chunk) + items.capacity() * sizeof(T); }
  };
  using ChunkRef = persistent_internal::Ref<Chunk>;
  struct Spine : persistent_internal::Counted {
    std::vector<ChunkRef> chunks;
    std::size_t Bytes() const { return sizeof(Spine) + chunks.capacity() * sizeof(ChunkRef); }
  };
  using SpineRef = persistent_internal::Ref<Spine>;

 public:
  using value_type = T;
  using size_type = std::size_t;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    const_iterator() = default;
    reference operator*() const { return (*v_)[i_]; }
    pointer operator->() const { return &(*v_)[i_]; }
    reference operator[](difference_type n) const { return (*v_)[i_ + static_cast<std::size_t>(n)]; }
    const_iterator& operator++() { return ++i_, *this; }
    const_iterator operator++(int) { return {v_, i_++}; }
    const_iterator& operator--() { return --i_, *this; }
    const_iterator operator--(int) { return {v_, i_--}; }
    const_iterator& operator+=(difference_type n) { return i_ += static_cast<std::size_t>(n), *this; }
    const_iterator& operator-=(difference_type n) { return i_ -= static_cast<std::size_t>(n), *this; }
    friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
    friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
    friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.i_ == b.i_; }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.i_ <=> b.i_; }

   private:
    friend class PersistentVector;
    const_iterator(const PersistentVector* v, std::size_t i) : v_(v), i_(i) {}
    const PersistentVector* v_ = nullptr;
    std::size_t i_ = 0;
  };
  using iterator = const_iterator;

  PersistentVector() = default;
  PersistentVector(const PersistentVector&) = default;
  PersistentVector(PersistentVector&& other) noexcept
      : spine_(std::move(other.spine_)), size_(std::exchange(other.size_, 0)) {}
  PersistentVector& operator=(const PersistentVector&) = default;
  PersistentVector& operator=(PersistentVector&& other) noexcept {
    if (this != &other) {
      spine_ = std::move(other.spine_);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  PersistentVector(std::initializer_list<T> items) {
    for (const T& item : items) push_back(item);
  }
  template <typename It>
  PersistentVector(It first, It last) {
    for (; first != last; ++first) push_back(*first);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return size_; }
  const T& operator[](std::size_t i) const { return spine_->chunks[i / kChunk]->items[i % kChunk]; }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[size_ - 1]; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

  void reserve(std::size_t) {}
  void push_back(T item) { emplace_back(std::move(item)); }
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (!spine_) spine_ = SpineRef::Make();
    Spine& spine = *spine_.Mutable();
    if (size_ % kChunk == 0) {
      spine.chunks.push_back(ChunkRef::Make());
    }
    Chunk& last = *spine.chunks.back().Mutable();
    last.items.reserve(kChunk);  // a copy has only its size: items never move
    ++size_;
    return last.items.emplace_back(std::forward<Args>(args)...);
  }
  // Removes every item equal to `value` (std::erase); rebuilds the copy.
  template <typename U>
  std::size_t erase_value(const U& value) {
    PersistentVector kept;
    for (const T& item : *this) {
      if (!(item == value)) kept.push_back(item);
    }
    const std::size_t removed = size_ - kept.size_;
    if (removed > 0) *this = std::move(kept);
    return removed;
  }
  void clear() {
    spine_ = SpineRef();
    size_ = 0;
  }

  friend bool operator==(const PersistentVector& a, const PersistentVector& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  SpineRef spine_;
  std::size_t size_ = 0;
};

}  // namespace vigie::projections
