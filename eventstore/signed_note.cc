// Byte formats owned by this file.
//
// Checkpoint body (C2SP tlog-checkpoint, without extension lines, which
// Vigie never writes and Checkpoint could not carry):
//   body     = origin LF size LF root LF
//   origin   = 1*<UTF-8 character other than a control character>
//   size     = "0" / (%x31-39 *19DIGIT)        ; fits in uint64
//   root     = <padded standard base64 of the 32-byte hash>
//
// Signed note (golang.org/x/mod/sumdb/note):
//   note     = text LF 1*100sigline            ; text ends with LF
//   text     = <UTF-8, no control character other than LF>
//   sigline  = U+2014 SP name SP base64(keyhash[4] || signature) LF
//   name     = 1*<UTF-8 character other than a space or "+">
//   keyhash  = SHA-256(name LF 0x01 public key[32])[0:4], big-endian
// The signed message is exactly `text`. The note splits at its last blank
// line, so a text may itself contain blank lines.
//
// Verifier key:
//   vkey     = name "+" 8HEXDIG "+" base64(0x01 || public key[32])
//
// Key file (mode 0600):
//   keyfile  = "vigie-ed25519-v1" LF name LF base64(seed[32]) LF
#include "eventstore/signed_note.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace vigie::note {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr std::string_view kKeyFileHeader = "vigie-ed25519-v1\n";
constexpr std::uint8_t kAlgEd25519 = 0x01;
constexpr std::size_t kSeedBytes = 32;
constexpr std::size_t kPublicKeyBytes = 32;
constexpr std::size_t kSignatureBytes = 64;
constexpr std::size_t kSignaturesMax = 100;       // as Go's note.Open
constexpr std::size_t kNoteBytesMax = 1 << 20;    // a checkpoint is ~100 bytes
constexpr std::size_t kKeyFileBytesMax = 4096;

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

const std::uint8_t* Bytes(std::string_view text) {
  return reinterpret_cast<const std::uint8_t*>(text.data());
}

int Base64Value(char c) {
  const std::size_t at = kBase64Alphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// Decodes one UTF-8 character at text[at] as Go's utf8.DecodeRune does,
// returning its length, or 0 if the bytes are not valid UTF-8 (overlong
// forms, surrogates and code points past U+10FFFF included).
std::size_t DecodeUtf8(std::string_view text, std::size_t at, char32_t* rune) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[at + i]); };
  const std::uint8_t lead = byte(0);
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    *rune = lead;
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
    minimum = 0x10000;
  } else {
    return 0;
  }
  if (text.size() - at < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *rune = value;
  return length;
}

// Go's unicode.IsSpace.
bool IsSpace(char32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// What note.Open accepts: UTF-8 without control characters other than LF.
bool IsValidText(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    char32_t r = 0;
    const std::size_t length = DecodeUtf8(text, at, &r);
    if (length == 0 || (r < 0x20 && r != '\n')) return false;
    at += length;
  }
  return true;
}

// Go's isValidName: non-empty UTF-8 with no space and no "+".
bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t at = 0; at < name.size();) {
    char32_t r = 0;
    const std::size_t length = DecodeUtf8(name, at, &r);
    if (length == 0 || IsSpace(r) || r == '+') return false;
    at += length;
  }
  return true;
}

std::uint32_t KeyHash(std::string_view name, std::span<const std::uint8_t> public_key) {
  std::vector<std::uint8_t> input(name.begin(), name.end());
  input.push_back('\n');
  input.push_back(kAlgEd25519);
  input.insert(input.end(), public_key.begin(), public_key.end());
  const merkle::Hash digest = merkle::Sha256(input);
  return static_cast<std::uint32_t>(digest[0]) << 24 | static_cast<std::uint32_t>(digest[1]) << 16 |
         static_cast<std::uint32_t>(digest[2]) << 8 | static_cast<std::uint32_t>(digest[3]);
}

Result<std::array<std::uint8_t, kPublicKeyBytes>> PublicKeyFromSeed(
    const std::array<std::uint8_t, kSeedBytes>& seed) {
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  std::array<std::uint8_t, kPublicKeyBytes> public_key{};
  std::size_t length = public_key.size();
  if (key == nullptr || EVP_PKEY_get_raw_public_key(key.get(), public_key.data(), &length) != 1 ||
      length != public_key.size()) {
    return Fail(Internal("ed25519: cannot derive the public key"));
  }
  return public_key;
}

