// fuzz_apply: folding stored events into the state, and the views over
// what the fold made (projections/apply.cc, views, dashboard, evaluation).
//
// A record that passed the FlatBuffers verifier may still carry any
// DomainEvent: `vigie import` takes records from outside, and the store
// only checks their envelope. The fold must refuse what it cannot use
// (kDataLoss for a payload that is not a DomainEvent, kInternal for facts
// that contradict the state) and still advance by one position; the views
// must render whatever the fold kept (rendered when at least one event of
// the input was folded without error).
//
// Input: up to kEventsMax payloads, each a 2-byte little-endian length and
// that many bytes, folded in order into a copy of setup_script.h's
// partnership. Seeds: VIGIE_FUZZ_WRITE_APPLY_SEEDS=DIR writes every payload
// of the setup script, in this format, into DIR at start-up.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include <flatbuffers/flatbuffers.h>

#include "projections/dashboard.h"
#include "projections/evaluation.h"
#include "projections/period.h"
#include "projections/plan_view.h"
#include "projections/report_html.h"
#include "projections/views.h"
#include "schemas/events_generated.h"
#include "tests/fuzz/domain_fixture.h"

namespace {

using namespace vigie::fuzz;
using vigie::Status;
using vigie::StatusCode;

constexpr std::size_t kEventsMax = 4;

constexpr std::int64_t kYear2013Ns = 1356998400LL * 1'000'000'000;
constexpr std::int64_t kYear2014Ns = 1388534400LL * 1'000'000'000;

void RenderViews(const State& state) {
  const ViewScope scope{state, state, kNowNs};
  const Unsealer unseal = [](const Situation&, const SealedField&, std::string_view) {
    return std::optional<std::string>("clair");
  };
  for (std::string_view person : {"referent", "admin", "agent-police", "maire", "evaluateur"}) {
    const Caller caller = CallerOf(state, person);
    (void)CellListView(scope, caller);
    for (const auto& [cell_id, cell] : state.cells) (void)CellView(scope, caller, cell_id);
    (void)SituationListView(scope, caller, std::nullopt);
    for (const auto& [situation_id, situation] : state.situations) {
      (void)SituationFileView(scope, caller, situation_id, std::string("audit"), unseal);
    }
    (void)PlanView(scope, caller);
  }
  (void)DashboardBody(state, kYear2013Ns, kYear2014Ns, Granularity::kQuarter, std::nullopt);
  auto evaluation = EvaluationBody(state, 2013, "");
  if (evaluation) (void)RenderEvaluationHtml(*evaluation);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("VIGIE_FUZZ_WRITE_APPLY_SEEDS")) {
    std::filesystem::create_directories(dir);
    ObservePayloads() = [dir, n = 0](std::string_view type, const std::string& payload) mutable {
      if (payload.size() > 0xffff) return;
      std::ofstream out(std::filesystem::path(dir) / (std::to_string(n++) + "-" + std::string(type)),
                        std::ios::binary | std::ios::trunc);
      out.put(static_cast<char>(payload.size() & 0xff)).put(static_cast<char>(payload.size() >> 8)) << payload;
    };
  }
  (void)BaseState();
  ObservePayloads() = nullptr;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  State state = BaseState();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  bool folded_any = false;
  for (std::size_t n = 0; n < kEventsMax && input.size() >= 2; ++n) {
    const std::size_t length = static_cast<std::uint8_t>(input[0]) | static_cast<std::uint8_t>(input[1]) << 8;
    input.remove_prefix(2);
    const std::string_view payload = input.substr(0, length);
    input.remove_prefix(payload.size());
    EventMeta meta;
    meta.position = state.size;
    meta.occurred_at_ns = kNowNs + static_cast<std::int64_t>(n);
    meta.recorded_at_ns = kNowNs + static_cast<std::int64_t>(n);
    meta.person_id = "referent";
    meta.partner_id = "mairie";
    const Status folded = ApplyPayload(state, meta, payload);
    const StatusCode code = folded.code();
    FUZZ_CHECK(code == StatusCode::kOk || code == StatusCode::kDataLoss || code == StatusCode::kInternal,
               "ApplyPayload: " + folded.ToString());
    FUZZ_CHECK(state.size == meta.position + 1, "the fold must advance by one position, refused or not");
    folded_any = folded_any || folded.ok();
  }
  // Rendering costs milliseconds; a state no event changed was rendered
  // already.
  if (folded_any) RenderViews(state);
  return 0;
}
