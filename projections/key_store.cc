#include "projections/key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace vigie::projections {
namespace {

constexpr char kMagic[4] = {'V', 'G', 'K', '1'};
constexpr std::size_t kFileBytes = sizeof(kMagic) + kKeyBytes;

Status Errno(std::string_view what, const std::string& path) {
  return Internal(std::string(what) + " " + path + ": " + std::strerror(errno));
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync", dir);
  return Status::Ok();
}

Status WriteAll(int fd, const std::uint8_t* data, std::size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

bool IsKeyId(std::string_view id) {
  if (id.size() != 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string Aad(std::string_view key_id, std::string_view field) {
  std::string aad(key_id);
  aad.push_back('\0');
  aad += field;
  return aad;
}

struct CipherCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

RandomSource SystemRandom() {
  return [](std::span<std::uint8_t> out) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
      // Without randomness no key or nonce may be made; continuing would
      // reuse nonces under GCM.
      std::abort();
    }
  };
}

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::string& dir, RandomSource random) {
  if (dir.empty()) return Fail(InvalidArgument("the key store needs a directory"));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Fail(Errno("mkdir", dir));
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0) return Fail(Errno("stat", dir));
  if (!S_ISDIR(st.st_mode)) return Fail(InvalidArgument(dir + " is not a directory"));
  if ((st.st_mode & 0077) != 0) {
    return Fail(FailedPrecondition("key directory " + dir + " is readable by others (chmod 700)"));
  }
  return std::unique_ptr<KeyStore>(new KeyStore(dir, std::move(random)));
}

KeyStore::~KeyStore() {
  for (auto& [id, key] : cache_) OPENSSL_cleanse(key.data(), key.size());
}

std::string KeyStore::PathOf(std::string_view key_id) const {
  return dir_ + "/" + std::string(key_id) + ".key";
}

Result<std::string> KeyStore::CreateKey() {
  std::lock_guard lock(mu_);
  std::array<std::uint8_t, 16> id_bytes{};
  random_(id_bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key_id;
  for (std::uint8_t b : id_bytes) {
    key_id.push_back(kHex[b >> 4]);
    key_id.push_back(kHex[b & 15]);
  }
  std::array<std::uint8_t, kFileBytes> file{};
  std::memcpy(file.data(), kMagic, sizeof(kMagic));
  Key key{};
  random_(key);
  std::memcpy(file.data() + sizeof(kMagic), key.data(), key.size());

  const std::string path = PathOf(key_id);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(file.data(), file.size());
    OPENSSL_cleanse(key.data(), key.size());
    return Fail(Errno("create", path));
  }
  Status status = WriteAll(fd, file.data(), file.size(), path);
  OPENSSL_cleanse(file.data(), file.size());
  if (status.ok() && ::fsync(fd) != 0) status = Errno("fsync", path);
  ::close(fd);
  if (status.ok()) status = FsyncDir(dir_);
  if (!status.ok()) {
    ::unlink(path.c_str());
    OPENSSL_cleanse(key.data(), key.size());
    return Fail(std::move(status));
  }
  cache_.emplace(key_id, key);
  OPENSSL_cleanse(key.data(), key.size());
  return key_id;
}

