// Apply against payloads the FlatBuffers verifier accepts but Vigie never
// writes (a union type without its table), and against records read from
// unaligned bytes. Found by fuzzing: a DomainEvent with a body_type and no
// body crashed every fold (hence every open) of a log that held it.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "eventstore/event_store.h"
#include "projections/ledger.h"
#include "projections/state.h"
#include "projections/state_at.h"
#include "schemas/events_generated.h"
#include "tests/projections/domain_test_support.h"

namespace vigie::projections {
namespace {

namespace fbs = vigie::schema;
using domain_testing::CountingRandom;
using domain_testing::TempDir;

std::string Finish(flatbuffers::FlatBufferBuilder& fbb, flatbuffers::Offset<fbs::DomainEvent> root) {
  fbs::FinishDomainEventBuffer(fbb, root);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

// A DomainEvent whose union says `type` but holds no table.
std::string Bodiless(fbs::EventBody type) {
  flatbuffers::FlatBufferBuilder fbb;
  fbs::DomainEventBuilder b(fbb);
  b.add_body_type(type);
  return Finish(fbb, b.Finish());
}

std::string PartnerRegistered(const std::string& id) {
  flatbuffers::FlatBufferBuilder fbb;
  auto body = fbs::CreatePartnerRegisteredDirect(fbb, id.c_str(), "Police municipale", "police");
  return Finish(fbb, fbs::CreateDomainEvent(fbb, fbs::EventBody::PartnerRegistered, body.Union()));
}

bool Verifies(const std::string& payload) {
  flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size());
  return fbs::VerifyDomainEventBuffer(verifier);
}

TEST(ApplyRobustnessTest, EveryBodilessTypeIsRefusedWithItsPosition) {
  for (int t = 1; t <= static_cast<int>(fbs::EventBody::MAX); ++t) {
    const auto type = static_cast<fbs::EventBody>(t);
    const std::string payload = Bodiless(type);
    ASSERT_TRUE(Verifies(payload)) << "the verifier is expected to accept it: " << t;
    State state;
    EventMeta meta;
    meta.position = 7;
    state.size = 7;
    const Status folded = ApplyPayload(state, meta, payload);
    EXPECT_EQ(folded.code(), StatusCode::kDataLoss) << t;
    EXPECT_NE(folded.message().find("position 7"), std::string::npos) << folded.message();
    EXPECT_NE(folded.message().find(fbs::EnumNameEventBody(type)), std::string::npos)
        << folded.message();
    EXPECT_EQ(state.size, 8u) << "a refused event is still folded past";
    EXPECT_TRUE(state.partners.empty());
  }
}

TEST(ApplyRobustnessTest, UnknownBodyTypeIsRefused) {
  const std::string payload = Bodiless(static_cast<fbs::EventBody>(200));
  State state;
  EventMeta meta;
  meta.position = 3;
  const Status folded = ApplyPayload(state, meta, payload);
  EXPECT_EQ(folded.code(), StatusCode::kDataLoss);
  EXPECT_NE(folded.message().find("position 3"), std::string::npos) << folded.message();
}

TEST(ApplyRobustnessTest, NoBodyAtAllIsRefused) {
  flatbuffers::FlatBufferBuilder fbb;
  fbs::DomainEventBuilder b(fbb);
  const std::string payload = Finish(fbb, b.Finish());
  State state;
  const Status folded = ApplyPayload(state, EventMeta{}, payload);
  EXPECT_EQ(folded.code(), StatusCode::kDataLoss);
}

// A payload at every offset of a buffer folds the same as an aligned one.
TEST(ApplyRobustnessTest, UnalignedPayloadsFoldLikeAlignedOnes) {
  const std::string payload = PartnerRegistered("pm");
  for (std::size_t offset = 0; offset < 8; ++offset) {
    std::vector<std::uint64_t> storage(payload.size() / 8 + 2);
    char* at = reinterpret_cast<char*>(storage.data()) + offset;
    std::memcpy(at, payload.data(), payload.size());
    State state;
    EventMeta meta;
    meta.occurred_at_ns = 42;
    ASSERT_TRUE(ApplyPayload(state, meta, std::string_view(at, payload.size())).ok()) << offset;
    ASSERT_TRUE(state.partners.contains("pm")) << offset;
    EXPECT_EQ(state.partners.at("pm").kind, "police");
    EXPECT_EQ(NameAt(state.partners.at("pm").names, 42), "Police municipale");
  }
}

// The crash as users met it: a log holding such an event (imported, or
// written by another tool) must still open, skipping that one event.
class BodilessInTheLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(eventstore::EventStore::Init(store_dir_.path(), "vigie.test").has_value());
    eventstore::StoreOptions options;
    options.sync = false;
    options.checkpoint_every_events = 0;
    auto store = eventstore::EventStore::Open(store_dir_.path(), options);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    AppendPayload("partner-pm", "PartnerRegistered", PartnerRegistered("pm"), 1);
    AppendPayload("partner-x", "PartnerRegistered", Bodiless(fbs::EventBody::PartnerRegistered), 2);
    AppendPayload("partner-pn", "PartnerRegistered", PartnerRegistered("pn"), 3);
  }

  void AppendPayload(const std::string& stream, const std::string& type, const std::string& payload,
                     std::uint8_t id) {
    eventstore::AppendRequest request;
    eventstore::NewEvent event;
    event.stream = stream;
    event.type = type;
    event.event_id[15] = id;
    event.occurred_at_ns = 1'000'000'000LL * id;
    event.payload = payload;
    request.events.push_back(std::move(event));
    ASSERT_TRUE(store_->Append(std::move(request)).has_value());
  }

  TempDir store_dir_{"vigie-apply-store"};
  TempDir key_dir_{"vigie-apply-keys"};
  std::unique_ptr<eventstore::EventStore> store_;
};

TEST_F(BodilessInTheLogTest, AsOfStatesSkipIt) {
  StateAt states(store_.get());
  ASSERT_TRUE(states.CatchUp().ok());
  EXPECT_EQ(states.live_size(), 3u);
  EXPECT_EQ(states.skipped_events(), 1u);
  auto folded = states.Materialize(2);
  ASSERT_TRUE(folded.has_value()) << folded.error().ToString();
  EXPECT_EQ((*folded)->state.size, 2u);
  EXPECT_TRUE((*folded)->state.partners.contains("pm"));
  auto view = states.View(AsOf{});
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->now().partners.contains("pn"));
  EXPECT_EQ(view->now().partners.size(), 2u);
}

TEST_F(BodilessInTheLogTest, TheLedgerOpens) {
  LedgerOptions options;
  options.key_dir = key_dir_.path();
  options.random = CountingRandom(1);
  auto ledger = Ledger::Open(store_.get(), options);
  ASSERT_TRUE(ledger.has_value()) << ledger.error().ToString();
}

}  // namespace
}  // namespace vigie::projections
