#include "server/descriptor_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <limits>

#include "server/listener.h"

namespace vigie::server {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

std::uint64_t Overhead() { return Listener::kRejectingMax + kDescriptorReserve; }

std::uint64_t Limit(rlim_t value) { return value == RLIM_INFINITY ? kUnlimited : value; }

}  // namespace

std::uint64_t DescriptorsNeeded(std::size_t max_connections) {
  const std::uint64_t connections = max_connections;
  return connections > kUnlimited - Overhead() ? kUnlimited : connections + Overhead();
}

std::size_t ConnectionsWithin(std::uint64_t descriptor_limit, std::size_t max_connections) {
  if (descriptor_limit <= Overhead()) return 0;
  return static_cast<std::size_t>(std::min<std::uint64_t>(max_connections, descriptor_limit - Overhead()));
}

DescriptorLimit RaiseDescriptorLimit(std::size_t max_connections) {
  rlimit limit{};
  // getrlimit cannot fail for RLIMIT_NOFILE; if it did, nothing is known to cap.
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {kUnlimited, kUnlimited};
  DescriptorLimit result{Limit(limit.rlim_cur), Limit(limit.rlim_cur)};
  const std::uint64_t needed = DescriptorsNeeded(max_connections);
  if (result.before >= needed) return result;
  rlimit raised = limit;
  raised.rlim_cur = static_cast<rlim_t>(std::min(needed, Limit(limit.rlim_max)));
  if (raised.rlim_cur > limit.rlim_cur && setrlimit(RLIMIT_NOFILE, &raised) == 0) {
    result.now = Limit(raised.rlim_cur);
  }
  return result;
}

}  // namespace vigie::server
