// The auditors' JSON of stored events, and the identifiers the ledger makes.
#include "projections/event_json.h"

#include <boost/json/serialize.hpp>
#include <flatbuffers/flatbuffers.h>
#include <gtest/gtest.h>

#include "eventstore/merkle_tree.h"
#include "eventstore/signed_note.h"
#include "projections/event_ids.h"
#include "schemas/events_generated.h"
#include "tests/projections/domain_test_support.h"

namespace vigie::projections::domain_testing {
namespace {

namespace fbs = vigie::schema;
namespace json = boost::json;

template <typename Body>
std::string Payload(Body body) {
  fbs::DomainEventT event;
  event.body.Set(std::move(body));
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(fbs::DomainEvent::Pack(builder, &event), fbs::DomainEventIdentifier());
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

TEST(EventJsonTest, PayloadShowsEveryFieldAndSealedBytesAsBase64) {
  fbs::SituationOpenedT opened;
  opened.situation_id = "s1";
  opened.cell_id = "partenariale";
  opened.key_id = "00112233445566778899aabbccddeeff";
  opened.pseudonym = std::make_unique<fbs::SealedT>();
  opened.pseudonym->key_id = opened.key_id;
  opened.pseudonym->nonce.assign(12, 0xAB);
  opened.pseudonym->ciphertext = {1, 2, 3};
  opened.need_to_know = {"ville", "éducation"};
  Result<json::value> payload = PayloadJson(Payload(std::move(opened)));
  ASSERT_TRUE(payload.has_value()) << payload.error().ToString();
  EXPECT_EQ(payload->at("situation_id"), "s1");
  EXPECT_EQ(payload->at("need_to_know").at(1), "éducation");
  EXPECT_EQ(payload->at("pseudonym").at("nonce").as_string(), note::Base64Encode(std::string(12, '\xAB')));
  EXPECT_EQ(payload->at("pseudonym").at("ciphertext"), "AQID");
  EXPECT_FALSE(payload->as_object().contains("body_type"));
}

TEST(EventJsonTest, OptionalScalarsAndDefaults) {
  fbs::CommitmentRecordedT without;
  without.commitment_id = "c1";
  Result<json::value> a = PayloadJson(Payload(std::move(without)));
  ASSERT_TRUE(a.has_value());
  const json::value* target = a->as_object().if_contains("target");
  EXPECT_TRUE(target == nullptr || target->is_null()) << json::serialize(*a);
  EXPECT_EQ(a->at("due").to_number<std::int64_t>(), 0);
  fbs::CommitmentRecordedT with;
  with.commitment_id = "c1";
  with.target = 12.5;
  Result<json::value> b = PayloadJson(Payload(std::move(with)));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->at("target").to_number<double>(), 12.5);
}

TEST(EventJsonTest, RefusesBytesThatAreNotAnEvent) {
  EXPECT_EQ(PayloadJson("not a flatbuffer").error().code(), StatusCode::kDataLoss);
  EXPECT_EQ(PayloadJson("").error().code(), StatusCode::kDataLoss);
}

TEST(EventJsonTest, StoredEventCarriesRecordAndLeafHash) {
  eventstore::StoredEvent e;
  e.position = 7;
  e.stream = "partner-ddsp";
  e.version = 1;
  e.type = "PartnerRenamed";
  e.command_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  e.recorded_at_ns = 1'700'000'000'000'000'000;
  e.occurred_at_ns = 1'700'000'000'500'000'000;
  e.actor = {"admin", "", "admin"};
  fbs::PartnerRenamedT renamed;
  renamed.partner_id = "ddsp";
  renamed.name = "DDPN";
  e.payload = Payload(std::move(renamed));
  e.record = "stored record bytes";
  json::object o = StoredEventJson(e);
  EXPECT_EQ(o.at("position").to_number<std::uint64_t>(), 7u);
  EXPECT_EQ(o.at("recorded_at"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(o.at("occurred_at"), "2023-11-14T22:13:20.5Z");
  EXPECT_EQ(o.at("actor").at("role"), "admin");
  EXPECT_EQ(o.at("payload").at("name"), "DDPN");
  EXPECT_EQ(o.at("record").as_string(), note::Base64Encode("stored record bytes"));
  EXPECT_EQ(o.at("leaf_hash").as_string(), merkle::ToHex(merkle::HashLeaf(std::string_view("stored record bytes"))));
  e.payload = "garbage";
  json::object bad = StoredEventJson(e);
  EXPECT_TRUE(bad.at("payload").is_null());
  EXPECT_TRUE(bad.contains("payload_error"));
}

TEST(EventIdsTest, EventIdsDeriveFromTheCommand) {
  const eventstore::EventId a = DeriveEventId("0f8fad5b-d9cb-469f-a165-70867728950e", 0);
  EXPECT_EQ(a, DeriveEventId("0f8fad5b-d9cb-469f-a165-70867728950e", 0));
  EXPECT_NE(a, DeriveEventId("0f8fad5b-d9cb-469f-a165-70867728950e", 1));
  EXPECT_NE(a, DeriveEventId("1f8fad5b-d9cb-469f-a165-70867728950e", 0));
  const std::string text = FormatUuid(a);
  EXPECT_EQ(text.size(), 36u);
  EXPECT_EQ(text[14], '8');  // version 8
  EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos);
}

TEST(EventIdsTest, TokensAreUnpaddedBase64UrlOf256Bits) {
  RandomSource random = CountingRandom(3);
  const std::string token = NewBearerToken(random);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(NewBearerToken(random), token);
  EXPECT_EQ(TokenHash(token).size(), 32u);
  const std::string uuid = RandomUuid(random);
  EXPECT_EQ(uuid[14], '4');
}

}  // namespace
}  // namespace vigie::projections::domain_testing
