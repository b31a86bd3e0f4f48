#pragma once
// EventStreamSession: GET /v1/subscribe as server-sent events (internal).
//
//   HTTP/1.1 200, Content-Type: text/event-stream, chunked; then per event
//   "id: <position>\nevent: <type>\ndata: <event JSON of /v1/events>\n\n",
//   and ": keep-alive\n\n" every sse_heartbeat while nothing happens.
//
// Flow control: the store's subscription callback (on its writer thread)
// only posts the new size to this strand; the session reads one page of at
// most sse_page_events through Ledger::Events on a worker, writes it, and
// reads the next page only once the write completed. So the per-subscriber
// queue is one page, however far behind the client is, and catching up
// from position 0 reads the store at the client's pace. A client that does
// not take a write within write_timeout is dropped (socket closed,
// vigie_subscribers_dropped_total).
//
// Access: Ledger::Events checks the subscriber against the current state
// for every page, so one revoked since it subscribed gets
// "event: error\ndata: <problem JSON>\n\n" and the stream ends. The
// revocation is itself an event, which the stream reads next, so no
// event recorded after it is sent, and an idle stream ends as well.
//
// Owned like HttpSession; every member is touched on the strand only.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>

#include "server/server_context.h"

namespace vigie::server {

struct EventStreamStart {
  Subscription subscription;
  std::string request_id;
  std::string method;
  std::string peer;
  std::chrono::steady_clock::time_point started;
};

class EventStreamSession : public Connection,
                           public std::enable_shared_from_this<EventStreamSession> {
 public:
  EventStreamSession(boost::beast::tcp_stream&& stream, ConnectionTicket ticket,
                     ServerContext& context, EventStreamStart start);
  ~EventStreamSession() override;

  void Run();
  void Shutdown(bool force) override;

 private:
  // Lets the store's callback post to the strand until Close(), and never
  // after: the io_context may be gone once the server stopped.
  struct Gate {
    std::mutex mutex;  // guards open
    bool open = true;
  };

  void OnHeaderWritten(boost::beast::error_code ec, std::size_t bytes);
  void OnStoreSize(std::uint64_t size);
  void Pump();
  void OnPage(Result<EventStreamPage> page);
  void Write(std::string text);
  void OnWritten(boost::beast::error_code ec, std::size_t bytes);
  void OnHeartbeat(boost::beast::error_code ec);
  void Close();

  boost::beast::tcp_stream stream_;
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer heartbeat_;
  ConnectionTicket ticket_;
  ServerContext& context_;
  EventStreamStart start_;

  boost::beast::http::response<boost::beast::http::empty_body> header_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> serializer_;
  std::string chunk_;  // the text being written

  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  std::optional<std::uint64_t> subscription_id_;
  std::uint64_t next_ = 0;        // the first position not yet written
  std::uint64_t known_size_ = 0;  // the store's size as last heard
  bool reading_ = false;          // a page is being read on a worker
  bool writing_ = false;
  bool close_after_write_ = false;  // an error event is the last one
  bool closed_ = false;
  bool counted_ = false;  // in the subscribers gauge
};

}  // namespace vigie::server
