#include "tests/projections/synthetic_history.h"

#include <algorithm>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "schemas/events_generated.h"

namespace vigie::projections::testing {
namespace {

namespace fbs = vigie::schema;

// splitmix64: small, fast, deterministic.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : Next() % n; }
  bool Chance(int percent) { return Below(100) < static_cast<std::uint64_t>(percent); }

 private:
  std::uint64_t state_;
};

constexpr int kPartners = 12;
constexpr int kCells = 6;
constexpr std::int64_t kDay = 86'400'000'000'000;

std::string Id(const char* prefix, std::uint64_t n) { return prefix + std::to_string(n); }

class Generator {
 public:
  Generator(const SyntheticOptions& o,
            const std::function<void(const EventMeta&, const std::string&, const std::string&)>& sink)
      : o_(o), sink_(sink), rnd_(o.seed) {}

  void Run() {
    Setup();
    while (position_ < o_.events) Step();
  }

 private:
  // Ids: in chaos mode from small pools (duplicates and unknowns happen),
  // otherwise fresh for a new entity and a recent existing one for a
  // reference.
  std::string NewId(const char* prefix, std::uint64_t& count) {
    if (o_.chaos) return Id(prefix, rnd_.Below(40));
    return Id(prefix, count++);
  }
  std::string RefId(const char* prefix, std::uint64_t count) {
    if (o_.chaos) return Id(prefix, rnd_.Below(45));
    if (count == 0) return Id(prefix, 0);
    const std::uint64_t window = std::min<std::uint64_t>(count, 2000);
    return Id(prefix, count - 1 - rnd_.Below(window));
  }
  std::string Partner() { return Id("p", rnd_.Below(kPartners)); }
  std::string CellId() { return Id("c", rnd_.Below(o_.chaos ? kCells + 1 : kCells)); }

  std::int64_t Now() const {
    const std::uint64_t total = std::max<std::uint64_t>(o_.events, 1);
    return o_.start_ns + static_cast<std::int64_t>(static_cast<double>(position_) /
                                                   static_cast<double>(total) *
                                                   static_cast<double>(o_.span_ns));
  }

