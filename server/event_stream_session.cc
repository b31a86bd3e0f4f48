#include "server/event_stream_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/write.hpp>

#include "server/problem.h"
#include "server/router_internal.h"

namespace vigie::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

}  // namespace

EventStreamSession::EventStreamSession(beast::tcp_stream&& stream, ConnectionTicket ticket,
                                       ServerContext& context, EventStreamStart start)
    : stream_(std::move(stream)),
      executor_(stream_.get_executor()),
      heartbeat_(executor_),
      ticket_(std::move(ticket)),
      context_(context),
      start_(std::move(start)) {}

EventStreamSession::~EventStreamSession() {
  if (closed_) return;
  {
    std::lock_guard lock(gate_->mutex);
    gate_->open = false;
  }
  if (subscription_id_) context_.store.Unsubscribe(*subscription_id_);
  if (counted_) context_.metrics.SubscriberRemoved();
}

void EventStreamSession::Run() {
  ticket_.Attach(weak_from_this());
  net::dispatch(executor_, [self = shared_from_this()] {
    const auto duration = std::chrono::steady_clock::now() - self->start_.started;
    self->context_.metrics.ObserveRequest(self->start_.method, "/v1/subscribe", 200, duration);
    self->context_.log.Write({self->start_.request_id, self->start_.method, "/v1/subscribe", 200,
                              duration, self->start_.peer, {},
                              self->start_.subscription.caller.person_id, {}});

    auto& header = self->header_;
    header.version(11);
    header.result(http::status::ok);
    header.set(http::field::content_type, "text/event-stream");
    header.set(http::field::cache_control, "no-store");
    header.set("X-Content-Type-Options", "nosniff");
    header.set("X-Request-Id", self->start_.request_id);
    header.keep_alive(false);  // the stream ends with the connection
    header.chunked(true);
    self->serializer_.emplace(header);
    self->stream_.expires_after(self->context_.options.write_timeout);
    http::async_write_header(self->stream_, *self->serializer_,
                             beast::bind_front_handler(&EventStreamSession::OnHeaderWritten, self));
  });
}

void EventStreamSession::Shutdown(bool) {
  net::post(executor_, [self = shared_from_this()] { self->Close(); });
}

void EventStreamSession::OnHeaderWritten(beast::error_code ec, std::size_t) {
  if (ec || closed_) return Close();
  context_.metrics.SubscriberAdded();
  counted_ = true;

  // Runs on the store's writer thread: only post, and only while open.
  subscription_id_ = context_.store.Subscribe(
      [gate = gate_, executor = executor_, weak = weak_from_this()](std::uint64_t size) {
        std::lock_guard lock(gate->mutex);
        if (!gate->open) return;
        net::post(executor, [weak, size] {
          if (auto self = weak.lock()) self->OnStoreSize(size);
        });
      });
  next_ = start_.subscription.from;
  known_size_ = context_.store.Size();
  heartbeat_.expires_after(context_.options.sse_heartbeat);
  heartbeat_.async_wait(beast::bind_front_handler(&EventStreamSession::OnHeartbeat, shared_from_this()));
  Pump();
}

void EventStreamSession::OnStoreSize(std::uint64_t size) {
  if (closed_) return;
  known_size_ = std::max(known_size_, size);
  Pump();
}

void EventStreamSession::Pump() {
  if (closed_ || reading_ || writing_ || next_ >= known_size_) return;
  reading_ = true;
  auto self = shared_from_this();
  bool accepted = PostWork(context_, [self, from = next_] {
    Result<EventStreamPage> page = [&]() -> Result<EventStreamPage> {
      try {
        return self->context_.router.ReadEventStreamPage(self->start_.subscription, from,
                                                         self->context_.options.sse_page_events);
      } catch (const std::exception& e) {
        return Fail(Internal(std::string("exception while reading events: ") + e.what()));
      }
    }();
    net::post(self->executor_, [self, page = std::move(page)]() mutable { self->OnPage(std::move(page)); });
  });
  // A full pool is retried on the next store notification or heartbeat.
  if (!accepted) reading_ = false;
}

void EventStreamSession::OnPage(Result<EventStreamPage> page) {
  reading_ = false;
  if (closed_) return;
  if (!page) {
    // A subscriber refused since it subscribed (revoked) leaves the same
    // log line as a refused request.
    Response problem = ProblemFromStatus(page.error());
    NoteDenial(problem, start_.subscription.caller.person_id);
    if (!problem.log_note.empty() || !problem.denial.empty()) {
      context_.log.Write({start_.request_id, start_.method, "/v1/subscribe", problem.status,
                          std::chrono::steady_clock::now() - start_.started, start_.peer,
                          problem.log_note, problem.person_id, problem.denial});
    }
    close_after_write_ = true;
    return Write("event: error\ndata: " + problem.body + "\n\n");
  }
  if (page->next <= next_) {
    // Nothing new to read yet (the ledger lags the store): wait for the next size.
    known_size_ = next_;
    return;
  }
  next_ = page->next;
  Write(std::move(page->text));
}

void EventStreamSession::Write(std::string text) {
  writing_ = true;
  chunk_ = std::move(text);
  stream_.expires_after(context_.options.write_timeout);
  net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                   beast::bind_front_handler(&EventStreamSession::OnWritten, shared_from_this()));
}

void EventStreamSession::OnWritten(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    // The client did not take one page within write_timeout: drop it.
    if (ec == beast::error::timeout) context_.metrics.SubscriberDropped();
    return Close();
  }
  if (close_after_write_) return Close();
  Pump();
}

void EventStreamSession::OnHeartbeat(beast::error_code ec) {
  if (ec || closed_) return;
  Pump();
  if (!reading_ && !writing_) Write(": keep-alive\n\n");
  heartbeat_.expires_after(context_.options.sse_heartbeat);
  heartbeat_.async_wait(beast::bind_front_handler(&EventStreamSession::OnHeartbeat, shared_from_this()));
}

void EventStreamSession::Close() {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(gate_->mutex);
    gate_->open = false;
  }
  if (subscription_id_) context_.store.Unsubscribe(*subscription_id_);
  if (counted_) context_.metrics.SubscriberRemoved();
  heartbeat_.cancel();
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace vigie::server
