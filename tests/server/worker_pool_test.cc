#include "server/worker_pool.h"

#include <atomic>
#include <future>

#include <gtest/gtest.h>

namespace vigie::server {
namespace {

TEST(WorkerPoolTest, RunsTasks) {
  std::promise<int> done;
  WorkerPool pool(2, 8);
  ASSERT_TRUE(pool.TryPost([&] { done.set_value(7); }));
  EXPECT_EQ(done.get_future().get(), 7);
}

TEST(WorkerPoolTest, RefusesBeyondTheQueueBound) {
  // Declared before the pool: its tasks use them until the pool is joined.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  WorkerPool pool(1, 2);
  ASSERT_TRUE(pool.TryPost([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the only worker is busy
  EXPECT_TRUE(pool.TryPost([] {}));
  EXPECT_TRUE(pool.TryPost([] {}));
  EXPECT_FALSE(pool.TryPost([] {}));
  EXPECT_EQ(pool.queue_depth(), 2u);
  release.set_value();
}

TEST(WorkerPoolTest, ShutdownFinishesQueuedTasksThenRefuses) {
  std::atomic<int> ran{0};
  WorkerPool pool(1, 100);  // after `ran`: joined before it goes
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.TryPost([&] { ++ran; }));
  pool.Shutdown();
  EXPECT_EQ(ran, 50);
  EXPECT_FALSE(pool.TryPost([] {}));
}

}  // namespace
}  // namespace vigie::server
