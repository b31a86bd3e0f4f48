#include "eventstore/storage_layout.h"

namespace vigie::eventstore::layout {

static_assert(kFamilyCount == 10, "update FamilyName and the grammar above");

const char* FamilyName(int family) {
  switch (family) {
    case kDefault: return "default";
    case kLog: return "log";
    case kTree: return "tree";
    case kStreams: return "streams";
    case kHeads: return "heads";
    case kEventIds: return "event_ids";
    case kCommands: return "commands";
    case kRecorded: return "recorded";
    case kOccurred: return "occurred";
    case kCheckpoints: return "checkpoints";
    default: return "";
  }
}

std::optional<int> StoredTreeFloor(std::string_view format) {
  if (format == kFormat) return kStoredTreeFloor;
  if (format == kFormatV1) return 0;
  return std::nullopt;
}

void PutBe64(std::string* out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

std::uint64_t GetBe64(std::string_view bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes[i]);
  return v;
}

std::uint64_t OrderedFromSigned(std::int64_t v) {
  return static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63);
}

std::int64_t SignedFromOrdered(std::uint64_t v) {
  return static_cast<std::int64_t>(v ^ (std::uint64_t{1} << 63));
}

std::string PositionKey(std::uint64_t position) {
  std::string key;
  PutBe64(&key, position);
  return key;
}

std::string TreeKey(int level, std::uint64_t index) {
  std::string key(1, static_cast<char>(level));
  PutBe64(&key, index);
  return key;
}

std::string StreamPrefix(std::string_view stream) {
  std::string key(stream);
  key.push_back('\0');
  return key;
}

std::string StreamKey(std::string_view stream, std::uint64_t version) {
  std::string key = StreamPrefix(stream);
  PutBe64(&key, version);
  return key;
}

std::string HeadValue(std::uint64_t version, std::uint64_t position) {
  std::string value;
  PutBe64(&value, version);
  PutBe64(&value, position);
  return value;
}

std::string TimeKey(std::int64_t time_ns, std::uint64_t position) {
  std::string key;
  PutBe64(&key, OrderedFromSigned(time_ns));
  PutBe64(&key, position);
  return key;
}

std::optional<TimeKeyParts> ParseTimeKey(std::string_view key) {
  if (key.size() != 16) return std::nullopt;
  return TimeKeyParts{SignedFromOrdered(GetBe64(key)), GetBe64(key.substr(8))};
}

}  // namespace vigie::eventstore::layout