Result<KeyStore::Key> KeyStore::LoadLocked(std::string_view key_id) const {
  if (auto it = cache_.find(key_id); it != cache_.end()) return it->second;
  if (!IsKeyId(key_id)) return Fail(NotFound("no key " + std::string(key_id.substr(0, 64))));
  const std::string path = PathOf(key_id);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Fail(NotFound("key " + std::string(key_id) + " was erased"));
    return Fail(Errno("open", path));
  }
  std::array<std::uint8_t, kFileBytes + 1> file{};
  std::size_t got = 0;
  while (got < file.size()) {
    const ssize_t n = ::read(fd, file.data() + got, file.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  Key key{};
  const bool valid = got == kFileBytes && std::memcmp(file.data(), kMagic, sizeof(kMagic)) == 0;
  if (valid) std::memcpy(key.data(), file.data() + sizeof(kMagic), key.size());
  OPENSSL_cleanse(file.data(), file.size());
  if (!valid) return Fail(DataLoss("key file " + path + " is damaged"));
  cache_.emplace(std::string(key_id), key);
  return key;
}

bool KeyStore::Exists(std::string_view key_id) const {
  std::lock_guard lock(mu_);
  return LoadLocked(key_id).has_value();
}

Result<SealedBytes> KeyStore::Seal(std::string_view key_id, std::string_view field,
                                   std::string_view plaintext) {
  std::lock_guard lock(mu_);
  Result<Key> key = LoadLocked(key_id);
  if (!key) return Fail(key.error());
  SealedBytes out;
  out.nonce.resize(kNonceBytes);
  random_(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(out.nonce.data()), kNonceBytes));
  out.ciphertext.resize(plaintext.size() + kTagBytes);
  const std::string aad = Aad(key_id, field);
  CipherCtx c;
  int len = 0;
  int total = 0;
  auto* ct = reinterpret_cast<unsigned char*>(out.ciphertext.data());
  bool ok = c.ctx && EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, key->data(), U(out.nonce)) == 1 &&
            EVP_EncryptUpdate(c.ctx, nullptr, &len, U(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(c.ctx, ct, &len, U(plaintext), static_cast<int>(plaintext.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(c.ctx, ct + total, &len) == 1;
  total += len;
  ok = ok && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + total) == 1;
  OPENSSL_cleanse(key->data(), key->size());
  if (!ok || static_cast<std::size_t>(total) != plaintext.size()) return Fail(Internal("AES-256-GCM encryption failed"));
  return out;
}

Result<std::string> KeyStore::Unseal(std::string_view key_id, std::string_view field,
                                     std::string_view nonce, std::string_view ciphertext) const {
  std::lock_guard lock(mu_);
  Result<Key> key = LoadLocked(key_id);
  if (!key) return Fail(key.error());
  if (nonce.size() != kNonceBytes || ciphertext.size() < kTagBytes) {
    OPENSSL_cleanse(key->data(), key->size());
    return Fail(DataLoss("sealed field has a malformed nonce or ciphertext"));
  }
  const std::size_t body = ciphertext.size() - kTagBytes;
  std::string plaintext(body, '\0');
  std::array<unsigned char, kTagBytes> tag{};
  std::memcpy(tag.data(), ciphertext.data() + body, kTagBytes);
  const std::string aad = Aad(key_id, field);
  CipherCtx c;
  int len = 0;
  int total = 0;
  auto* pt = reinterpret_cast<unsigned char*>(plaintext.data());
  bool ok = c.ctx && EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, key->data(), U(nonce)) == 1 &&
            EVP_DecryptUpdate(c.ctx, nullptr, &len, U(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(c.ctx, pt, &len, U(ciphertext), static_cast<int>(body)) == 1;
  total = len;
  ok = ok && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1;
  ok = ok && EVP_DecryptFinal_ex(c.ctx, pt + total, &len) == 1;
  OPENSSL_cleanse(key->data(), key->size());
  if (!ok) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return Fail(DataLoss("sealed field does not open under its key and field name"));
  }
  return plaintext;
}

Status KeyStore::Erase(std::string_view key_id) {
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(key_id); it != cache_.end()) {
    OPENSSL_cleanse(it->second.data(), it->second.size());
    cache_.erase(it);
  }
  if (!IsKeyId(key_id)) return Status::Ok();
  const std::string path = PathOf(key_id);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();
    return Errno("open", path);
  }
  // Overwrite in place before unlinking: unlink alone leaves the blocks
  // (and the key) on disk until reused.
  std::array<std::uint8_t, kFileBytes> zeros{};
  Status status = WriteAll(fd, zeros.data(), zeros.size(), path);
  if (status.ok() && ::fsync(fd) != 0) status = Errno("fsync", path);
  ::close(fd);
  VIGIE_RETURN_IF_ERROR(status);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("unlink", path);
  return FsyncDir(dir_);
}

}  // namespace vigie::projections
