#include "eventstore/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vigie::eventstore {
namespace {

namespace fs = std::filesystem;

Status Errno(std::string_view what, const std::string& path) {
  return Internal(std::string(what) + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status MakePrivateDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0) {
    if (errno == EEXIST) return AlreadyExists(path + " already exists");
    return Errno("mkdir", path);
  }
  if (::chmod(path.c_str(), 0700) != 0) return Errno("chmod", path);
  return Status::Ok();
}

Status CopyPrivateFile(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("open", from);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) {
    const Status failed = Errno("create", to);
    ::close(in);
    return failed;
  }
  Status status = ::fchmod(out, 0600) == 0 ? Status::Ok() : Errno("chmod", to);
  char buffer[1 << 16];
  while (status.ok()) {
    const ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) status = Errno("read", from);
    if (n <= 0) break;
    for (ssize_t done = 0; status.ok() && done < n;) {
      const ssize_t w = ::write(out, buffer + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) status = Errno("write", to);
      if (w > 0) done += w;
    }
  }
  if (status.ok() && ::fsync(out) != 0) status = Errno("fsync", to);
  ::close(in);
  if (::close(out) != 0 && status.ok()) status = Errno("close", to);
  return status;
}

Status CopyPrivateDir(const std::string& from, const std::string& to) {
  VIGIE_RETURN_IF_ERROR(MakePrivateDir(to));
  std::error_code ec;
  for (fs::directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec)) {
    const bool regular = it->is_regular_file(ec);
    if (ec) break;
    if (!regular) continue;
    VIGIE_RETURN_IF_ERROR(CopyPrivateFile(it->path().string(), (fs::path(to) / it->path().filename()).string()));
  }
  if (ec) return Internal("reading " + from + ": " + ec.message());
  return SyncDir(to);
}

Status RestrictToOwner(const std::string& path) {
  if (::chmod(path.c_str(), 0700) != 0) return Errno("chmod", path);
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::file_status status = it->symlink_status(ec);
    if (ec) break;
    mode_t mode = 0;
    if (fs::is_directory(status)) {
      mode = 0700;
    } else if (fs::is_regular_file(status)) {
      mode = 0600;
    } else {
      continue;
    }
    if (::chmod(it->path().c_str(), mode) != 0) return Errno("chmod", it->path().string());
  }
  if (ec) return Internal("reading " + path + ": " + ec.message());
  return Status::Ok();
}

Status SyncDir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync", path);
  return Status::Ok();
}

RemoveUnlessKept::~RemoveUnlessKept() {
  if (path_.empty()) return;
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

}  // namespace vigie::eventstore
