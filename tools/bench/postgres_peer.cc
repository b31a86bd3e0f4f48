#include "tools/bench/postgres_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

namespace vigie::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPrograms[] = {"initdb", "pg_ctl", "psql", "pgbench", "postgres"};
constexpr const char* kSuperuser = "vigie_bench";

bool HasPrograms(const fs::path& dir) {
  for (const char* p : kPrograms) {
    if (::access((dir / p).c_str(), X_OK) != 0) return false;
  }
  return true;
}

// A port nobody listens on now. PostgreSQL binds it a moment later; the
// start is retried if another process took it in between.
Result<int> FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Fail(Internal("socket() failed"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) return Fail(Internal("cannot find a free port on 127.0.0.1"));
  return static_cast<int>(ntohs(addr.sin_port));
}

std::string SqlQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Result<std::string> FindPostgresBindir() {
  if (const char* env = std::getenv("VIGIE_PG_BINDIR"); env && *env) {
    if (HasPrograms(env)) return std::string(env);
    return Fail(NotFound(std::string("VIGIE_PG_BINDIR=") + env + " lacks initdb, pg_ctl, psql or pgbench"));
  }
  std::error_code ec;
  std::vector<std::pair<int, fs::path>> versions;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit) && HasPrograms(entry.path() / "bin")) {
      versions.emplace_back(std::stoi(name), entry.path() / "bin");
    }
  }
  if (!versions.empty()) return std::max_element(versions.begin(), versions.end())->second.string();
  if (const char* path = std::getenv("PATH")) {
    std::string all = path;
    for (std::size_t start = 0; start <= all.size();) {
      std::size_t end = all.find(':', start);
      if (end == std::string::npos) end = all.size();
      const fs::path dir = all.substr(start, end - start);
      if (!dir.empty() && HasPrograms(dir)) return dir.string();
      start = end + 1;
    }
  }
  return Fail(NotFound("PostgreSQL programs (initdb, pg_ctl, psql, pgbench) not found; install postgresql-15 "
                       "or set VIGIE_PG_BINDIR"));
}

Result<std::unique_ptr<PostgresPeer>> PostgresPeer::Start(const std::string& bindir, const std::string& dir) {
  std::string user;
  if (::geteuid() == 0) {
    const char* env = std::getenv("VIGIE_PG_USER");
    user = env && *env ? env : "postgres";
    if (::getpwnam(user.c_str()) == nullptr) {
      return Fail(FailedPrecondition("running as root, and PostgreSQL will not: no user '" + user +
                                     "' to run it as (create one, or set VIGIE_PG_USER)"));
    }
  }
  std::unique_ptr<PostgresPeer> peer(new PostgresPeer(bindir, dir, user));
  if (Status s = peer->CreateCluster(); !s.ok()) return Fail(s);
  if (Status s = peer->StartServer(); !s.ok()) return Fail(s);
  auto created = peer->Run("psql", {"-h", "127.0.0.1", "-p", std::to_string(peer->port_), "-U", kSuperuser,
                                    "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                                    "CREATE TABLE events (global_position bigserial PRIMARY KEY, stream text, "
                                    "version bigint, type text, data jsonb, recorded_at timestamptz, "
                                    "UNIQUE (stream, version))"});
  if (!created) return Fail(created.error());
  return peer;
}

PostgresPeer::~PostgresPeer() {
  if (running_) (void)Run("pg_ctl", {"-D", dir_ + "/data", "-m", "fast", "-w", "stop"});
}

Status PostgresPeer::CreateCluster() {
  std::error_code ec;
  if (!fs::create_directory(dir_, ec)) return Internal("cannot create " + dir_ + ": " + ec.message());
  if (!user_.empty()) {
    const passwd* pw = ::getpwnam(user_.c_str());
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) return Internal("cannot give " + dir_ + " to " + user_);
    if (auto probe = RunProcess({"runuser", "-u", user_, "--", "test", "-w", dir_}); !probe || probe->exit_code != 0) {
      return FailedPrecondition("user " + user_ + " cannot reach " + dir_ +
                                "; give --dir a parent directory it may traverse (e.g. /tmp)");
    }
  }
  auto version = Run("postgres", {"--version"});
  if (!version) return version.error();
  version_ = version->output.substr(0, version->output.find('\n'));
  // --no-sync only skips initdb's own final flush of the new cluster; the
  // server it creates still syncs every commit.
  auto init = Run("initdb", {"-D", dir_ + "/data", "-U", kSuperuser, "--auth=trust", "-E", "UTF8", "--locale=C",
                             "--no-sync", "--no-instructions"});
  if (!init) return init.error();
  return Status::Ok();
}

