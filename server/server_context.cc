#include "server/server_context.h"

#include <vector>

namespace vigie::server {

std::uint64_t ConnectionRegistry::Open() {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_id_++;
  open_.emplace(id, std::weak_ptr<Connection>());
  return id;
}

void ConnectionRegistry::Attach(std::uint64_t id, std::weak_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (auto it = open_.find(id); it != open_.end()) it->second = std::move(connection);
}

void ConnectionRegistry::Close(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  open_.erase(id);
  if (open_.empty()) emptied_.notify_all();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

void ConnectionRegistry::ShutdownAll(bool force) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : open_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  // Outside the lock: a connection may close (and Close its ticket) at once.
  for (auto& connection : live) connection->Shutdown(force);
}

bool ConnectionRegistry::WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_until(lock, deadline, [this] { return open_.empty(); });
}

ConnectionTicket::ConnectionTicket(ServerContext& context)
    : context_(&context), id_(context.connections.Open()) {
  context.metrics.ConnectionOpened();
}

ConnectionTicket::ConnectionTicket(ConnectionTicket&& other) noexcept
    : context_(other.context_), id_(other.id_) {
  other.context_ = nullptr;
}

ConnectionTicket::~ConnectionTicket() {
  if (context_ == nullptr) return;
  // Close last: Stop() may tear the server down as soon as the registry empties.
  context_->metrics.ConnectionClosed();
  context_->connections.Close(id_);
}

void ConnectionTicket::Attach(std::weak_ptr<Connection> connection) {
  if (context_ != nullptr) context_->connections.Attach(id_, std::move(connection));
}

bool PostWork(ServerContext& context, WorkerPool::Task task) {
  context.metrics.WorkQueued(1);
  bool accepted = context.workers.TryPost([&context, task = std::move(task)]() mutable {
    context.metrics.WorkQueued(-1);
    context.metrics.WorkersBusy(1);
    task();
    context.metrics.WorkersBusy(-1);
  });
  if (!accepted) context.metrics.WorkQueued(-1);
  return accepted;
}

}  // namespace vigie::server
