#include "tools/demo_year.h"

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "eventstore/merkle_tree.h"
#include "projections/ledger.h"
#include "projections/period.h"
#include "tools/demo_script.h"

namespace vigie::tools {
namespace {

std::vector<demo::Step> DemoSteps() {
  demo::Script script;
  demo::AddReference(script);
  demo::AddMeetings(script);
  demo::AddActivity(script);
  demo::AddSituations(script);
  demo::AddPlan(script);
  return std::move(script).Finish();
}

std::vector<std::string> Roles(const boost::json::object& body) {
  std::vector<std::string> roles;
  if (const auto* list = body.if_contains("roles"); list && list->is_array()) {
    for (const auto& role : list->get_array()) {
      if (role.is_string()) roles.emplace_back(role.get_string());
    }
  }
  return roles;
}

// The ledger's randomness for the demo: SHA-256(seed || counter) blocks, so
// tokens, subject keys, nonces and command ids are the same on every run.
// Public by construction: only ever for demo data.
std::function<void(std::span<std::uint8_t>)> DemoRandom() {
  struct Generator {
    std::mutex mu;
    std::uint64_t counter = 0;  // guarded by mu
  };
  auto generator = std::make_shared<Generator>();
  return [generator](std::span<std::uint8_t> out) {
    std::lock_guard lock(generator->mu);
    std::size_t filled = 0;
    while (filled < out.size()) {
      std::string block = "vigie-demo-zsp-montreynaud-2013:" + std::to_string(generator->counter++);
      const merkle::Hash hash = merkle::Sha256(
          std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(block.data()), block.size()));
      const std::size_t n = std::min(hash.size(), out.size() - filled);
      std::memcpy(out.data() + filled, hash.data(), n);
      filled += n;
    }
  };
}

// Why a step was refused, for the one who edits the script.
Status StepFailed(std::size_t index, const demo::Step& step, const Status& status) {
  const auto* occurred = step.body.if_contains("occurred_at");
  std::string when = occurred && occurred->is_string() ? std::string(occurred->get_string()) : "?";
  return Internal("demo step " + std::to_string(index) + " (" + step.command + " by " + step.actor +
                  ", occurred_at " + when + ") was refused: " + status.message());
}

}  // namespace

Result<DemoResult> LoadDemoYear(const DemoOptions& options) {
  const std::vector<demo::Step> steps = DemoSteps();
  auto init = eventstore::EventStore::Init(options.dir, options.origin);
  if (!init) return Fail(init.error());

  // One clock for the store (recorded_at) and the ledger (its "now"),
  // moved forward step by step.
  auto now = std::make_shared<std::atomic<std::int64_t>>(demo::Paris(2013, 1, 2, 8, 0));
  eventstore::Clock clock = [now] { return now->load(); };
  eventstore::StoreOptions store_options;
  store_options.clock = clock;
  store_options.sync = options.sync_each_command;
  auto store = eventstore::EventStore::Open(options.dir, store_options);
  if (!store) return Fail(store.error());

  projections::LedgerOptions ledger_options;
  ledger_options.key_dir = options.dir + "/keys";
  ledger_options.clock = clock;
  ledger_options.random = DemoRandom();
  auto ledger = projections::Ledger::Open(store->get(), ledger_options);
  if (!ledger) return Fail(ledger.error());

  DemoResult result;
  result.verifier_key = init->verifier_key;
  auto admin_token = (*ledger)->Bootstrap(options.origin);
  if (!admin_token) return Fail(admin_token.error());
  std::map<std::string, std::string> tokens{{"admin", *admin_token}};
  result.people.push_back({"admin", {"admin"}, *admin_token});

  int retention_day = 0;  // Paris date (yyyymmdd) retention last ran on
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const demo::Step& step = steps[i];
    now->store(step.recorded_at_ns);
    // Retention runs once a day, as on a server: closed situations are
    // archived the first day after their closure.
    const projections::CivilDate date = projections::ParisDate(step.recorded_at_ns);
    if (const int day = date.year * 10000 + date.month * 100 + date.day; day != retention_day) {
      retention_day = day;
      auto retained = (*ledger)->ApplyRetention();
      if (!retained) return Fail(StepFailed(i, step, retained.error()));
    }
    auto token = tokens.find(step.actor);
    if (token == tokens.end()) {
      return Fail(StepFailed(i, step, Internal("'" + step.actor + "' is not enrolled yet")));
    }
    auto caller = (*ledger)->Authenticate(token->second);
    if (!caller) return Fail(StepFailed(i, step, caller.error()));
    auto answer = (*ledger)->Execute(*caller, step.command, boost::json::value(step.body));
    if (!answer) return Fail(StepFailed(i, step, answer.error()));
    ++result.commands;
    if (step.command == "enroll-person") {
      const std::string person(step.body.at("person_id").as_string());
      const auto* issued = answer->body.as_object().if_contains("token");
      if (!issued || !issued->is_string()) {
        return Fail(StepFailed(i, step, Internal("the answer carries no token")));
      }
      tokens[person] = std::string(issued->get_string());
      result.people.push_back({person, Roles(step.body), tokens[person]});
    } else if (step.command == "revoke-person") {
      const std::string person(step.body.at("person_id").as_string());
      std::erase_if(result.people, [&](const DemoPerson& p) { return p.person_id == person; });
    }
    if (options.progress) options.progress(i + 1, steps.size());
  }

  result.tree_size = (*store)->Size();
  auto root = (*store)->RootAt(result.tree_size);
  if (!root) return Fail(root.error());
  result.root_hash = merkle::ToHex(*root);
  ledger->reset();
  if (Status closed = (*store)->Close(); !closed.ok()) return Fail(closed);
  return result;
}

}  // namespace vigie::tools
