// Handlers of the audit routes and of the event stream. They read the
// event store directly (checkpoints, proofs), so each one checks
// Ledger::CheckAuditor first.
#include <limits>

#include <boost/json/serialize.hpp>

#include "eventstore/merkle_tree.h"
#include "server/problem.h"
#include "server/router_internal.h"
#include "server/uri_text.h"

namespace vigie::server {
namespace {

namespace json = boost::json;

constexpr std::uint64_t kUint64Max = std::numeric_limits<std::uint64_t>::max();

json::array HexPath(const std::vector<merkle::Hash>& path) {
  json::array hex;
  hex.reserve(path.size());
  for (const merkle::Hash& hash : path) hex.emplace_back(merkle::ToHex(hash));
  return hex;
}

std::optional<std::uint64_t> UintMember(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() >= 0) return static_cast<std::uint64_t>(value->get_int64());
  return std::nullopt;
}

}  // namespace

Response Router::GetCheckpoint(Call& call) const {
  if (auto refused = RequireAuditor(call)) return std::move(*refused);
  if (auto query = QueryParams::Parse(call.query, {}); !query) return std::move(query.error());
  auto note = store_.LatestCheckpoint();
  if (!note) return ProblemFromStatus(note.error());
  return TextResponse("text/plain; charset=utf-8", std::move(*note));
}

Response Router::GetVerifierKey(Call& call) const {
  if (auto refused = RequireAuditor(call)) return std::move(*refused);
  if (auto query = QueryParams::Parse(call.query, {}); !query) return std::move(query.error());
  // Exactly the key, no trailing newline: note.NewVerifier reads it as is.
  return TextResponse("text/plain; charset=utf-8", store_.VerifierKey());
}

Response Router::GetInclusion(Call& call) const {
  if (auto refused = RequireAuditor(call)) return std::move(*refused);
  auto query = QueryParams::Parse(call.query, {"position", "tree_size"});
  if (!query) return std::move(query.error());
  const std::uint64_t size = store_.Size();
  auto tree_size = query->Uint("tree_size", 1, kUint64Max);
  if (!tree_size) return std::move(tree_size.error());
  const std::uint64_t tree = tree_size->value_or(size);
  if (tree > size || tree == 0) {
    return InvalidParameter("tree_size", "parameter 'tree_size' must be from 1 to the log's size, " +
                                             std::to_string(size));
  }
  auto position = query->Uint("position", 0, tree - 1);
  if (!position) return std::move(position.error());
  if (!*position) return InvalidParameter("position", "parameter 'position' is required");

  auto leaf = store_.LeafHash(**position);
  if (!leaf) return ProblemFromStatus(leaf.error());
  auto path = store_.InclusionProof(**position, tree);
  if (!path) return ProblemFromStatus(path.error());
  json::object body;
  body["leaf_index"] = **position;
  body["tree_size"] = tree;
  body["leaf_hash"] = merkle::ToHex(*leaf);
  body["path"] = HexPath(*path);
  return JsonResponse(200, body);
}

Response Router::GetConsistency(Call& call) const {
  if (auto refused = RequireAuditor(call)) return std::move(*refused);
  auto query = QueryParams::Parse(call.query, {"first", "second"});
  if (!query) return std::move(query.error());
  const std::uint64_t size = store_.Size();
  auto second = query->Uint("second", 1, kUint64Max);
  if (!second) return std::move(second.error());
  const std::uint64_t to = second->value_or(size);
  if (to > size || to == 0) {
    return InvalidParameter("second", "parameter 'second' must be from 1 to the log's size, " +
                                          std::to_string(size));
  }
  auto first = query->Uint("first", 1, to);
  if (!first) return std::move(first.error());
  if (!*first) return InvalidParameter("first", "parameter 'first' is required");

  auto path = store_.ConsistencyProof(**first, to);
  if (!path) return ProblemFromStatus(path.error());
  json::object body;
  body["first"] = **first;
  body["second"] = to;
  body["path"] = HexPath(*path);
  return JsonResponse(200, body);
}

Response Router::GetAccessLog(Call& call) const {
  if (auto refused = RequireAuditor(call)) return std::move(*refused);
  auto query = QueryParams::Parse(call.query, {"person", "situation", "from", "to"});
  if (!query) return std::move(query.error());
  auto person = query->Id("person");
  if (!person) return std::move(person.error());
  auto situation = query->Id("situation");
  if (!situation) return std::move(situation.error());
  auto period = query->OptionalTimeRange();
  if (!period) return std::move(period.error());
  projections::AccessLogQuery access;
  access.person = std::move(*person);
  access.situation = std::move(*situation);
  access.from_ns = period->from_ns;
  access.to_ns = period->to_ns;
  auto result = ledger_.AccessLog(call.caller, access);
  if (!result) return ProblemFromStatus(result.error());
  return JsonResponse(200, *result);
}