bool VerifyEd25519(std::span<const std::uint8_t> public_key, std::string_view message,
                   std::span<const std::uint8_t> signature) {
  if (public_key.size() != kPublicKeyBytes || signature.size() != kSignatureBytes) return false;
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(),
                                          public_key.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (key == nullptr || ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), Bytes(message),
                          message.size()) == 1;
}

struct VerifierKeyParts {
  std::string name;
  std::uint32_t hash = 0;
  std::string public_key;  // without the algorithm byte
};

Result<VerifierKeyParts> ParseVerifierKey(std::string_view vkey) {
  const Status malformed = InvalidArgument("malformed verifier key");
  const std::size_t first_plus = vkey.find('+');
  if (first_plus == std::string_view::npos) return Fail(malformed);
  const std::string_view name = vkey.substr(0, first_plus);
  const std::string_view rest = vkey.substr(first_plus + 1);
  const std::size_t second_plus = rest.find('+');
  if (second_plus != 8 || !IsValidName(name)) return Fail(malformed);
  const std::string_view hash_hex = rest.substr(0, 8);
  std::uint32_t hash = 0;
  const auto [end, error] = std::from_chars(hash_hex.data(), hash_hex.data() + 8, hash, 16);
  if (error != std::errc() || end != hash_hex.data() + 8) return Fail(malformed);
  Result<std::string> key = Base64Decode(rest.substr(9));
  if (!key || key->size() != 1 + kPublicKeyBytes ||
      static_cast<std::uint8_t>((*key)[0]) != kAlgEd25519) {
    return Fail(malformed);
  }
  VerifierKeyParts parts{std::string(name), hash, key->substr(1)};
  if (KeyHash(parts.name, {Bytes(parts.public_key), parts.public_key.size()}) != hash) {
    return Fail(InvalidArgument("verifier key: hash does not match name and key"));
  }
  return parts;
}

Result<std::uint64_t> ParseDecimal(std::string_view text) {
  const Status malformed = InvalidArgument("checkpoint: malformed tree size");
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return Fail(malformed);
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Fail(malformed);
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (error != std::errc() || end != text.data() + text.size()) return Fail(malformed);
  return value;
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return Internal(std::string("key file: write: ") + std::strerror(errno));
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return Status::Ok();
}

// The new directory entry is only durable once its directory is synced.
Status SyncParentDirectory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string directory =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Internal("key file: open " + directory + ": " + std::strerror(errno));
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) return Internal("key file: fsync " + directory + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = static_cast<std::uint32_t>(Bytes(bytes)[i]) << 16 |
                                static_cast<std::uint32_t>(Bytes(bytes)[i + 1]) << 8 |
                                Bytes(bytes)[i + 2];
    out.push_back(kBase64Alphabet[(group >> 18) & 0x3F]);
    out.push_back(kBase64Alphabet[(group >> 12) & 0x3F]);
    out.push_back(kBase64Alphabet[(group >> 6) & 0x3F]);
    out.push_back(kBase64Alphabet[group & 0x3F]);
  }
  const std::size_t left = bytes.size() - i;
  if (left > 0) {
    std::uint32_t group = static_cast<std::uint32_t>(Bytes(bytes)[i]) << 16;
    if (left == 2) group |= static_cast<std::uint32_t>(Bytes(bytes)[i + 1]) << 8;
    out.push_back(kBase64Alphabet[(group >> 18) & 0x3F]);
    out.push_back(kBase64Alphabet[(group >> 12) & 0x3F]);
    out.push_back(left == 2 ? kBase64Alphabet[(group >> 6) & 0x3F] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  const Status malformed = InvalidArgument("malformed base64");
  if (text.size() % 4 != 0) return Fail(malformed);
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t padding = !last ? 0 : text[i + 3] != '=' ? 0 : text[i + 2] != '=' ? 1 : 2;
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4 - padding; ++j) {
      const int value = Base64Value(text[i + j]);
      if (value < 0) return Fail(malformed);
      group |= static_cast<std::uint32_t>(value) << (18 - 6 * j);
    }
    // Canonical encodings only: the bits the padding drops must be zero.
    if ((padding == 1 && (group & 0xFF) != 0) || (padding == 2 && (group & 0xFFFF) != 0)) {
      return Fail(malformed);
    }
    out.push_back(static_cast<char>(group >> 16));
    if (padding < 2) out.push_back(static_cast<char>((group >> 8) & 0xFF));
    if (padding < 1) out.push_back(static_cast<char>(group & 0xFF));
  }
  return out;
}

std::string FormatCheckpoint(const Checkpoint& checkpoint) {
  const std::string_view root(reinterpret_cast<const char*>(checkpoint.root.data()),
                              checkpoint.root.size());
  return checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
         Base64Encode(root) + "\n";
}

