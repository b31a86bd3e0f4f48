// `vigie backup` of a store that `vigie serve` (a real child process) is
// writing to under concurrent command load, then `vigie restore` of that
// backup and `vigie verify` of the result. What must hold:
// - every command acknowledged before the backup started is in it (an
//   acknowledged command is durable, so a consistent copy holds it);
// - the backup is a prefix of the live log (same root at its size as the
//   live store once the server stopped), of whole commands;
// - the backup and the restored store carry DIR/latest-checkpoint naming
//   their full tree, and the restored store opens and verifies.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "eventstore/event_store.h"
#include "eventstore/signed_note.h"
#include "tests/support/child_process.h"
#include "tests/tools/tools_test_support.h"

namespace vigie::tools {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::ReadFile;
using testing::RunVigie;
using testing::TempDir;
using child_process::Spawn;
using child_process::WaitExit;

// One keep-alive HTTP/1.1 connection to 127.0.0.1, blocking, every read and
// write bounded by 10 s so that a server bug fails the test instead of
// hanging it.
class MiniClient {
 public:
  explicit MiniClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~MiniClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }

  // The status code (0 when the connection failed); *body the answer's body.
  int Post(const std::string& path, const std::string& json, const std::string& token, std::string* body) {
    const std::string request = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
                                "Authorization: Bearer " + token + "\r\nContent-Length: " +
                                std::to_string(json.size()) + "\r\n\r\n" + json;
    for (std::size_t done = 0; done < request.size();) {
      ssize_t n;
      do {  // EINTR seen here while RunVigie runs `vigie backup` (std::system)
        n = ::send(fd_, request.data() + done, request.size() - done, MSG_NOSIGNAL);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return Failed("send: " + std::string(n < 0 ? std::strerror(errno) : "nothing sent"));
      done += static_cast<std::size_t>(n);
    }
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return Failed("reading the header");
    }
    const std::string head = buffer_.substr(0, header_end);
    static const std::regex kStatus(R"(^HTTP/1\.1 (\d{3}))");
    static const std::regex kLength(R"(\r\n[Cc]ontent-[Ll]ength: *(\d+))");
    std::smatch status, length;
    if (!std::regex_search(head, status, kStatus) || !std::regex_search(head, length, kLength)) {
      return Failed("unexpected header: " + head);
    }
    const std::size_t body_bytes = std::stoul(length[1]);
    while (buffer_.size() < header_end + 4 + body_bytes) {
      if (!Fill()) return Failed("reading the body");
    }
    *body = buffer_.substr(header_end + 4, body_bytes);
    buffer_.erase(0, header_end + 4 + body_bytes);
    return std::stoi(status[1]);
  }

  // Why the last Post answered 0.
  const std::string& error() const { return error_; }

 private:
  int Failed(std::string what) {
    error_ = std::move(what) + ": " + last_read_ + " (" + std::to_string(buffer_.size()) + " bytes buffered)";
    return 0;
  }
  bool Fill() {
    char chunk[8192];
    ssize_t n;
    do {
      n = ::recv(fd_, chunk, sizeof chunk, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) last_read_ = std::strerror(errno);
    if (n == 0) last_read_ = "connection closed by the server";
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  std::string last_read_ = "ok";
  std::string error_;
};


// The signed note in DIR/latest-checkpoint, parsed; nullopt when absent or bad.
std::optional<note::Checkpoint> LatestCheckpointFile(const std::string& dir, const std::string& verifier_key) {
  if (!fs::exists(dir + "/latest-checkpoint")) return std::nullopt;
  auto body = note::VerifyNote(verifier_key, ReadFile(dir + "/latest-checkpoint"));
  if (!body) return std::nullopt;
  auto checkpoint = note::ParseCheckpoint(*body);
  if (!checkpoint) return std::nullopt;
  return *checkpoint;
}

class ServeBackupTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_ > 0) {
      kill(server_, SIGKILL);
      waitpid(server_, nullptr, 0);
    }
  }

  std::uint16_t Serve(const std::string& data) {
    server_ = Spawn({VIGIE_BINARY, "serve", "--data", data, "--listen", "127.0.0.1:0", "--workers", "8"},
                    tmp_ / "serve.out", tmp_ / "serve.err");
    if (server_ <= 0) return 0;
    return child_process::WaitForPort(server_, {tmp_ / "serve.err", tmp_ / "serve.out"}, 60s);
  }

  TempDir tmp_{"vigie-serve-backup"};
  pid_t server_ = -1;
};