Parsed<Subscription> Router::OpenSubscription(const Request& request) const {
  const RouteInfo* route = Match(request.method, request.target);
  if (route == nullptr || route->kind != RouteKind::kEventStream) {
    return std::unexpected(Problem(404, "no such resource"));
  }
  if (!request.body.empty()) return std::unexpected(Problem(400, "a GET request carries no body"));
  auto caller = Authenticate(request);
  if (!caller) {
    NoteDenial(caller.error(), {});
    return std::unexpected(std::move(caller.error()));
  }
  std::size_t mark = request.target.find('?');
  Call call{request,
            mark == std::string::npos ? std::string_view() : std::string_view(request.target).substr(mark + 1),
            {},
            std::move(*caller)};
  auto subscription = SubscriptionOf(call);
  if (!subscription) NoteDenial(subscription.error(), call.caller.person_id);
  return subscription;
}

Parsed<Subscription> Router::SubscriptionOf(Call& call) const {
  if (auto refused = RequireAuditor(call)) return std::unexpected(std::move(*refused));
  auto query = QueryParams::Parse(call.query, {"from"});
  if (!query) return std::unexpected(std::move(query.error()));
  auto from = query->Uint("from", 0, kUint64Max);
  if (!from) return std::unexpected(std::move(from.error()));
  auto last_ids = call.request.HeaderValues("Last-Event-ID");
  std::optional<std::uint64_t> last;
  if (!last_ids.empty()) {
    last = last_ids.size() == 1 ? ParseDecimal(last_ids.front()) : std::nullopt;
    if (!last || *last == kUint64Max) {
      return std::unexpected(
          InvalidParameter("Last-Event-ID", "header 'Last-Event-ID' must be one event position"));
    }
  }

  // Up to the log's size (the next event): a stream from beyond it would
  // silently skip the events appended in between.
  const std::uint64_t size = store_.Size();
  if (auto beyond = BeyondTheLog("from", from->value_or(0), size)) return std::unexpected(std::move(*beyond));
  Subscription subscription;
  subscription.caller = call.caller;
  // Without `from`, the stream starts at the current end: only new events.
  subscription.from = from->value_or(size);
  // A reconnecting EventSource resends the last id it saw; resume after it.
  if (last) {
    if (*last >= size) {
      return std::unexpected(InvalidParameter(
          "Last-Event-ID", "header 'Last-Event-ID' " + std::to_string(*last) +
                               " is not an event of the log, whose size is " + std::to_string(size)));
    }
    subscription.from = *last + 1;
  }
  return subscription;
}

Result<EventStreamPage> Router::ReadEventStreamPage(const Subscription& subscription,
                                                   std::uint64_t from, std::size_t limit) const {
  auto page = ledger_.Events(subscription.caller, from, limit);
  if (!page) return Fail(page.error());
  const json::object* object = page->if_object();
  const json::value* events = object ? object->if_contains("events") : nullptr;
  if (events == nullptr || !events->is_array()) {
    return Fail(Internal("Ledger::Events answered without an events array"));
  }
  EventStreamPage out;
  out.next = from;
  for (const json::value& event : events->get_array()) {
    const json::object* fields = event.if_object();
    std::optional<std::uint64_t> position = fields ? UintMember(*fields, "position") : std::nullopt;
    const json::value* type = fields ? fields->if_contains("type") : nullptr;
    if (!position || type == nullptr || !type->is_string() ||
        type->get_string().find_first_of("\r\n") != json::string::npos) {
      return Fail(Internal("Ledger::Events answered an event without position or type"));
    }
    // serialize() writes no raw newline (JSON escapes them), so one data: line suffices.
    out.text += "id: " + std::to_string(*position) + "\nevent: " + std::string(type->get_string()) +
                "\ndata: " + json::serialize(event) + "\n\n";
    out.next = *position + 1;
  }
  if (auto next = UintMember(*object, "next"); next && *next > out.next) out.next = *next;
  return out;
}

Response Router::GetSubscribe(Call& call) const {
  // Without a connection to hold open, the route answers the events
  // available now, as one page of text/event-stream.
  auto subscription = SubscriptionOf(call);
  if (!subscription) return std::move(subscription.error());
  auto page = ReadEventStreamPage(*subscription, subscription->from, kPageLimitDefault);
  if (!page) return ProblemFromStatus(page.error());
  return TextResponse("text/event-stream", std::move(page->text));
}

}  // namespace vigie::server
