#pragma once
// Await: the synchronous form of a call that answers through a callback.
//
//   Result<AppendResult> r = Await<Result<AppendResult>>([&](auto answer) {
//     store.AppendAsync(std::move(request), std::move(answer));
//   });
//
// `start` gets a callable that takes the answer; it must call it exactly
// once, on any thread, now or later. Await blocks until then and returns
// the answer. The callable holds only a pointer to a promise on Await's
// stack: std::promise::set_value does not touch the promise once the
// answer is visible to the waiter, so returning then is safe. What the
// answering thread does after the callable returned is the caller's to
// wait for (Router's destructor waits for its commands, for instance).
#include <future>
#include <utility>

namespace vigie {

template <typename T, typename Start>
T Await(Start&& start) {
  std::promise<T> promise;
  std::future<T> future = promise.get_future();
  std::forward<Start>(start)([promise = &promise](T answer) { promise->set_value(std::move(answer)); });
  return future.get();
}

}  // namespace vigie
