#pragma once
// HttpSession: one keep-alive HTTP/1.1 connection (internal to server/).
//
// The Beast async server's shape: do_read/on_read pairs on one strand.
//
//   WaitForRequest (idle_timeout) -> ReadHeader (read_timeout, header and
//   body limits) -> [100 Continue] -> ReadBody -> Dispatch:
//     inline route    -> Router::Handle here
//     blocking route  -> WorkerPool, answer posted back to the strand,
//                        raced by handling_timeout
//     event stream    -> authenticated on a worker, then the socket moves
//                        to an EventStreamSession
//   -> Write (write_timeout) -> WaitForRequest, or a lingering close.
//
// Owned by the shared_ptrs of its pending operations; the socket's slot
// (ConnectionTicket) goes with it. Every member is touched on the strand
// only, except Shutdown(), which posts.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/server_context.h"

namespace vigie::server {

class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, ConnectionTicket ticket, ServerContext& context);

  void Run();
  void Shutdown(bool force) override;

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosing };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void WaitForRequest();
  void OnFirstBytes(boost::beast::error_code ec, std::size_t bytes);
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec, std::size_t bytes);
  void ReadBody();
  void OnBody(boost::beast::error_code ec, std::size_t bytes);
  void OnReadFailed(boost::beast::error_code ec);

  void Dispatch();
  void OnHandled(std::uint64_t generation, Response response);
  void OnHandlingTimeout(std::uint64_t generation, boost::beast::error_code ec);
  void StartEventStream(std::uint64_t generation, Parsed<Subscription> subscription);

  // Writes `response` for the current request; `close` ends the connection after it.
  void Answer(Response response, bool close);
  // An answer to a request that could not be read (400, 413, 431).
  void Refuse(int status, std::string detail);
  void OnWrite(bool close, boost::beast::error_code ec, std::size_t bytes);
  void LingeringClose();
  void OnLinger(boost::beast::error_code ec, std::size_t bytes);
  void Close();

  boost::beast::tcp_stream stream_;
  boost::asio::any_io_executor executor_;  // the strand; still valid once stream_ moved away
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::shared_ptr<void> response_;  // the message being written
  boost::asio::steady_timer handling_timer_;
  ConnectionTicket ticket_;
  ServerContext& context_;
  std::string peer_;

  State state_ = State::kIdle;
  bool handed_off_ = false;     // stream_ now belongs to an EventStreamSession
  bool unread_request_ = false;  // a refused request may still be arriving
  bool shutdown_requested_ = false;
  std::uint64_t generation_ = 0;  // the request a worker's answer belongs to
  std::size_t linger_bytes_ = 0;

  // The current request, for its log line and the answer.
  std::string request_id_;
  std::string route_;
  std::string method_;
  bool keep_alive_ = false;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace vigie::server
