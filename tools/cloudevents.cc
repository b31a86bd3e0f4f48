#include "tools/cloudevents.h"

#include <array>
#include <set>

#include <boost/json.hpp>

#include "eventstore/merkle_tree.h"
#include "eventstore/record_codec.h"
#include "eventstore/signed_note.h"
#include "projections/event_ids.h"
#include "projections/event_json.h"
#include "projections/rfc3339.h"

// For functions returning Result<T>: fail with the check's Status.
#define CHECK_ATTRIBUTE(expr)                                      \
  do {                                                             \
    ::vigie::Status check_status_ = (expr);                        \
    if (!check_status_.ok()) return ::vigie::Fail(check_status_);  \
  } while (0)

namespace vigie::tools {
namespace {

constexpr std::string_view kSpecVersion = "1.0";
constexpr std::string_view kContentType = "application/json";

const std::set<std::string_view>& Attributes() {
  static const auto* names = new std::set<std::string_view>{
      "specversion", "id",          "source",         "type",          "time",       "datacontenttype",
      "data",        "vigieposition", "vigierecordedat", "vigieleafhash", "vigierecord"};
  return *names;
}

Result<std::string_view> StringAttribute(const boost::json::object& event, std::string_view name) {
  const boost::json::value* v = event.if_contains(name);
  if (!v) return Fail(InvalidArgument("attribute '" + std::string(name) + "' is missing"));
  if (!v->is_string()) return Fail(InvalidArgument("attribute '" + std::string(name) + "' must be a string"));
  return std::string_view(v->get_string());
}

// `name` must hold `expected` (derived from the record).
Status Matches(const boost::json::object& event, std::string_view name, std::string_view expected) {
  auto value = StringAttribute(event, name);
  if (!value) return value.error();
  if (*value != expected) {
    return InvalidArgument("attribute '" + std::string(name) + "' does not match the record (the record says '" +
                           std::string(expected.substr(0, 200)) + "')");
  }
  return Status::Ok();
}

// A time attribute must name the record's instant (any RFC 3339 spelling).
Status SameTime(const boost::json::object& event, std::string_view name, std::int64_t expected_ns) {
  auto value = StringAttribute(event, name);
  if (!value) return value.error();
  auto parsed = projections::ParseRfc3339(*value);
  if (!parsed) return InvalidArgument("attribute '" + std::string(name) + "' " + parsed.error().message());
  if (*parsed != expected_ns) {
    return InvalidArgument("attribute '" + std::string(name) + "' does not match the record (the record says " +
                           projections::FormatRfc3339(expected_ns) + ")");
  }
  return Status::Ok();
}

}  // namespace

Result<boost::json::object> ToCloudEvent(const eventstore::StoredEvent& event, std::string_view origin) {
  auto data = projections::PayloadJson(event.payload);
  if (!data) {
    return Fail(DataLoss("position " + std::to_string(event.position) + ": " + data.error().message()));
  }
  boost::json::object out;
  out["specversion"] = kSpecVersion;
  out["id"] = projections::FormatUuid(event.event_id);
  out["source"] = std::string(origin) + "/" + event.stream;
  out["type"] = event.type;
  out["time"] = projections::FormatRfc3339(event.occurred_at_ns);
  out["datacontenttype"] = kContentType;
  out["data"] = std::move(*data);
  out["vigieposition"] = event.position;
  out["vigierecordedat"] = projections::FormatRfc3339(event.recorded_at_ns);
  out["vigieleafhash"] = merkle::ToHex(merkle::HashLeaf(event.record));
  out["vigierecord"] = note::Base64Encode(event.record);
  return out;
}

Result<ImportedRecord> ParseCloudEvent(std::string_view line) {
  if (line.size() > kMaxCloudEventLineBytes) {
    return Fail(InvalidArgument("the line is longer than " + std::to_string(kMaxCloudEventLineBytes) + " bytes"));
  }
  boost::json::error_code ec;
  boost::json::value parsed = boost::json::parse(line, ec);
  if (ec) return Fail(InvalidArgument("not JSON: " + ec.message()));
  if (!parsed.is_object()) return Fail(InvalidArgument("not a JSON object"));
  const boost::json::object& event = parsed.get_object();
  for (const auto& kv : event) {
    if (!Attributes().contains(std::string_view(kv.key()))) {
      return Fail(InvalidArgument("unknown attribute '" + std::string(kv.key().substr(0, 64)) + "'"));
    }
  }
  CHECK_ATTRIBUTE(Matches(event, "specversion", kSpecVersion));
  CHECK_ATTRIBUTE(Matches(event, "datacontenttype", kContentType));

  auto encoded = StringAttribute(event, "vigierecord");
  if (!encoded) return Fail(encoded.error());
  auto bytes = note::Base64Decode(*encoded);
  if (!bytes) return Fail(InvalidArgument("attribute 'vigierecord' is not padded base64"));
  auto verified = eventstore::VerifyRecord(*bytes);
  if (!verified) return Fail(InvalidArgument("attribute 'vigierecord' is not a valid record: " + verified.error().message()));
  const eventstore::StoredEvent record = eventstore::ToStoredEvent(**verified, *bytes);

  CHECK_ATTRIBUTE(Matches(event, "vigieleafhash", merkle::ToHex(merkle::HashLeaf(*bytes))));
  const boost::json::value* position = event.if_contains("vigieposition");
  if (!position || !position->is_number()) {
    return Fail(InvalidArgument("attribute 'vigieposition' must be an integer"));
  }
  boost::json::error_code number_ec;
  const auto declared = position->to_number<std::uint64_t>(number_ec);
  if (number_ec || declared != record.position) {
    return Fail(InvalidArgument("attribute 'vigieposition' does not match the record (the record says " +
                                std::to_string(record.position) + ")"));
  }
  CHECK_ATTRIBUTE(Matches(event, "id", projections::FormatUuid(record.event_id)));
  CHECK_ATTRIBUTE(Matches(event, "type", record.type));
  CHECK_ATTRIBUTE(SameTime(event, "time", record.occurred_at_ns));
  CHECK_ATTRIBUTE(SameTime(event, "vigierecordedat", record.recorded_at_ns));

  auto source = StringAttribute(event, "source");
  if (!source) return Fail(source.error());
  const std::string suffix = "/" + record.stream;
  if (source->size() <= suffix.size() || !source->ends_with(suffix)) {
    return Fail(InvalidArgument("attribute 'source' must be <origin>/" + record.stream.substr(0, 200)));
  }
  const boost::json::value* data = event.if_contains("data");
  if (!data) return Fail(InvalidArgument("attribute 'data' is missing"));
  auto payload = projections::PayloadJson(record.payload);
  if (!payload) return Fail(InvalidArgument("the record's payload does not verify: " + payload.error().message()));
  if (*data != *payload) return Fail(InvalidArgument("attribute 'data' does not match the record's payload"));

  ImportedRecord out;
  out.position = record.position;
  out.origin = std::string(source->substr(0, source->size() - suffix.size()));
  out.record = std::move(*bytes);
  return out;
}

}  // namespace vigie::tools
