#pragma once
// The checks every rule of decide_*.cc is made of, and the events it emits.
// Internal to decide*.cc.
//
// A Context wraps one command being decided: the state, the caller as the
// state knows them (never the token's stale copy), occurred_at. Each check
// returns Status with the refusal SPEC's users should read: which rule,
// in plain words, with the field it concerns.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "projections/decide.h"

namespace vigie::projections::decide_internal {

namespace fbs = vigie::schema;

class Context {
 public:
  Context(const State& state, const Person& person, std::int64_t occurred_at_ns, int max_subject_age)
      : state_(state), person_(person), t_(occurred_at_ns), max_subject_age_(max_subject_age) {}

  const State& state() const { return state_; }
  const Person& person() const { return person_; }
  const std::string& partner() const { return person_.partner_id; }
  std::int64_t t() const { return t_; }
  int max_subject_age() const { return max_subject_age_; }

  bool Has(std::string_view role) const { return person_.Has(role); }
  bool IsReferent() const { return Has("referent") || Has("deputy_referent"); }
  // Passes when the caller holds one of `roles` (the first one held becomes
  // the actor's role); kPermissionDenied saying who may `what`.
  Status Role(std::initializer_list<std::string_view> roles, std::string_view what);
  // Marks the command as done under `role`, already checked by the caller.
  void UseRole(std::string_view role) { role_ = std::string(role); }
  // The current charter (or any, before one is published) must be signed.
  Status Charter(std::string_view before_what) const;

  // `code` must be in closed list `list` and valid on occurred_at.
  Status Code(std::string_view list, std::string_view code, std::string_view field) const;
  // A registered partner, not retired on occurred_at.
  Status ActivePartner(std::string_view id, std::string_view field, const Partner** out = nullptr) const;

  Status FindCell(std::string_view id, const Cell** out) const;
  Status FindMeeting(std::string_view id, const Meeting** out) const;
  Status FindControl(std::string_view id, const Control** out) const;
  Status FindCommitment(std::string_view id, const Commitment** out) const;
  Status FindIndicator(std::string_view id, const Indicator** out) const;
  // kNotFound when it does not exist or the caller may not see it.
  Status VisibleSituation(std::string_view id, const Situation** out) const;
  // Visible, and not closed.
  Status OpenSituation(std::string_view id, const Situation** out) const;
  bool CanSee(const Situation& situation) const;

  // `partner` was a member of `cell` on occurred_at.
  Status Member(const Cell& cell, std::string_view partner, std::string_view field) const;
  // occurred_at must not precede `when` (the time `what` happened).
  Status NotBefore(std::int64_t when, std::string_view what) const;

  template <typename Body>
  void Emit(std::string stream, bool creates_stream, Body body) {
    PlannedEvent e;
    e.stream = std::move(stream);
    e.creates_stream = creates_stream;
    e.event.body.Set(std::move(body));
    decided_.events.push_back(std::move(e));
  }

  Decided Finish() {
    decided_.role = role_;
    return std::move(decided_);
  }

 private:
  const State& state_;
  const Person& person_;
  std::int64_t t_;
  int max_subject_age_;
  std::string role_;
  Decided decided_;
};

// An unsealed personal field (see decide.h).
std::unique_ptr<fbs::SealedT> Unsealed(std::string_view key_id, std::string_view plaintext);

std::string Quote(std::string_view id);

// One overload per command, in decide_structure.cc, decide_work.cc,
// decide_situations.cc and decide_plan.cc.
Status On(Context& c, const ConfigureTerritory& cmd);
Status On(Context& c, const RegisterPartner& cmd);
Status On(Context& c, const RenamePartner& cmd);
Status On(Context& c, const RetirePartner& cmd);
Status On(Context& c, const CreateCell& cmd);
Status On(Context& c, const AddCellMember& cmd);
Status On(Context& c, const RemoveCellMember& cmd);
Status On(Context& c, const EnrollPerson& cmd);
Status On(Context& c, const RevokePerson& cmd);
Status On(Context& c, const SignCharter& cmd);
Status On(Context& c, const PublishCharter& cmd);
Status On(Context& c, const DefineReferenceEntry& cmd);
Status On(Context& c, const RenameReferenceEntry& cmd);
Status On(Context& c, const RetireReferenceEntry& cmd);

Status On(Context& c, const ScheduleMeeting& cmd);
Status On(Context& c, const RecordMeeting& cmd);
Status On(Context& c, const RecordDecision& cmd);
Status On(Context& c, const CompleteDecision& cmd);
Status On(Context& c, const ShareInformation& cmd);
Status On(Context& c, const RecordAnalysis& cmd);
Status On(Context& c, const PlanControl& cmd);
Status On(Context& c, const RecordControlOutcome& cmd);
Status On(Context& c, const CancelControl& cmd);

Status On(Context& c, const OpenSituation& cmd);
Status On(Context& c, const AddSituationNote& cmd);
Status On(Context& c, const RecordSituationDecision& cmd);
Status On(Context& c, const GrantSituationAccess& cmd);
Status On(Context& c, const RevokeSituationAccess& cmd);
Status On(Context& c, const RecordSubjectInformed& cmd);
Status On(Context& c, const CloseSituation& cmd);

Status On(Context& c, const AdoptPriority& cmd);
Status On(Context& c, const RecordCommitment& cmd);
Status On(Context& c, const AmendPlan& cmd);
Status On(Context& c, const EvaluateCommitment& cmd);
Status On(Context& c, const DefineIndicator& cmd);
Status On(Context& c, const RecordIndicatorValue& cmd);

}  // namespace vigie::projections::decide_internal
