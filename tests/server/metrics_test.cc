#include "server/metrics.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "tests/server/exposition_check.h"

namespace vigie::server::testing {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(ExpositionCheckTest, AcceptsAWellFormedText) {
  EXPECT_EQ(CheckExposition("# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 3\n"), "");
  EXPECT_EQ(CheckExposition("# HELP g G.\n# TYPE g gauge\ng -1.5e3\n"), "");
}

TEST(ExpositionCheckTest, RefusesWhatPromtoolWould) {
  EXPECT_NE(CheckExposition("a_total 1\n"), "");                                      // no TYPE
  EXPECT_NE(CheckExposition("# HELP a A.\n# TYPE a counter\na 1\n"), "");             // no _total
  EXPECT_NE(CheckExposition("# HELP g G.\n# TYPE g gauge\ng 1"), "");                 // no final newline
  EXPECT_NE(CheckExposition("# HELP g G.\n# TYPE g gauge\ng{a=\"x\"} 1\ng{a=\"x\"} 2\n"), "");
  EXPECT_NE(CheckExposition("# HELP g G.\n# TYPE g gauge\ng{a=x} 1\n"), "");
  EXPECT_NE(CheckExposition("# HELP g G.\n# TYPE g gauge\ng{a=\"\\t\"} 1\n"), "");
  EXPECT_NE(CheckExposition("# HELP g G.\n# TYPE g gauge\ng one\n"), "");
  EXPECT_NE(CheckExposition("# HELP g G.\n# TYPE g gauge\n# HELP h H.\n# TYPE h gauge\ng 1\nh 1\ng{a=\"b\"} 1\n"),
            "");  // not contiguous
  const char* bad_histogram =
      "# HELP h H.\n# TYPE h histogram\n"
      "h_bucket{le=\"1\"} 5\nh_bucket{le=\"2\"} 4\nh_bucket{le=\"+Inf\"} 5\nh_sum 1\nh_count 5\n";
  EXPECT_NE(CheckExposition(bad_histogram), "");
  const char* no_inf = "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_sum 1\nh_count 5\n";
  EXPECT_NE(CheckExposition(no_inf), "");
}

eventstore::StoreStats Stats() {
  eventstore::StoreStats stats;
  stats.commands = 3;
  stats.events = 5;
  stats.batches = 2;
  stats.batch_commands_buckets = {1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
  stats.batch_commands_sum = 3;
  stats.sync_seconds_buckets = {0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2};
  stats.sync_seconds_sum = 0.0025;
  stats.pending = 4;
  return stats;
}

TEST(MetricsTest, EmptyRenderIsWellFormed) {
  Metrics metrics;
  EXPECT_EQ(CheckExposition(metrics.Render(0, {})), "");
}

TEST(MetricsTest, RenderIsWellFormedAfterTraffic) {
  Metrics metrics;
  metrics.ObserveRequest("GET", "/v1/cells/{id}", 200, microseconds(300));
  metrics.ObserveRequest("GET", "/v1/cells/{id}", 200, milliseconds(30));
  metrics.ObserveRequest("GET", "/v1/cells/{id}", 404, milliseconds(1));
  metrics.ObserveRequest("POST", "/v1/commands/{command}", 201, std::chrono::seconds(20));
  metrics.ObserveRequest("BREW", "", 404, microseconds(10));
  metrics.ObserveRequest("GET", "weird \"route\"\\\n", 400, microseconds(10));
  metrics.ObserveCommand("register-partner", "created", 1);
  metrics.ObserveCommand("register-partner", "already_exists", 0);
  metrics.ConnectionOpened();
  metrics.SubscriberAdded();
  std::string text = metrics.Render(42, Stats());
  EXPECT_EQ(CheckExposition(text), "") << text;
  EXPECT_NE(text.find("vigie_log_size 42\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_http_requests_total{method=\"GET\",route=\"/v1/cells/{id}\",status=\"200\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("vigie_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/commands/{command}\","
                      "status=\"201\",le=\"10\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("method=\"other\",route=\"unmatched\""), std::string::npos);
  EXPECT_NE(text.find("vigie_appended_events_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_http_connections_open 1\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_sync_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_batch_commands_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_batch_commands_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_pending_commands 4\n"), std::string::npos);
}

TEST(MetricsTest, LatencyLandsInTheRightBucket) {
  Metrics metrics;
  metrics.ObserveRequest("GET", "/healthz", 200, microseconds(700));  // (0.0005, 0.001]
  std::string text = metrics.Render(0, {});
  const std::string labels = "method=\"GET\",route=\"/healthz\",status=\"200\"";
  EXPECT_NE(text.find("_bucket{" + labels + ",le=\"0.0005\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("_bucket{" + labels + ",le=\"0.001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("_bucket{" + labels + ",le=\"+Inf\"} 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace vigie::server::testing
