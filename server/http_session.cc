#include "server/http_session.h"

#include <atomic>
#include <functional>
#include <memory>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "server/event_stream_session.h"
#include "server/problem.h"

namespace vigie::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

// After refusing a request it did not read whole (400, 413, 431), the
// session reads and discards what the client still sends for this long (at
// most body_bytes_max), so that closing the socket does not reset the
// connection before the client has read the refusal.
constexpr std::chrono::milliseconds kLingerTime{1000};

std::string PeerOf(const net::ip::tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("-") : endpoint.address().to_string();
}

// The router must not throw, but the ledger behind it is third-party code
// to this edge: an exception becomes a 500, never a dead connection.
Response HandleSafely(const Router& router, const Request& request) {
  try {
    return router.Handle(request);
  } catch (const std::exception& e) {
    return ProblemFromStatus(Internal(std::string("exception while handling: ") + e.what()));
  }
}

// The same through Router::HandleAsync: `deliver` gets exactly one answer,
// now or later (from the store's thread, for a command). With !may_wait,
// through Router::TryHandleAsync: false when it left the request (then
// `deliver` is not called).
bool HandleSafelyAsync(const Router& router, const Request& request, std::function<void(Response)> deliver,
                       bool may_wait = true) {
  auto delivered = std::make_shared<std::atomic<bool>>(false);
  auto once = [delivered, deliver = std::move(deliver)](Response response) {
    if (!delivered->exchange(true)) deliver(std::move(response));
  };
  try {
    if (!may_wait) return router.TryHandleAsync(request, once);
    router.HandleAsync(request, once);
  } catch (const std::exception& e) {
    once(ProblemFromStatus(Internal(std::string("exception while handling: ") + e.what())));
  }
  return true;
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, ConnectionTicket ticket,
                         ServerContext& context)
    : stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      handling_timer_(executor_),
      ticket_(std::move(ticket)),
      context_(context),
      peer_(PeerOf(stream_.socket())) {}

void HttpSession::Run() {
  ticket_.Attach(weak_from_this());
  net::dispatch(executor_, beast::bind_front_handler(&HttpSession::WaitForRequest, shared_from_this()));
}

void HttpSession::Shutdown(bool force) {
  net::post(executor_, [self = shared_from_this(), force] {
    self->shutdown_requested_ = true;
    if (force || self->state_ == State::kIdle) self->Close();
  });
}

void HttpSession::WaitForRequest() {
  if (shutdown_requested_ || context_.stopping) return Close();
  state_ = State::kIdle;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_.options.header_bytes_max));
  parser_->body_limit(context_.options.body_bytes_max);
  if (buffer_.size() > 0) return ReadHeader();  // the next request already arrived
  stream_.expires_after(context_.options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096),
                          beast::bind_front_handler(&HttpSession::OnFirstBytes, shared_from_this()));
}

void HttpSession::OnFirstBytes(beast::error_code ec, std::size_t bytes) {
  if (ec) return Close();  // idle timeout, peer gone, or Shutdown
  buffer_.commit(bytes);
  ReadHeader();
}

void HttpSession::ReadHeader() {
  state_ = State::kReading;
  // One deadline for the whole request: a client trickling bytes (slowloris)
  // is cut after read_timeout however steadily it sends.
  stream_.expires_after(context_.options.read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnHeader, shared_from_this()));
}

