#include "server/listener.h"

#include <array>
#include <cerrno>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "server/http_session.h"
#include "server/problem.h"

namespace vigie::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// The whole answer to a connection beyond max_connections.
std::string ConnectionLimitAnswer() {
  Response problem = Problem(503, "too many open connections; retry shortly");
  return "HTTP/1.1 503 Service Unavailable\r\n"
         "Content-Type: application/problem+json\r\n"
         "Retry-After: " + std::to_string(kRetryAfterSeconds) + "\r\n"
         "Cache-Control: no-store\r\n"
         "Connection: close\r\n"
         "Content-Length: " + std::to_string(problem.body.size()) + "\r\n\r\n" + problem.body;
}

// The accept() errors that say the process or the system is out of
// descriptors or memory, which only time cures.
bool IsOutOfResources(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  switch (ec.value()) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return true;
    default:
      return false;
  }
}

}  // namespace

Listener::Listener(net::io_context& io, ServerContext& context)
    : io_(io),
      strand_(net::make_strand(io)),
      acceptor_(strand_),
      accept_retry_(strand_),
      context_(context) {}

Status Listener::Listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + endpoint.address().to_string() + ":" +
                       std::to_string(endpoint.port()) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  return Status::Ok();
}

void Listener::Run() {
  net::dispatch(strand_, boost::beast::bind_front_handler(&Listener::Accept, shared_from_this()));
}

void Listener::Stop() {
  net::post(strand_, [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->accept_retry_.cancel();
  });
}

void Listener::Accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(io_),
                         boost::beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
}

void Listener::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open()) return;  // stopped
  if (IsOutOfResources(ec)) return AcceptLater(ec);
  if (!ec) {
    if (out_of_resources_) {
      out_of_resources_ = false;
      context_.log.Info("accepting connections again");
    }
    if (context_.stopping) {
      boost::system::error_code ignored;
      socket.close(ignored);
    } else if (context_.connections.size() >= context_.options.max_connections) {
      context_.metrics.ConnectionRejected();
      Reject(std::move(socket));
    } else {
      std::make_shared<HttpSession>(std::move(socket), ConnectionTicket(context_), context_)->Run();
    }
  }
  // Other accept errors (a peer reset before accept) are not the
  // listener's end: keep accepting.
  Accept();
}

void Listener::AcceptLater(const boost::system::error_code& ec) {
  if (!out_of_resources_) {
    out_of_resources_ = true;
    context_.log.Warn("cannot accept connections (" + ec.message() + "); trying again every " +
                      std::to_string(kAcceptRetryDelay.count()) + " ms");
  }
  accept_retry_.expires_after(kAcceptRetryDelay);
  accept_retry_.async_wait([self = shared_from_this()](boost::system::error_code waited) {
    if (waited || !self->acceptor_.is_open()) return;  // cancelled: stopped
    self->Accept();
  });
}

void Listener::Reject(tcp::socket socket) {
  if (context_.rejecting >= kRejectingMax) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  ++context_.rejecting;
  struct Rejection : std::enable_shared_from_this<Rejection> {
    tcp::socket socket;
    std::string answer = ConnectionLimitAnswer();
    std::array<char, 512> discard{};
    net::steady_timer deadline;
    ServerContext& context;
    Rejection(tcp::socket s, ServerContext& c)
        : socket(std::move(s)), deadline(socket.get_executor()), context(c) {}
    ~Rejection() { --context.rejecting; }

    // Reads and drops what the client sent, so that closing the socket
    // does not turn into a reset that loses the 503 before it is read.
    void Drain() {
      socket.async_read_some(net::buffer(discard),
                             [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                               if (ec) return self->Finish();
                               self->Drain();
                             });
    }
    void Finish() {
      boost::system::error_code ignored;
      deadline.cancel();
      socket.close(ignored);
    }
  };
  auto rejection = std::make_shared<Rejection>(std::move(socket), context_);
  // The whole refusal takes at most a second, whatever the client does.
  rejection->deadline.expires_after(std::chrono::seconds(1));
  rejection->deadline.async_wait([rejection](boost::system::error_code ec) {
    boost::system::error_code ignored;
    if (!ec) rejection->socket.close(ignored);
  });
  net::async_write(rejection->socket, net::buffer(rejection->answer),
                   [rejection](boost::system::error_code ec, std::size_t) {
                     if (ec) return rejection->Finish();
                     boost::system::error_code ignored;
                     rejection->socket.shutdown(tcp::socket::shutdown_send, ignored);
                     rejection->Drain();
                   });
}

}  // namespace vigie::server