Result<Checkpoint> ParseCheckpoint(std::string_view body) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    const std::size_t newline = body.find('\n');
    if (newline == std::string_view::npos) {
      return Fail(InvalidArgument("checkpoint: the body must end with a newline"));
    }
    lines.push_back(body.substr(0, newline));
    body.remove_prefix(newline + 1);
  }
  if (lines.size() != 3) {
    return Fail(InvalidArgument("checkpoint: expected exactly origin, size and root lines"));
  }
  if (lines[0].empty() || !IsValidText(lines[0])) {
    return Fail(InvalidArgument("checkpoint: malformed origin"));
  }
  Result<std::uint64_t> size = ParseDecimal(lines[1]);
  if (!size) return Fail(size.error());
  Result<std::string> root = Base64Decode(lines[2]);
  if (!root || root->size() != merkle::Hash{}.size()) {
    return Fail(InvalidArgument("checkpoint: malformed root hash"));
  }
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  checkpoint.size = *size;
  std::memcpy(checkpoint.root.data(), root->data(), checkpoint.root.size());
  return checkpoint;
}

Result<SigningKey> SigningKey::Generate(std::string name) {
  if (!IsValidName(name)) {
    return Fail(InvalidArgument("key name must be non-empty, without spaces or '+'"));
  }
  SigningKey key;
  key.name_ = std::move(name);
  if (RAND_bytes(key.seed_.data(), static_cast<int>(key.seed_.size())) != 1) {
    return Fail(Internal("ed25519: no randomness for a new key"));
  }
  Result<std::array<std::uint8_t, kPublicKeyBytes>> public_key = PublicKeyFromSeed(key.seed_);
  if (!public_key) return Fail(public_key.error());
  key.public_key_ = *public_key;
  return key;
}

Result<SigningKey> SigningKey::Load(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const Status status = errno == ENOENT ? NotFound("key file " + path + " does not exist")
                                          : Internal("key file " + path + ": " + std::strerror(errno));
    return Fail(status);
  }
  // fstat on the open descriptor: the mode checked is the one of the bytes read.
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return Fail(FailedPrecondition("key file " + path + " is not a regular file"));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    ::close(fd);
    return Fail(FailedPrecondition("key file " + path + " is accessible to group or others; chmod 600 it"));
  }
  std::string text(kKeyFileBytesMax + 1, '\0');
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t got = ::read(fd, text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      ::close(fd);
      return Fail(Internal("key file " + path + ": read: " + std::strerror(errno)));
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  ::close(fd);
  text.resize(filled);

  SigningKey key;
  const Status corrupt = DataLoss("key file " + path + " is malformed");
  std::string_view rest = text;
  if (text.size() > kKeyFileBytesMax || !rest.starts_with(kKeyFileHeader)) {
    OPENSSL_cleanse(text.data(), text.size());
    return Fail(corrupt);
  }
  rest.remove_prefix(kKeyFileHeader.size());
  const std::size_t name_end = rest.find('\n');
  const std::size_t seed_end = name_end == std::string_view::npos ? name_end : rest.find('\n', name_end + 1);
  Result<std::string> seed;
  if (seed_end != std::string_view::npos && seed_end + 1 == rest.size()) {
    key.name_ = std::string(rest.substr(0, name_end));
    seed = Base64Decode(rest.substr(name_end + 1, seed_end - name_end - 1));
  }
  OPENSSL_cleanse(text.data(), text.size());
  if (!IsValidName(key.name_) || !seed || seed->size() != key.seed_.size()) {
    if (seed) OPENSSL_cleanse(seed->data(), seed->size());
    return Fail(corrupt);
  }
  std::memcpy(key.seed_.data(), seed->data(), key.seed_.size());
  OPENSSL_cleanse(seed->data(), seed->size());
  Result<std::array<std::uint8_t, kPublicKeyBytes>> public_key = PublicKeyFromSeed(key.seed_);
  if (!public_key) return Fail(public_key.error());
  key.public_key_ = *public_key;
  return key;
}