void HttpSession::OnHeader(beast::error_code ec, std::size_t) {
  if (ec) return OnReadFailed(ec);
  const auto& header = parser_->get();
  auto expect = header[http::field::expect];
  if (!parser_->is_done() && beast::iequals(expect, "100-continue")) {
    auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    stream_.expires_after(context_.options.write_timeout);
    http::async_write(stream_, *go_on,
                      [self = shared_from_this(), go_on](beast::error_code write_ec, std::size_t) {
                        if (write_ec) return self->Close();
                        self->stream_.expires_after(self->context_.options.read_timeout);
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void HttpSession::ReadBody() {
  if (parser_->is_done()) return Dispatch();
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::OnBody, shared_from_this()));
}

void HttpSession::OnBody(beast::error_code ec, std::size_t) {
  if (ec) return OnReadFailed(ec);
  Dispatch();
}

void HttpSession::OnReadFailed(beast::error_code ec) {
  if (ec == beast::error::timeout) {
    context_.metrics.ReadTimedOut();
    return Close();
  }
  if (ec == http::error::header_limit) {
    return Refuse(431, "the request header is larger than " +
                           std::to_string(context_.options.header_bytes_max) + " bytes");
  }
  if (ec == http::error::body_limit) {
    return Refuse(413, "the body is larger than " + std::to_string(context_.options.body_bytes_max) +
                           " bytes");
  }
  if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return Refuse(400, "malformed HTTP request: " + ec.message());
  }
  Close();  // the peer went away
}

void HttpSession::Dispatch() {
  ++generation_;
  started_ = Clock::now();
  request_id_ = RequestLog::NewRequestId();

  auto& message = parser_->get();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  method_ = request.method;
  keep_alive_ = message.keep_alive();
  parser_.reset();

  const RouteInfo* route = context_.router.Match(request.method, request.target);
  route_ = route ? std::string(route->pattern) : std::string();
  if (route == nullptr || route->kind == RouteKind::kInline) {
    return Answer(HandleSafely(context_.router, request), !keep_alive_);
  }

  state_ = State::kHandling;
  auto self = shared_from_this();
  const std::uint64_t generation = generation_;
  bool accepted = false;
  // The answer, now or later, from any thread: back to this strand.
  auto deliver = [self, generation](Response response) {
    net::post(self->executor_, [self, generation, response = std::move(response)]() mutable {
      self->OnHandled(generation, std::move(response));
    });
  };
  bool handled_here = false;
  if (route->kind == RouteKind::kCommand && context_.options.commands_on_io_threads) {
    // Decided and handed to the store here, unless a step would wait.
    handled_here = HandleSafelyAsync(context_.router, request, deliver, /*may_wait=*/false);
    context_.metrics.CommandTriedOnIoThread(handled_here);
  }
  if (handled_here) {
    accepted = true;
  } else if (route->kind == RouteKind::kBlocking || route->kind == RouteKind::kCommand) {
    // The worker is free again as soon as the handler returns: a command
    // is answered from the store's thread once durable, not waited for.
    accepted = PostWork(context_, [self, request = std::move(request), deliver]() mutable {
      HandleSafelyAsync(self->context_.router, request, std::move(deliver));
    });
  } else {
    accepted = PostWork(context_, [self, generation, request = std::move(request)] {
      Parsed<Subscription> subscription = self->context_.router.OpenSubscription(request);
      net::post(self->executor_, [self, generation, subscription = std::move(subscription)]() mutable {
        self->StartEventStream(generation, std::move(subscription));
      });
    });
  }
  if (!accepted) return Answer(Problem(503, "the server is busy; retry shortly"), !keep_alive_);
  handling_timer_.expires_after(context_.options.handling_timeout);
  handling_timer_.async_wait(
      beast::bind_front_handler(&HttpSession::OnHandlingTimeout, self, generation));
}

void HttpSession::OnHandled(std::uint64_t generation, Response response) {
  if (generation != generation_ || state_ != State::kHandling) return;  // answered by the timeout
  handling_timer_.cancel();
  Answer(std::move(response), !keep_alive_);
}

void HttpSession::OnHandlingTimeout(std::uint64_t generation, beast::error_code ec) {
  if (ec || generation != generation_ || state_ != State::kHandling) return;
  context_.metrics.HandlingTimedOut();
  Answer(Problem(503, "the request took longer than " +
                          std::to_string(context_.options.handling_timeout.count()) +
                          " ms; a command may still be recorded: retry it with the same command_id"),
         !keep_alive_);
}

void HttpSession::StartEventStream(std::uint64_t generation, Parsed<Subscription> subscription) {
  if (generation != generation_ || state_ != State::kHandling) return;
  handling_timer_.cancel();
  if (!subscription) return Answer(std::move(subscription.error()), !keep_alive_);
  if (shutdown_requested_ || context_.stopping) {
    return Answer(Problem(503, "the server is stopping"), true);
  }
  state_ = State::kClosing;
  handed_off_ = true;
  EventStreamStart start{std::move(*subscription), request_id_, method_, peer_, started_};
  std::make_shared<EventStreamSession>(std::move(stream_), std::move(ticket_), context_, std::move(start))
      ->Run();
}

void HttpSession::Refuse(int status, std::string detail) {
  ++generation_;
  started_ = Clock::now();
  request_id_ = RequestLog::NewRequestId();
  method_ = parser_ && parser_->is_header_done() ? std::string(parser_->get().method_string()) : "-";
  route_.clear();
  keep_alive_ = false;
  unread_request_ = true;
  Answer(Problem(status, std::move(detail)), true);
}

void HttpSession::Answer(Response response, bool close) {
  state_ = State::kWriting;
  if (shutdown_requested_ || context_.stopping) close = true;
  if (response.route.empty()) response.route = route_;

  const auto duration = Clock::now() - started_;
  context_.metrics.ObserveRequest(method_, response.route, response.status, duration);
  context_.log.Write({request_id_, method_, response.route, response.status, duration, peer_,
                      response.log_note, response.person_id, response.denial});

  auto message = std::make_shared<http::response<http::string_body>>();
  message->version(11);
  message->result(static_cast<unsigned>(response.status));
  if (!response.content_type.empty()) message->set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message->set(name, value);
  if (response.Header("Cache-Control").empty()) message->set(http::field::cache_control, "no-store");
  message->set("X-Content-Type-Options", "nosniff");
  message->set("X-Request-Id", request_id_);
  message->body() = std::move(response.body);
  message->keep_alive(!close);
  message->prepare_payload();
  response_ = message;

  stream_.expires_after(context_.options.write_timeout);
  http::async_write(stream_, *message,
                    beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(), close));
}

void HttpSession::OnWrite(bool close, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec) return Close();
  // Only a refused request may leave bytes unread; otherwise close at once.
  if (unread_request_) return LingeringClose();
  if (close || shutdown_requested_) return Close();
  WaitForRequest();
}

void HttpSession::LingeringClose() {
  state_ = State::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  buffer_.clear();
  linger_bytes_ = 0;
  stream_.expires_after(kLingerTime);
  stream_.async_read_some(buffer_.prepare(16 * 1024),
                          beast::bind_front_handler(&HttpSession::OnLinger, shared_from_this()));
}

void HttpSession::OnLinger(beast::error_code ec, std::size_t bytes) {
  linger_bytes_ += bytes;
  if (ec || linger_bytes_ > context_.options.body_bytes_max) return Close();
  stream_.async_read_some(buffer_.prepare(16 * 1024),
                          beast::bind_front_handler(&HttpSession::OnLinger, shared_from_this()));
}

void HttpSession::Close() {
  if (handed_off_) return;
  state_ = State::kClosing;
  handling_timer_.cancel();
  beast::error_code ec;
  // shutdown_send first: the peer reads our last answer, then end of stream.
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace vigie::server
