#include "projections/event_json.h"

#include <memory>
#include <mutex>

#include <boost/json/parse.hpp>
#include <flatbuffers/flatbuffers.h>
#include <flatbuffers/idl.h>

#include "eventstore/merkle_tree.h"
#include "eventstore/signed_note.h"
#include "projections/event_ids.h"
#include "projections/rfc3339.h"
#include "schemas/events_generated.h"

namespace vigie::projections {

extern const std::string_view kEventsSchemaText;  // events_schema_text.cc (generated)

namespace {

// flatbuffers::Parser is built once; GenerateText only reads it, but its
// thread-safety is not documented, so calls are serialised.
struct TextGenerator {
  std::mutex mu;
  flatbuffers::Parser parser;
  bool ready = false;
};

TextGenerator& Generator() {
  static TextGenerator* generator = [] {
    auto* g = new TextGenerator;
    g->parser.opts.strict_json = true;
    g->parser.opts.natural_utf8 = true;
    g->parser.opts.output_default_scalars_in_json = true;
    g->parser.opts.indent_step = -1;
    const std::string schema(kEventsSchemaText);
    g->ready = g->parser.Parse(schema.c_str());
    return g;
  }();
  return *generator;
}

// [1, 2, 3] of bytes -> raw string; false when it is not such an array.
bool ByteArray(const boost::json::value& v, std::string* out) {
  if (!v.is_array()) return false;
  out->clear();
  for (const boost::json::value& item : v.get_array()) {
    if (!item.is_int64() && !item.is_uint64()) return false;
    out->push_back(static_cast<char>(item.to_number<std::int64_t>()));
  }
  return true;
}

void RenderBytes(boost::json::value& v) {
  if (v.is_array()) {
    for (boost::json::value& item : v.get_array()) RenderBytes(item);
    return;
  }
  if (!v.is_object()) return;
  for (auto& kv : v.get_object()) {
    std::string bytes;
    if ((kv.key() == "nonce" || kv.key() == "ciphertext") && ByteArray(kv.value(), &bytes)) {
      kv.value() = note::Base64Encode(bytes);
    } else if (kv.key() == "token_sha256" && ByteArray(kv.value(), &bytes)) {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string hex;
      for (unsigned char c : bytes) {
        hex.push_back(kHex[c >> 4]);
        hex.push_back(kHex[c & 15]);
      }
      kv.value() = hex;
    } else {
      RenderBytes(kv.value());
    }
  }
}

}  // namespace

Result<boost::json::value> PayloadJson(std::string_view payload) {
  std::string aligned(payload);  // GenerateText reads scalars in place
  flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(aligned.data()), aligned.size());
  if (!schema::VerifyDomainEventBuffer(verifier)) return Fail(DataLoss("payload is not a valid DomainEvent"));
  TextGenerator& g = Generator();
  std::string text;
  {
    std::lock_guard lock(g.mu);
    if (!g.ready) return Fail(Internal("the embedded events schema does not parse: " + g.parser.error_));
    if (!flatbuffers::GenerateText(g.parser, aligned.data(), &text)) {
      return Fail(Internal("payload could not be rendered as text"));
    }
  }
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(text, ec);
  if (ec || !root.is_object()) return Fail(Internal("payload text is not JSON: " + ec.message()));
  boost::json::value* body = root.get_object().if_contains("body");
  boost::json::value out = body ? *body : boost::json::value(boost::json::object());
  RenderBytes(out);
  return out;
}

boost::json::object StoredEventJson(const eventstore::StoredEvent& e) {
  boost::json::object o;
  o["position"] = e.position;
  o["stream"] = e.stream;
  o["version"] = e.version;
  o["type"] = e.type;
  o["event_id"] = FormatUuid(e.event_id);
  o["command_id"] = e.command_id;
  o["recorded_at"] = FormatRfc3339(e.recorded_at_ns);
  o["occurred_at"] = FormatRfc3339(e.occurred_at_ns);
  o["actor"] = {{"person", e.actor.person}, {"partner", e.actor.partner}, {"role", e.actor.role}};
  Result<boost::json::value> payload = PayloadJson(e.payload);
  if (payload) {
    o["payload"] = std::move(*payload);
  } else {
    // The record is still served (an auditor must see it); the problem is named.
    o["payload"] = nullptr;
    o["payload_error"] = payload.error().message();
  }
  o["record"] = note::Base64Encode(e.record);
  o["leaf_hash"] = merkle::ToHex(merkle::HashLeaf(e.record));
  return o;
}

}  // namespace vigie::projections
