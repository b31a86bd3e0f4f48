#pragma once
// Listener: accepts connections, each onto its own strand (internal).
//
// At max_connections open sockets a new one is answered a canned 503 with
// Retry-After and closed (at most kRejectingMax such answers in flight;
// beyond, the socket is closed at once). When accept() fails for want of
// descriptors or memory, the connection stays in the backlog and accepting
// again at once would fail the same way, in a loop that burns a core: the
// listener waits kAcceptRetryDelay between tries instead, and logs once
// per such episode. Owned by the shared_ptrs of its pending accept or
// retry; Stop() posts the acceptor's closing to its strand.
#include <chrono>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "eventstore/status.h"
#include "server/server_context.h"

namespace vigie::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  static constexpr std::size_t kRejectingMax = 64;
  static constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

  Listener(boost::asio::io_context& io, ServerContext& context);

  // Opens, binds and listens; the bound port then is port().
  Status Listen(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const { return port_; }

  void Run();
  void Stop();

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void AcceptLater(const boost::system::error_code& ec);
  void Reject(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  ServerContext& context_;
  std::uint16_t port_ = 0;
  bool out_of_resources_ = false;  // accept() failing for want of them; on the strand
};

}  // namespace vigie::server
