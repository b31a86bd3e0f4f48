// How many connections fit under a descriptor limit (pure arithmetic; the
// HttpServer's tests start it under low limits).
#include "server/descriptor_limit.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "server/listener.h"

namespace vigie::server::testing {
namespace {

constexpr std::uint64_t kOverhead = Listener::kRejectingMax + kDescriptorReserve;

TEST(DescriptorLimitTest, ConnectionsNeedTheirSocketsBesideRejectionsAndTheReserve) {
  EXPECT_EQ(DescriptorsNeeded(0), kOverhead);
  EXPECT_EQ(DescriptorsNeeded(1024), 1024 + kOverhead);
  EXPECT_EQ(DescriptorsNeeded(std::numeric_limits<std::size_t>::max()),
            std::numeric_limits<std::uint64_t>::max());
}

TEST(DescriptorLimitTest, AllConnectionsFitUnderALimitThatHoldsThem) {
  EXPECT_EQ(ConnectionsWithin(1024 + kOverhead, 1024), 1024u);
  EXPECT_EQ(ConnectionsWithin(std::numeric_limits<std::uint64_t>::max(), 1024), 1024u);
}

TEST(DescriptorLimitTest, FewerFitUnderALowerLimit) {
  EXPECT_EQ(ConnectionsWithin(1024, 1024), 1024 - kOverhead);
  EXPECT_EQ(ConnectionsWithin(kOverhead + 1, 1024), 1u);
}

TEST(DescriptorLimitTest, NoneFitWhenTheReserveTakesEverything) {
  EXPECT_EQ(ConnectionsWithin(kOverhead, 1024), 0u);
  EXPECT_EQ(ConnectionsWithin(64, 1024), 0u);
  EXPECT_EQ(ConnectionsWithin(0, 1024), 0u);
}

}  // namespace
}  // namespace vigie::server::testing
