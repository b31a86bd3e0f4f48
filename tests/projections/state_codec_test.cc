// StateCodec: encoding and decoding give back the same state, on the ZSP
// scenario at every size and on synthetic histories full of overwrites;
// anything else is refused, never read past its end.
#include "projections/state_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/projections/synthetic_history.h"
#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

// Equal encodings after a round trip: every field came back (the encoding
// walks them all), and a second round changes nothing.
void ExpectRoundTrip(const FoldedState& folded) {
  const std::string bytes = EncodeState(folded);
  Result<FoldedState> decoded = DecodeState(bytes);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
  EXPECT_EQ(decoded->state.size, folded.state.size);
  EXPECT_EQ(decoded->last_recorded_at_ns, folded.last_recorded_at_ns);
  EXPECT_EQ(EncodeState(*decoded), bytes);
}

TEST(StateCodecTest, ZspScenarioAtEverySize) {
  const testing::ZspScenario scenario = testing::BuildZspScenario();
  for (std::uint64_t n = 0; n <= scenario.size_all; ++n) {
    FoldedState folded;
    folded.state = scenario.FoldTo(n);
    folded.last_recorded_at_ns = static_cast<std::int64_t>(n) * -7;  // negative values too
    ExpectRoundTrip(folded);
  }
}

TEST(StateCodecTest, SyntheticHistories) {
  for (bool chaos : {false, true}) {
    testing::SyntheticOptions options;
    // Enough events for an encoding of many chunks (state_codec.h).
    options.events = 20000;
    options.chaos = chaos;
    FoldedState folded;
    testing::GenerateHistory(options, [&](const EventMeta& meta, const std::string&, const std::string& payload) {
      (void)ApplyPayload(folded.state, meta, payload);
      folded.last_recorded_at_ns = meta.recorded_at_ns;
    });
    ASSERT_EQ(folded.state.size, 20000u);
    ExpectRoundTrip(folded);
  }
}

TEST(StateCodecTest, DifferentStatesEncodeDifferently) {
  FoldedState a, b;
  a.state.partners["p1"].names.push_back({"Police", 1});
  b.state.partners["p1"].names.push_back({"Police", 2});
  EXPECT_NE(EncodeState(a), EncodeState(b));
}

TEST(StateCodecTest, RefusesWhatItDidNotWrite) {
  const testing::ZspScenario scenario = testing::BuildZspScenario();
  FoldedState folded;
  folded.state = scenario.Fold();
  const std::string bytes = EncodeState(folded);
  EXPECT_FALSE(DecodeState("").has_value());
  EXPECT_FALSE(DecodeState("VSS1").has_value());
  EXPECT_FALSE(DecodeState("XSS1" + bytes.substr(4)).has_value());
  for (std::size_t cut : {bytes.size() - 1, bytes.size() / 2, std::size_t{5}}) {
    EXPECT_FALSE(DecodeState(bytes.substr(0, cut)).has_value()) << "cut at " << cut;
  }
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x5a;
  // A flipped byte is either refused or decodes to some other state; it
  // never reads out of bounds (run under the sanitizers).
  (void)DecodeState(flipped);
}

}  // namespace
}  // namespace vigie::projections
