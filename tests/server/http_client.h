#pragma once
// A blocking HTTP/1.1 client over one loopback connection, for the tests
// of the real HttpServer; every operation is bounded so that a server bug
// fails a test instead of hanging it. Not thread-safe (one test thread).
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "tests/server/fake_ledger.h"

namespace vigie::server::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A blocking client over one connection. Every operation is bounded by
// `kClientTimeout` so a server bug fails the test instead of hanging it.
class Client {
 public:
  static constexpr auto kClientTimeout = 5s;

  explicit Client(std::uint16_t port, int receive_buffer = 0) : stream_(io_) {
    tcp::socket& socket = stream_.socket();
    socket.open(tcp::v4());
    if (receive_buffer > 0) socket.set_option(net::socket_base::receive_buffer_size(receive_buffer));
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  beast::error_code WriteRaw(std::string_view bytes) {
    return Run([&](auto handler) { net::async_write(stream_, net::buffer(bytes.data(), bytes.size()), handler); });
  }

  beast::error_code Write(http::request<http::string_body> request) {
    request.prepare_payload();
    return Run([&](auto handler) { http::async_write(stream_, request, handler); });
  }

  // Reads one response; the error when the connection ended instead.
  std::pair<beast::error_code, http::response<http::string_body>> Read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code ec = Run([&](auto handler) { http::async_read(stream_, buffer_, parser, handler); });
    return {ec, parser.release()};
  }

  http::response<http::string_body> Send(http::request<http::string_body> request) {
    EXPECT_FALSE(Write(std::move(request)));
    auto [ec, response] = Read();
    EXPECT_FALSE(ec) << ec.message();
    return response;
  }

  // Reads raw bytes until `needle` appears in everything read so far.
  beast::error_code ReadUntil(std::string_view needle, std::string* seen) {
    while (seen->find(needle) == std::string::npos) {
      char chunk[4096];
      std::size_t got = 0;
      beast::error_code ec = Run([&](auto handler) {
        stream_.async_read_some(net::buffer(chunk), [&got, handler](beast::error_code e, std::size_t n) mutable {
          got = n;
          handler(e, n);
        });
      });
      seen->append(chunk, got);
      if (ec) return ec;
    }
    return {};
  }

  // Waits for the server to close: true when the connection ended within
  // `within` (EOF or reset), reading any bytes before (appended to `seen`
  // when given). On false the connection is left open (no stream timeout
  // is used, which would close the client's own socket).
  bool ClosedWithin(std::chrono::milliseconds within, std::string* seen = nullptr) {
    const auto deadline = Clock::now() + within;
    while (true) {
      char chunk[4096];
      beast::error_code result;
      net::steady_timer timer(io_, deadline);
      stream_.socket().async_read_some(net::buffer(chunk), [&](beast::error_code e, std::size_t n) {
        result = e;
        if (seen != nullptr) seen->append(chunk, n);
        timer.cancel();
      });
      timer.async_wait([&](beast::error_code e) {
        if (!e) stream_.socket().cancel();
      });
      io_.restart();
      io_.run();
      if (result == net::error::operation_aborted) return false;  // the deadline came first
      if (result) return true;
    }
  }

 private:
  template <typename Start>
  beast::error_code Run(Start start) {
    beast::error_code result;
    stream_.expires_after(kClientTimeout);
    start([&result](beast::error_code ec, std::size_t) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

inline http::request<http::string_body> HttpGet(std::string target, std::string_view token = {}) {
  http::request<http::string_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "localhost");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + std::string(token));
  return request;
}

inline http::request<http::string_body> HttpPost(std::string target, std::string body,
                                                 std::string_view token = kAdminToken) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, "localhost");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::authorization, "Bearer " + std::string(token));
  request.body() = std::move(body);
  return request;
}

inline bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds within = 3000ms) {
  auto deadline = Clock::now() + within;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return condition();
}

}  // namespace vigie::server::testing