  void Emit(flatbuffers::FlatBufferBuilder& fbb, fbs::EventBody type, flatbuffers::Offset<void> body) {
    fbs::FinishDomainEventBuffer(fbb, fbs::CreateDomainEvent(fbb, type, body));
    EventMeta meta;
    meta.position = position_;
    meta.recorded_at_ns = Now();
    meta.occurred_at_ns = meta.recorded_at_ns;
    // Some events are recorded late: up to a year after they happened.
    if (rnd_.Chance(5)) meta.occurred_at_ns -= static_cast<std::int64_t>(rnd_.Below(365)) * kDay;
    meta.person_id = "u" + std::to_string(rnd_.Below(30));
    meta.partner_id = Partner();
    sink_(meta, fbs::EnumNameEventBody(type),
          std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
    ++position_;
  }

  void Setup() {
    {
      flatbuffers::FlatBufferBuilder fbb;
      auto body = fbs::CreateTerritoryConfiguredDirect(fbb, "ZSP", "zsp", nullptr, nullptr, 20000, 2009);
      Emit(fbb, fbs::EventBody::TerritoryConfigured, body.Union());
    }
    for (int p = 0; p < kPartners; ++p) {
      flatbuffers::FlatBufferBuilder fbb;
      const std::string id = Id("p", static_cast<std::uint64_t>(p));
      auto body = fbs::CreatePartnerRegisteredDirect(fbb, id.c_str(), ("Partenaire " + id).c_str(), "police");
      Emit(fbb, fbs::EventBody::PartnerRegistered, body.Union());
    }
    for (int c = 0; c < kCells; ++c) {
      flatbuffers::FlatBufferBuilder fbb;
      const std::string id = Id("c", static_cast<std::uint64_t>(c));
      std::vector<flatbuffers::Offset<flatbuffers::String>> members;
      for (int p = 0; p < kPartners; ++p) {
        if ((p + c) % 3 != 0) members.push_back(fbb.CreateString(Id("p", static_cast<std::uint64_t>(p))));
      }
      auto members_vec = fbb.CreateVector(members);
      auto body = fbs::CreateCellCreated(fbb, fbb.CreateString(id), fbb.CreateString("Cellule " + id),
                                         fbb.CreateString("operational"), 0, members_vec, c == kCells - 1);
      Emit(fbb, fbs::EventBody::CellCreated, body.Union());
    }
  }

  void Step() {
    flatbuffers::FlatBufferBuilder fbb;
    const std::uint64_t roll = rnd_.Below(1000);
    const std::int64_t now = Now();
    if (roll < 280) {
      const std::string id = NewId("i", infos_);
      const bool about = rnd_.Chance(20) && situations_ > 0;
      const std::string situation = about ? RefId("s", situations_) : std::string();
      const char* sensitivity = rnd_.Chance(60) ? "public" : rnd_.Chance(50) ? "restricted" : "confidential";
      auto body = fbs::CreateInformationSharedDirect(fbb, id.c_str(), Partner().c_str(), CellId().c_str(),
                                                     "drugs", "Montreynaud", "résumé", sensitivity,
                                                     situation.c_str());
      Emit(fbb, fbs::EventBody::InformationShared, body.Union());
    } else if (roll < 360) {
      const std::string id = NewId("a", analyses_);
      std::vector<std::string> items;
      const std::uint64_t k = rnd_.Below(4);
      for (std::uint64_t j = 0; j < k; ++j) items.push_back(RefId("i", infos_));
      std::vector<flatbuffers::Offset<flatbuffers::String>> offs;
      for (const auto& i : items) offs.push_back(fbb.CreateString(i));
      auto body = fbs::CreateAnalysisRecorded(fbb, fbb.CreateString(id), fbb.CreateVector(offs),
                                              fbb.CreateString("conclusion"), fbb.CreateString("action"));
      Emit(fbb, fbs::EventBody::AnalysisRecorded, body.Union());
    } else if (roll < 420) {
      const std::string id = NewId("k", controls_);
      auto body = fbs::CreateControlPlannedDirect(fbb, id.c_str(), CellId().c_str(), now + 7 * kDay, "place",
                                                  nullptr, "objectives");
      Emit(fbb, fbs::EventBody::ControlPlanned, body.Union());
    } else if (roll < 470) {
      const std::string id = RefId("k", controls_);
      auto body = fbs::CreateControlOutcomeRecordedDirect(
          fbb, id.c_str(), now, static_cast<std::uint32_t>(rnd_.Below(20)),
          static_cast<std::uint32_t>(rnd_.Below(5)), static_cast<std::uint32_t>(rnd_.Below(3)),
          static_cast<std::uint32_t>(rnd_.Below(2)), static_cast<std::uint32_t>(rnd_.Below(4)));
      Emit(fbb, fbs::EventBody::ControlOutcomeRecorded, body.Union());
    } else if (roll < 480) {
      const std::string id = RefId("k", controls_);
      auto body = fbs::CreateControlCancelledDirect(fbb, id.c_str(), "reason");
      Emit(fbb, fbs::EventBody::ControlCancelled, body.Union());
    } else if (roll < 530) {
      const std::string id = NewId("s", situations_);
      auto body = fbs::CreateSituationOpenedDirect(fbb, id.c_str(), CellId().c_str(), ("key-" + id).c_str(),
                                                   0, 0, "school", "absenteeism", nullptr);
      Emit(fbb, fbs::EventBody::SituationOpened, body.Union());
    } else if (roll < 570) {
      const std::string id = RefId("s", situations_);
      auto body = fbs::CreateSituationClosedDirect(fbb, id.c_str(), "resolved");
      Emit(fbb, fbs::EventBody::SituationClosed, body.Union());
    } else if (roll < 620) {
      const std::string id = NewId("d", decisions_);
      const std::string situation = rnd_.Chance(30) ? RefId("s", situations_) : std::string();
      auto body = fbs::CreateDecisionRecordedDirect(fbb, id.c_str(), CellId().c_str(), "", situation.c_str(),
                                                    "texte", Partner().c_str(),
                                                    now + static_cast<std::int64_t>(rnd_.Below(90)) * kDay);
      Emit(fbb, fbs::EventBody::DecisionRecorded, body.Union());
    } else if (roll < 660) {
      const std::string id = NewId("d", decisions_);
      auto body = fbs::CreateSituationDecisionRecordedDirect(
          fbb, RefId("s", situations_).c_str(), id.c_str(), "support", Partner().c_str(),
          now + static_cast<std::int64_t>(rnd_.Below(90)) * kDay);
      Emit(fbb, fbs::EventBody::SituationDecisionRecorded, body.Union());
    } else if (roll < 700) {
      auto body = fbs::CreateDecisionCompletedDirect(fbb, RefId("d", decisions_).c_str(), "done");
      Emit(fbb, fbs::EventBody::DecisionCompleted, body.Union());
    } else if (roll < 730) {
      const std::string id = NewId("m", meetings_);
      auto body = fbs::CreateMeetingScheduledDirect(fbb, id.c_str(), CellId().c_str(), now + kDay,
                                                    rnd_.Chance(20), "agenda");
      Emit(fbb, fbs::EventBody::MeetingScheduled, body.Union());
    } else if (roll < 760) {
      const std::string id = RefId("m", meetings_);
      std::vector<flatbuffers::Offset<flatbuffers::String>> offs;
      const std::uint64_t k = rnd_.Below(6);
      for (std::uint64_t j = 0; j < k; ++j) offs.push_back(fbb.CreateString(Partner()));
      auto body = fbs::CreateMeetingRecorded(fbb, fbb.CreateString(id), now, fbb.CreateVector(offs),
                                             fbb.CreateString(rnd_.Chance(80) ? "compte rendu" : ""));
      Emit(fbb, fbs::EventBody::MeetingRecorded, body.Union());
    } else if (roll < 765) {
      auto body = fbs::CreateCellMemberAddedDirect(fbb, CellId().c_str(), Partner().c_str());
      Emit(fbb, fbs::EventBody::CellMemberAdded, body.Union());
    } else if (roll < 770) {
      auto body = fbs::CreateCellMemberRemovedDirect(fbb, CellId().c_str(), Partner().c_str());
      Emit(fbb, fbs::EventBody::CellMemberRemoved, body.Union());
    } else if (roll < 775) {
      const std::string id = NewId("e", commitments_);
      auto body = fbs::CreateCommitmentRecordedDirect(fbb, id.c_str(), "pr1", Partner().c_str(), "texte", "",
                                                      flatbuffers::nullopt, now + 365 * kDay);
      Emit(fbb, fbs::EventBody::CommitmentRecorded, body.Union());
    } else if (roll < 782) {
      static const char* kStatus[] = {"met", "partially_met", "not_met", "dropped"};
      const int year = 2010 + static_cast<int>(rnd_.Below(11));
      auto body = fbs::CreateCommitmentEvaluatedDirect(fbb, RefId("e", commitments_).c_str(), year,
                                                       kStatus[rnd_.Below(4)], "commentaire");
      Emit(fbb, fbs::EventBody::CommitmentEvaluated, body.Union());
    } else if (roll < 850) {
      auto body = fbs::CreateSituationNoteAddedDirect(fbb, RefId("s", situations_).c_str(),
                                                      Id("n", position_).c_str(), "school", 0);
      Emit(fbb, fbs::EventBody::SituationNoteAdded, body.Union());
    } else {
      auto body = fbs::CreateSituationConsultedDirect(fbb, RefId("s", situations_).c_str(), "u1",
                                                      Partner().c_str(), "suivi");
      Emit(fbb, fbs::EventBody::SituationConsulted, body.Union());
    }
  }

  const SyntheticOptions& o_;
  const std::function<void(const EventMeta&, const std::string&, const std::string&)>& sink_;
  Random rnd_;
  std::uint64_t position_ = 0;
  std::uint64_t infos_ = 0, analyses_ = 0, controls_ = 0, situations_ = 0, decisions_ = 0, meetings_ = 0,
                commitments_ = 0;
};

}  // namespace

void GenerateHistory(const SyntheticOptions& options,
                     const std::function<void(const EventMeta& meta, const std::string& type,
                                              const std::string& payload)>& sink) {
  Generator(options, sink).Run();
}

eventstore::NewEvent ToNewEvent(const EventMeta& meta, const std::string& type, const std::string& payload,
                                std::string stream, std::uint8_t tag) {
  eventstore::NewEvent e;
  e.stream = std::move(stream);
  e.type = type;
  e.event_id[0] = tag;
  for (int i = 0; i < 8; ++i) e.event_id[8 + i] = static_cast<std::uint8_t>(meta.position >> (8 * i));
  e.occurred_at_ns = meta.occurred_at_ns;
  e.payload = payload;
  return e;
}

}  // namespace vigie::projections::testing