TEST_F(ServeBackupTest, BackupDuringLoadRestoresAndVerifies) {
  const std::string data = tmp_ / "data";
  auto init = RunVigie({"init", "--data", data, "--origin", "vigie.test/serve-backup"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const auto credentials = boost::json::parse(init.out);
  const std::string admin(credentials.at("admin_token").as_string());
  const std::string verifier_key(credentials.at("verifier_key").as_string());

  const std::uint16_t port = Serve(data);
  ASSERT_NE(port, 0) << ReadFile(tmp_ / "serve.err");
  std::string member;
  {
    MiniClient client(port);
    ASSERT_TRUE(client.connected());
    std::string body;
    ASSERT_EQ(client.Post("/v1/commands/configure-territory",
                          R"({"name":"ZSP","kind":"zsp","communes":["Saint-Étienne"],"neighbourhoods":["Montreynaud"],)"
                          R"("population":12000,"population_year":2010})",
                          admin, &body),
              201)
        << body;
    ASSERT_EQ(client.Post("/v1/commands/register-partner",
                          R"({"partner_id":"ville","name":"Ville","kind":"local_authority"})", admin, &body),
              201)
        << body;
    ASSERT_EQ(client.Post("/v1/commands/create-cell",
                          R"({"cell_id":"cp","name":"Cellule","kind":"partnership","chairs":[],)"
                          R"("members":["ville"],"confidential":true})",
                          admin, &body),
              201)
        << body;
    ASSERT_EQ(client.Post("/v1/commands/enroll-person",
                          R"({"person_id":"m-ville","partner_id":"ville","display_name":"M","roles":["member"]})",
                          admin, &body),
              201)
        << body;
    member = std::string(boost::json::parse(body).at("token").as_string());
  }

  // Load: each thread its own connection, commands until told to stop.
  constexpr int kThreads = 4;
  std::mutex mu;
  std::vector<std::string> acknowledged;  // guarded by mu, in acknowledgement order
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      MiniClient client(port);
      if (!client.connected()) return;
      for (int i = 0; !stop.load(); ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        std::string body;
        const int status = client.Post("/v1/commands/share-information",
                                       R"({"info_id":")" + id + R"(","cell_id":"cp","topic":"vols",)"
                                       R"("neighbourhood":"Montreynaud","summary":"x","sensitivity":"public"})",
                                       member, &body);
        if (status == 201) {
          std::lock_guard lock(mu);
          acknowledged.push_back(id);
        } else if (status != 429 && status != 503) {
          ADD_FAILURE() << "status " << status << ": " << (status == 0 ? client.error() : body);
          return;
        }
      }
    });
  }
  auto acknowledged_count = [&] {
    std::lock_guard lock(mu);
    return acknowledged.size();
  };
  auto wait_for = [&](std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (acknowledged_count() < n && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    return acknowledged_count() >= n;
  };
  ASSERT_TRUE(wait_for(200)) << "the server acknowledged too few commands";

  // Backed up while the load goes on; what was acknowledged before it began
  // must be in it.
  std::vector<std::string> before_backup;
  {
    std::lock_guard lock(mu);
    before_backup = acknowledged;
  }
  auto backup = RunVigie({"backup", "--data", data, "--to", tmp_ / "b"});
  const std::size_t during_backup = acknowledged_count() - before_backup.size();
  ASSERT_TRUE(wait_for(acknowledged_count() + 100)) << "the load stopped";
  stop = true;
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(kill(server_, SIGTERM), 0);
  ASSERT_EQ(WaitExit(server_, 60s), 0) << ReadFile(tmp_ / "serve.err");
  server_ = -1;
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  const auto summary = boost::json::parse(backup.out);
  const auto backup_size = summary.at("tree_size").to_number<std::uint64_t>();
  const std::string backup_root(summary.at("root_hash").as_string());
  std::cout << "backup of " << backup_size << " events while " << during_backup
            << " commands were acknowledged during it; " << acknowledged.size() << " acknowledged in all\n";

  // The backup is a prefix of the live log, and carries its latest checkpoint.
  {
    auto live = eventstore::EventStore::OpenReadOnly(data);
    ASSERT_TRUE(live.has_value()) << live.error().message();
    ASSERT_LT(backup_size, (*live)->Size()) << "the load went on after the backup";
    auto root = (*live)->RootAt(backup_size);
    ASSERT_TRUE(root.has_value());
    EXPECT_EQ(merkle::ToHex(*root), backup_root);
  }
  const auto backup_checkpoint = LatestCheckpointFile(tmp_ / "b", verifier_key);
  ASSERT_TRUE(backup_checkpoint.has_value()) << "the backup has no valid latest-checkpoint file";
  EXPECT_EQ(backup_checkpoint->size, backup_size);

  // Restored, verified, opened.
  auto restore = RunVigie({"restore", "--from", tmp_ / "b", "--data", tmp_ / "restored", "--verifier-key", verifier_key});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(boost::json::parse(restore.out).at("root_hash").as_string(), backup_root);
  auto verify = RunVigie({"verify", "--data", tmp_ / "restored"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  const auto restored_checkpoint = LatestCheckpointFile(tmp_ / "restored", verifier_key);
  ASSERT_TRUE(restored_checkpoint.has_value()) << "the restored store has no valid latest-checkpoint file";
  EXPECT_EQ(restored_checkpoint->size, backup_size);
  {
    auto restored = eventstore::EventStore::Open(tmp_ / "restored");
    ASSERT_TRUE(restored.has_value()) << restored.error().message();
    EXPECT_EQ((*restored)->Size(), backup_size);
    for (const std::string& id : before_backup) {
      auto events = (*restored)->ReadStream("information-" + id, 0, 1);
      ASSERT_TRUE(events.has_value()) << events.error().message();
      EXPECT_EQ(events->size(), 1u) << "command " << id << ", acknowledged before the backup began, is missing";
    }
    ASSERT_TRUE((*restored)->Close().ok());
  }
  // The restored store serves again.
  const std::uint16_t again = Serve(tmp_ / "restored");
  ASSERT_NE(again, 0) << ReadFile(tmp_ / "serve.err");
  {
    MiniClient client(again);
    std::string body;
    EXPECT_EQ(client.Post("/v1/commands/share-information",
                          R"({"info_id":"after-restore","cell_id":"cp","topic":"vols",)"
                          R"("neighbourhood":"Montreynaud","summary":"x","sensitivity":"public"})",
                          member, &body),
              201)
        << body;
  }
  ASSERT_EQ(kill(server_, SIGTERM), 0);
  EXPECT_EQ(WaitExit(server_, 60s), 0) << ReadFile(tmp_ / "serve.err");
  server_ = -1;
  EXPECT_EQ(RunVigie({"verify", "--data", tmp_ / "restored"}).exit_code, 0);
}

}  // namespace
}  // namespace vigie::tools