Status PostgresPeer::StartServer() {
  Status last = Internal("PostgreSQL did not start");
  for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
    auto port = FreePort();
    if (!port) return port.error();
    auto started = Run("pg_ctl", {"-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
                                  "-p " + std::to_string(*port) + " -c listen_addresses=127.0.0.1" +
                                      " -c unix_socket_directories=" + SqlQuoted(dir_),
                                  "start"});
    if (started) {
      port_ = *port;
      running_ = true;
    } else {
      last = started.error();
    }
  }
  return running_ ? Status::Ok() : last;
}

Result<ProcessResult> PostgresPeer::Run(const std::string& program, const std::vector<std::string>& args) const {
  std::vector<std::string> argv;
  if (!user_.empty()) argv = {"runuser", "-u", user_, "--"};
  argv.push_back(bindir_ + "/" + program);
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = RunProcess(argv);
  if (!result) return result;
  if (result->exit_code != 0) {
    return Fail(Internal(ShellQuoted(argv) + " exited with " + std::to_string(result->exit_code) + ":\n" +
                         result->output));
  }
  return result;
}

Status PostgresPeer::WriteOwnedFile(const std::string& path, const std::string& text) const {
  {
    std::ofstream file(path, std::ios::trunc);
    file << text;
    if (!file.good()) return Internal("cannot write " + path);
  }
  if (!user_.empty()) {
    const passwd* pw = ::getpwnam(user_.c_str());
    if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) return Internal("cannot give " + path + " to " + user_);
  }
  return Status::Ok();
}

Result<Throughput> PostgresPeer::Inserts(int clients, int seconds, const std::string& event_json) {
  // On a busy machine, connecting 32 clients can take the whole run; pgbench
  // then reports no transaction at all. Such a run is retried, longer.
  constexpr int kAttempts = 3;
  for (int attempt = 0; attempt < kAttempts; ++attempt, seconds *= 2) {
    auto run = InsertsOnce(clients, seconds, event_json);
    if (!run) return Fail(run.error());
    if (*run) return **run;
  }
  return Fail(Internal("pgbench inserted nothing in " + std::to_string(kAttempts) + " attempts"));
}

Result<std::optional<Throughput>> PostgresPeer::InsertsOnce(int clients, int seconds, const std::string& event_json) {
  const std::string script = dir_ + "/insert-" + std::to_string(++runs_) + ".sql";
  // pgbench keeps a client's variables from one transaction to the next:
  // :version counts that client's events, :client_id names its stream.
  Status written = WriteOwnedFile(
      script, "\\set version :version + 1\n"
              "INSERT INTO events (stream, version, type, data, recorded_at) VALUES ('run" +
                  std::to_string(runs_) + "-' || :client_id, :version, 'InformationShared', " +
                  SqlQuoted(event_json) + ", now());\n");
  if (!written.ok()) return Fail(written);
  const int threads = std::max(1, std::min<int>(clients, static_cast<int>(std::thread::hardware_concurrency())));
  auto run = Run("pgbench", {"-h", "127.0.0.1", "-p", std::to_string(port_), "-U", kSuperuser, "-n", "-M",
                             "prepared", "-c", std::to_string(clients), "-j", std::to_string(threads), "-T",
                             std::to_string(seconds), "-D", "version=-1", "-f", script, "postgres"});
  if (!run) return Fail(run.error());
  std::smatch tps, processed, failed;
  const std::string& out = run->output;
  if (!std::regex_search(out, processed, std::regex(R"(number of transactions actually processed: ([0-9]+))"))) {
    return Fail(Internal("cannot read pgbench's output:\n" + out));
  }
  if (processed[1] == "0") return std::optional<Throughput>();
  if (!std::regex_search(out, tps, std::regex(R"(tps = ([0-9.]+) \(without initial connection time\))"))) {
    return Fail(Internal("cannot read pgbench's output:\n" + out));
  }
  if (std::regex_search(out, failed, std::regex(R"(number of failed transactions: ([0-9]+))")) &&
      failed[1] != "0") {
    return Fail(Internal("pgbench transactions failed:\n" + out));
  }
  const double rate = std::stod(tps[1]);
  const auto rows = std::stoull(processed[1]);
  if (rate <= 0) return Fail(Internal("pgbench reports no rate:\n" + out));
  return std::optional<Throughput>(Throughput{rows, static_cast<double>(rows) / rate});
}

}  // namespace vigie::bench
