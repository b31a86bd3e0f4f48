// StateCodec: encoding and decoding give back the same state, on the ZSP
// scenario at every size and on synthetic histories full of overwrites;
// anything else is refused, never read past its end.
#include "projections/state_codec.h"

#include <gtest/gtest.h>

#include <malloc.h>

#include <memory>
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

// A synthetic history of `events` events folded into a state.
FoldedState FoldSynthetic(std::uint64_t events, bool chaos) {
  testing::SyntheticOptions options;
  options.events = events;
  options.chaos = chaos;
  FoldedState folded;
  testing::GenerateHistory(options, [&](const EventMeta& meta, const std::string&, const std::string& payload) {
    (void)ApplyPayload(folded.state, meta, payload);
    folded.last_recorded_at_ns = meta.recorded_at_ns;
  });
  return folded;
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
    // Enough events for an encoding of many chunks (state_codec.h).
    const FoldedState folded = FoldSynthetic(20000, chaos);
    ASSERT_EQ(folded.state.size, 20000u);
    ExpectRoundTrip(folded);
  }
}

// The estimate the as-of cache is bounded by, against what malloc really
// gave out for a copy of the state (glibc's accounting, which counts chunk
// overhead; not available under sanitizers, whose allocators replace it).
TEST(StateCodecTest, ApproximateBytesIsNearWhatTheStateAllocates) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizer's allocator does not keep glibc's accounting";
#else
  const FoldedState folded = FoldSynthetic(20000, false);
  const std::size_t before = mallinfo2().uordblks;
  auto copy = std::make_unique<FoldedState>(folded);
  const std::size_t allocated = mallinfo2().uordblks - before;
  const std::size_t estimate = ApproximateBytes(*copy);
  RecordProperty("allocated", std::to_string(allocated));
  RecordProperty("estimate", std::to_string(estimate));
  EXPECT_GT(estimate, allocated / 2) << "allocated " << allocated;
  EXPECT_LT(estimate, allocated * 2) << "allocated " << allocated;
  FoldedState empty;
  EXPECT_LT(ApproximateBytes(empty), estimate / 100);
#endif
}

// Two threads, each taking the next section, write the same bytes as one
// and read them back the same (in the TSan set: "Concurren").
TEST(StateCodecTest, TwoThreadsEncodeAndDecodeConcurrently) {
  // 20 000 events: a state of several MiB, which kAuto would also split.
  const FoldedState folded = FoldSynthetic(20000, true);
  const std::string one = EncodeState(folded, CodecThreads::kOne);
  const std::string two = EncodeState(folded, CodecThreads::kTwo);
  ASSERT_EQ(one, two);
  for (CodecThreads threads : {CodecThreads::kOne, CodecThreads::kTwo}) {
    Result<FoldedState> decoded = DecodeState(two, threads);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().ToString();
    EXPECT_EQ(decoded->state.size, folded.state.size);
    EXPECT_EQ(EncodeState(*decoded, CodecThreads::kOne), one);
  }
  // A corrupt section is refused by two threads as by one.
  std::string flipped = two;
  flipped[flipped.size() - 10] ^= 0x5a;
  EXPECT_EQ(DecodeState(flipped, CodecThreads::kOne).has_value(),
            DecodeState(flipped, CodecThreads::kTwo).has_value());
  EXPECT_FALSE(DecodeState(two.substr(0, two.size() - 1), CodecThreads::kTwo).has_value());
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
  EXPECT_FALSE(DecodeState("VSS2" + bytes.substr(4)).has_value());
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