Status SigningKey::Save(const std::string& path) const {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return AlreadyExists("key file " + path + " already exists");
    return Internal("key file " + path + ": " + std::strerror(errno));
  }
  std::string text = std::string(kKeyFileHeader) + name_ + "\n" +
                     Base64Encode({reinterpret_cast<const char*>(seed_.data()), seed_.size()}) + "\n";
  // The umask may only have narrowed 0600; set it exactly.
  Status status = ::fchmod(fd, 0600) == 0
                      ? WriteAll(fd, text)
                      : Internal(std::string("key file: fchmod: ") + std::strerror(errno));
  OPENSSL_cleanse(text.data(), text.size());
  if (status.ok() && ::fsync(fd) != 0) {
    status = Internal(std::string("key file: fsync: ") + std::strerror(errno));
  }
  if (::close(fd) != 0 && status.ok()) {
    status = Internal(std::string("key file: close: ") + std::strerror(errno));
  }
  if (!status.ok()) {
    ::unlink(path.c_str());
    return status;
  }
  return SyncParentDirectory(path);
}

std::string SigningKey::VerifierKey() const {
  char hash[9];
  std::snprintf(hash, sizeof hash, "%08x", KeyHash(name_, public_key_));
  std::string key(1, static_cast<char>(kAlgEd25519));
  key.append(reinterpret_cast<const char*>(public_key_.data()), public_key_.size());
  return name_ + "+" + hash + "+" + Base64Encode(key);
}

Result<std::string> SigningKey::Sign(std::string_view body) const {
  // Refuse what note.Open would refuse, so that every note we sign verifies.
  if (body.empty() || body.back() != '\n' || !IsValidText(body)) {
    return Fail(InvalidArgument("note text must be UTF-8 ending with a newline, without control characters"));
  }
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed_.data(), seed_.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::array<std::uint8_t, 4 + kSignatureBytes> signature{};
  std::size_t length = kSignatureBytes;
  // Ed25519 hashes the message itself: no digest is named.
  if (key == nullptr || ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data() + 4, &length, Bytes(body), body.size()) != 1 ||
      length != kSignatureBytes) {
    return Fail(Internal("ed25519: signing failed"));
  }
  const std::uint32_t hash = KeyHash(name_, public_key_);
  for (int i = 0; i < 4; ++i) signature[i] = static_cast<std::uint8_t>(hash >> (24 - 8 * i));
  std::string note(body);
  note += "\n";
  note += kSignaturePrefix;
  note += name_;
  note += " ";
  note += Base64Encode({reinterpret_cast<const char*>(signature.data()), signature.size()});
  note += "\n";
  return note;
}

Status CheckVerifierKey(std::string_view verifier_key) {
  Result<VerifierKeyParts> key = ParseVerifierKey(verifier_key);
  return key ? Status::Ok() : key.error();
}

Result<std::string> VerifyNote(std::string_view verifier_key, std::string_view note) {
  Result<VerifierKeyParts> key = ParseVerifierKey(verifier_key);
  if (!key) return Fail(key.error());

  const Status malformed = InvalidArgument("malformed note");
  if (note.size() > kNoteBytesMax || !IsValidText(note)) return Fail(malformed);
  const std::size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return Fail(malformed);
  const std::string_view text = note.substr(0, split + 1);
  std::string_view signatures = note.substr(split + 2);
  if (signatures.empty() || signatures.back() != '\n') return Fail(malformed);

  bool verified = false;
  std::size_t count = 0;
  while (!signatures.empty()) {
    const std::size_t newline = signatures.find('\n');
    std::string_view line = signatures.substr(0, newline);
    signatures.remove_prefix(newline + 1);
    if (++count > kSignaturesMax || !line.starts_with(kSignaturePrefix)) return Fail(malformed);
    line.remove_prefix(kSignaturePrefix.size());
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return Fail(malformed);
    const std::string_view name = line.substr(0, space);
    const std::string_view encoded = line.substr(space + 1);
    Result<std::string> decoded = Base64Decode(encoded);
    if (!IsValidName(name) || encoded.empty() || !decoded || decoded->size() < 5) {
      return Fail(malformed);
    }
    const std::uint8_t* raw = Bytes(*decoded);
    const std::uint32_t hash = static_cast<std::uint32_t>(raw[0]) << 24 |
                               static_cast<std::uint32_t>(raw[1]) << 16 |
                               static_cast<std::uint32_t>(raw[2]) << 8 | raw[3];
    // Other signers (witnesses, say) may cosign; only our key is checked,
    // and as in note.Open a repeated signature by it is not looked at again.
    if (name != key->name || hash != key->hash || verified) continue;
    if (!VerifyEd25519({Bytes(key->public_key), key->public_key.size()}, text,
                       {raw + 4, decoded->size() - 4})) {
      return Fail(Unauthenticated("invalid signature for key " + key->name));
    }
    verified = true;
  }
  if (!verified) return Fail(Unauthenticated("note has no signature by key " + key->name));
  return std::string(text);
}

}  // namespace vigie::note
