#include "eventstore/signed_note.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace vigie::note {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94";  // U+2014 EM DASH

// Vectors from golang.org/x/mod/sumdb/note's note_test.go.
constexpr std::string_view kPeterKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kEnochKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
// The private half of kPeterKey: 0x01 || Ed25519 seed.
constexpr std::string_view kPeterPrivate = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    std::string(kDash) +
    " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig =
    std::string(kDash) +
    " EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

merkle::Hash SomeRoot() { return merkle::HashLeaf("some record"); }

class SignedNoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "vigie-note-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string PathOf(std::string_view name) const { return dir_ + "/" + std::string(name); }

  void WriteFile(const std::string& path, std::string_view contents, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
    ASSERT_EQ(::close(fd), 0);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }

  mode_t ModeOf(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0);
    return info.st_mode & 07777;
  }

  // A key file holding Go's PeterNeumann test key.
  SigningKey LoadPeter() {
    Result<std::string> private_key = Base64Decode(kPeterPrivate);
    EXPECT_TRUE(private_key.has_value());
    const std::string path = PathOf("peter.key");
    WriteFile(path, "vigie-ed25519-v1\nPeterNeumann\n" + Base64Encode(private_key->substr(1)) + "\n", 0600);
    Result<SigningKey> key = SigningKey::Load(path);
    EXPECT_TRUE(key.has_value()) << key.error().ToString();
    return *key;
  }

  std::string dir_;
};

TEST_F(SignedNoteTest, Base64MatchesRfc4648) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
      {std::string("\xfb\xff\xbf", 3), "+/+/"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded).value(), plain);
  }
}

TEST_F(SignedNoteTest, Base64DecodeIsStrict) {
  for (std::string_view bad : {"Zg", "Zg=", "Zg===", "Z===", "====", "Zh==", "Zm9=", "Zm9v\n",
                               "Zm9v Zm9v", "Zm-v", "Zm_v", "=Zm9", "Zg==Zg==", "Zm9vYg", "Zm8=\r"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

TEST_F(SignedNoteTest, CheckpointRoundTrips) {
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{4242},
                             std::numeric_limits<std::uint64_t>::max()}) {
    const Checkpoint checkpoint{"vigie.example.org/ledger", size, SomeRoot()};
    const std::string body = FormatCheckpoint(checkpoint);
    EXPECT_EQ(body, "vigie.example.org/ledger\n" + std::to_string(size) + "\n" +
                        Base64Encode({reinterpret_cast<const char*>(checkpoint.root.data()), 32}) + "\n");
    Result<Checkpoint> parsed = ParseCheckpoint(body);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
    EXPECT_EQ(parsed->origin, checkpoint.origin);
    EXPECT_EQ(parsed->size, size);
    EXPECT_EQ(parsed->root, checkpoint.root);
  }
}

TEST_F(SignedNoteTest, CheckpointParseIsStrict) {
  const std::string root = Base64Encode(std::string(32, 'r'));
  ASSERT_TRUE(ParseCheckpoint("o\n7\n" + root + "\n").has_value());
  const std::vector<std::string> bad = {
      "o\n7\n" + root,                                   // no trailing newline
      "o\n7\n" + root + "\n\n",                          // empty extra line
      "o\n7\n" + root + "\nextension\n",                 // extension line
      "o\n7\n",                                          // no root
      "\n7\n" + root + "\n",                             // empty origin
      "o\tx\n7\n" + root + "\n",                         // control character in origin
      "o\n07\n" + root + "\n",                           // leading zero
      "o\n00\n" + root + "\n",
      "o\n7a\n" + root + "\n",                           // not decimal
      "o\n0x7\n" + root + "\n",
      "o\n+7\n" + root + "\n",
      "o\n-7\n" + root + "\n",
      "o\n 7\n" + root + "\n",
      "o\n\n" + root + "\n",
      "o\n18446744073709551616\n" + root + "\n",        // overflows uint64
      "o\n7\n" + root.substr(0, 43) + "\n",              // bad base64
      "o\n7\n" + root.substr(0, 43) + "!\n",
      "o\n7\n" + Base64Encode(std::string(31, 'r')) + "\n",  // short hash
      "o\n7\n" + Base64Encode(std::string(33, 'r')) + "\n",  // long hash
      "o\r\n7\n" + root + "\n",
  };
  for (const std::string& body : bad) {
    Result<Checkpoint> parsed = ParseCheckpoint(body);
    ASSERT_FALSE(parsed.has_value()) << body;
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(SignedNoteTest, VerifiesGoSumdbNoteVector) {
  const std::string note = std::string(kGoText) + "\n" + kPeterSig;
  Result<std::string> text = VerifyNote(kPeterKey, note);
  ASSERT_TRUE(text.has_value()) << text.error().ToString();
  EXPECT_EQ(*text, kGoText);

  // A cosignature by another key is ignored, whichever key is asked.
  const std::string cosigned = std::string(kGoText) + "\n" + kPeterSig + kEnochSig;
  EXPECT_EQ(VerifyNote(kPeterKey, cosigned).value(), kGoText);
  EXPECT_EQ(VerifyNote(kEnochKey, cosigned).value(), kGoText);
  EXPECT_EQ(VerifyNote(kEnochKey, note).error().code(), StatusCode::kUnauthenticated);

  // Go's "invalid signature" case: four characters spliced into the base64.
  const std::string spliced = std::string(kGoText) + "\n" + kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  EXPECT_EQ(VerifyNote(kPeterKey, spliced).error().code(), StatusCode::kUnauthenticated);
}

TEST_F(SignedNoteTest, SignsLikeGoSumdbNote) {
  const SigningKey peter = LoadPeter();
  EXPECT_EQ(peter.name(), "PeterNeumann");
  EXPECT_EQ(peter.VerifierKey(), kPeterKey);
  Result<std::string> note = peter.Sign(kGoText);
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  EXPECT_EQ(*note, std::string(kGoText) + "\n" + kPeterSig);  // Ed25519 is deterministic
}

TEST_F(SignedNoteTest, RefusesGoMalformedNotes) {
  const std::string text(kGoText);
  const std::vector<std::string> bad = {
      text,
      text + "\n",
      text + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1),
      "\x01" + text + "\n" + kPeterSig,
      "\xff" + text + "\n" + kPeterSig,
      text + "\n" + std::string(kDash) +
          " Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
      text + "\n" + kPeterSig + "Unexpected line.\n",
  };
  for (const std::string& note : bad) {
    Result<std::string> verified = VerifyNote(kPeterKey, note);
    ASSERT_FALSE(verified.has_value()) << note;
    EXPECT_EQ(verified.error().code(), StatusCode::kInvalidArgument) << note;
  }
  std::string too_many = text + "\n";
  for (int i = 0; i < 101; ++i) too_many += kPeterSig;
  EXPECT_FALSE(VerifyNote(kPeterKey, too_many).has_value());
}

TEST_F(SignedNoteTest, RefusesMalformedVerifierKeys) {
  const std::string note = std::string(kGoText) + "\n" + kPeterSig;
  const std::string key(kPeterKey);
  for (std::size_t i = 0; i <= key.size(); ++i) {
    for (std::size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(VerifyNote(key.substr(i, j - i), note).has_value()) << key.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    std::string mangled = key;
    ++mangled[i];
    EXPECT_FALSE(VerifyNote(mangled, note).has_value()) << mangled;
  }
  // Go's cases: a wrong-length key and an unknown algorithm, each with a
  // key hash adjusted to match.
  EXPECT_FALSE(VerifyNote("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", note).has_value());
  EXPECT_FALSE(VerifyNote("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", note).has_value());
}

TEST_F(SignedNoteTest, CheckVerifierKeyWithoutANote) {
  EXPECT_TRUE(CheckVerifierKey(kPeterKey).ok());
  Result<SigningKey> key = SigningKey::Generate("vigie.example.org/ledger");
  ASSERT_TRUE(key.has_value());
  EXPECT_TRUE(CheckVerifierKey(key->VerifierKey()).ok());
  const std::string peter(kPeterKey);
  for (const std::string& bad :
       {std::string(), std::string("PeterNeumann"), peter.substr(0, peter.size() - 1), "x" + peter,
        std::string("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")}) {
    Status s = CheckVerifierKey(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(SignedNoteTest, SignedCheckpointRoundTrips) {
  Result<SigningKey> key = SigningKey::Generate("vigie.example.org/ledger");
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  const Checkpoint checkpoint{key->name(), 12345, SomeRoot()};
  const std::string body = FormatCheckpoint(checkpoint);
  Result<std::string> note = key->Sign(body);
  ASSERT_TRUE(note.has_value()) << note.error().ToString();
  ASSERT_TRUE(note->starts_with(body + "\n" + std::string(kDash) + " vigie.example.org/ledger "));
  ASSERT_TRUE(note->ends_with("\n"));

  Result<std::string> verified = VerifyNote(key->VerifierKey(), *note);
  ASSERT_TRUE(verified.has_value()) << verified.error().ToString();
  EXPECT_EQ(*verified, body);
  Result<Checkpoint> parsed = ParseCheckpoint(*verified);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->size, checkpoint.size);
  EXPECT_EQ(parsed->root, checkpoint.root);
}

// Body text may itself hold blank lines: the note splits at the last one.
TEST_F(SignedNoteTest, BodyWithBlankLinesRoundTrips) {
  Result<SigningKey> key = SigningKey::Generate("log");
  ASSERT_TRUE(key.has_value());
  for (std::string_view body : {"\n", "a\n\nb\n", "a\n\n", "caf\xC3\xA9 \xE2\x80\x94 ok\n"}) {
    Result<std::string> note = key->Sign(body);
    ASSERT_TRUE(note.has_value()) << body;
    EXPECT_EQ(VerifyNote(key->VerifierKey(), *note).value(), body);
  }
}

TEST_F(SignedNoteTest, VerifierKeyHasGoFormat) {
  Result<SigningKey> key = SigningKey::Generate("vigie.example.org/ledger");
  ASSERT_TRUE(key.has_value());
  const std::string vkey = key->VerifierKey();
  const std::string prefix = "vigie.example.org/ledger+";
  ASSERT_TRUE(vkey.starts_with(prefix));
  const std::string hash_hex = vkey.substr(prefix.size(), 8);
  EXPECT_EQ(hash_hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  ASSERT_EQ(vkey[prefix.size() + 8], '+');
  Result<std::string> public_key = Base64Decode(vkey.substr(prefix.size() + 9));
  ASSERT_TRUE(public_key.has_value());
  ASSERT_EQ(public_key->size(), 33u);
  EXPECT_EQ((*public_key)[0], '\x01');

  // key hash = SHA-256(name || "\n" || 0x01 || public key)[0:4], computed here
  // independently.
  const std::string input = key->name() + "\n" + *public_key;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ASSERT_EQ(EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr), 1);
  char expected[9];
  std::snprintf(expected, sizeof expected, "%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
  EXPECT_EQ(hash_hex, expected);
}

TEST_F(SignedNoteTest, RefusesTamperedBody) {
  Result<SigningKey> key = SigningKey::Generate("log");
  ASSERT_TRUE(key.has_value());
  const std::string body = FormatCheckpoint({"log", 10, SomeRoot()});
  const std::string note = key->Sign(body).value();
  for (std::size_t i = 0; i + 1 < body.size(); ++i) {
    if (body[i] == '\n') continue;
    std::string tampered = note;
    tampered[i] = tampered[i] == '1' ? '2' : '1';
    Result<std::string> verified = VerifyNote(key->VerifierKey(), tampered);
    ASSERT_FALSE(verified.has_value()) << tampered;
    EXPECT_EQ(verified.error().code(), StatusCode::kUnauthenticated);
  }
}

TEST_F(SignedNoteTest, RefusesTamperedSignature) {
  Result<SigningKey> key = SigningKey::Generate("log");
  ASSERT_TRUE(key.has_value());
  const std::string body = FormatCheckpoint({"log", 10, SomeRoot()});
  const std::string note = key->Sign(body).value();
  const std::size_t signature_start = note.rfind(' ') + 1;
  for (std::size_t i = signature_start; i + 1 < note.size(); ++i) {
    if (note[i] == '=') continue;
    std::string tampered = note;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifyNote(key->VerifierKey(), tampered).has_value()) << i;
  }
}

TEST_F(SignedNoteTest, RefusesTamperedSignatureLine) {
  const std::string text(kGoText);
  std::string renamed = kPeterSig;
  renamed.replace(renamed.find("PeterNeumann"), 12, "CarmenSandiego");
  std::string hyphen = kPeterSig;
  hyphen.replace(0, kDash.size(), "-");
  std::string wrong_hash = kPeterSig;
  wrong_hash.replace(wrong_hash.find("x08g"), 4, "xxxx");
  for (const std::string& line : {renamed, hyphen, wrong_hash, " " + kPeterSig,
                                  std::string(kDash) + " " + kPeterSig.substr(kDash.size()),
                                  kPeterSig.substr(0, kPeterSig.size() - 1) + " \n"}) {
    EXPECT_FALSE(VerifyNote(kPeterKey, text + "\n" + line).has_value()) << line;
  }
}

TEST_F(SignedNoteTest, RefusesWrongKey) {
  Result<SigningKey> key = SigningKey::Generate("log");
  Result<SigningKey> other = SigningKey::Generate("other");
  Result<SigningKey> namesake = SigningKey::Generate("log");
  ASSERT_TRUE(key && other && namesake);
  const std::string note = key->Sign(FormatCheckpoint({"log", 1, SomeRoot()})).value();
  EXPECT_EQ(VerifyNote(other->VerifierKey(), note).error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyNote(namesake->VerifierKey(), note).error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyNote(kPeterKey, note).error().code(), StatusCode::kUnauthenticated);
}

TEST_F(SignedNoteTest, RefusesEveryTruncation) {
  Result<SigningKey> key = SigningKey::Generate("log");
  ASSERT_TRUE(key.has_value());
  const std::string note = key->Sign(FormatCheckpoint({"log", 77, SomeRoot()})).value();
  for (std::size_t length = 0; length < note.size(); ++length) {
    EXPECT_FALSE(VerifyNote(key->VerifierKey(), note.substr(0, length)).has_value()) << length;
  }
}

TEST_F(SignedNoteTest, SignRefusesBodiesNoteOpenWouldRefuse) {
  Result<SigningKey> key = SigningKey::Generate("log");
  ASSERT_TRUE(key.has_value());
  for (std::string_view body : {"", "no newline", "tab\there\n", "cr\r\n", "bad \xff utf8\n",
                                "overlong \xC0\xAF\n"}) {
    Result<std::string> note = key->Sign(body);
    ASSERT_FALSE(note.has_value()) << body;
    EXPECT_EQ(note.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(SignedNoteTest, GenerateRefusesInvalidNames) {
  for (std::string_view name : {"", "a b", "a+b", "a\tb", "a\nb", "a\xC2\xA0" "b", "\xff"}) {
    EXPECT_EQ(SigningKey::Generate(std::string(name)).error().code(), StatusCode::kInvalidArgument) << name;
  }
}

TEST_F(SignedNoteTest, KeyFileIsPrivateAndRoundTrips) {
  Result<SigningKey> key = SigningKey::Generate("vigie.example.org/ledger");
  ASSERT_TRUE(key.has_value());
  const std::string path = PathOf("checkpoint.key");
  ASSERT_TRUE(key->Save(path).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(key->Save(path).code(), StatusCode::kAlreadyExists);

  Result<SigningKey> loaded = SigningKey::Load(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->name(), key->name());
  EXPECT_EQ(loaded->VerifierKey(), key->VerifierKey());
  const std::string body = FormatCheckpoint({key->name(), 3, SomeRoot()});
  EXPECT_EQ(VerifyNote(key->VerifierKey(), loaded->Sign(body).value()).value(), body);
}

TEST_F(SignedNoteTest, SaveIgnoresAPermissiveUmask) {
  Result<SigningKey> key = SigningKey::Generate("log");
  ASSERT_TRUE(key.has_value());
  const mode_t previous = ::umask(0);
  const Status saved = key->Save(PathOf("open-umask.key"));
  ::umask(previous);
  ASSERT_TRUE(saved.ok()) << saved.ToString();
  EXPECT_EQ(ModeOf(PathOf("open-umask.key")), 0600u);
}

TEST_F(SignedNoteTest, LoadRefusesKeyFileOthersCanAccess) {
  Result<SigningKey> key = SigningKey::Generate("log");
  ASSERT_TRUE(key.has_value());
  const std::string path = PathOf("shared.key");
  ASSERT_TRUE(key->Save(path).ok());
  for (mode_t mode : {0644, 0640, 0604, 0610, 0601, 0660}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    Result<SigningKey> loaded = SigningKey::Load(path);
    ASSERT_FALSE(loaded.has_value()) << std::oct << mode;
    EXPECT_EQ(loaded.error().code(), StatusCode::kFailedPrecondition);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(SigningKey::Load(path).has_value());
}

TEST_F(SignedNoteTest, LoadRefusesMalformedKeyFile) {
  EXPECT_EQ(SigningKey::Load(PathOf("missing.key")).error().code(), StatusCode::kNotFound);
  const std::string seed = Base64Encode(std::string(32, 's'));
  const std::vector<std::string> bad = {
      "",
      "vigie-ed25519-v1\nlog\n" + seed,                    // no final newline
      "vigie-ed25519-v1\nlog\n" + seed + "\n\n",           // trailing data
      "vigie-ed25519-v2\nlog\n" + seed + "\n",             // unknown version
      "vigie-ed25519-v1\n\n" + seed + "\n",                // empty name
      "vigie-ed25519-v1\nlo g\n" + seed + "\n",            // invalid name
      "vigie-ed25519-v1\nlog\n" + Base64Encode(std::string(31, 's')) + "\n",
      "vigie-ed25519-v1\nlog\n" + seed.substr(1) + "\n",
      "vigie-ed25519-v1\nlog\n" + seed + "\n" + std::string(5000, 'x'),
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const std::string path = PathOf("bad" + std::to_string(i) + ".key");
    WriteFile(path, bad[i], 0600);
    Result<SigningKey> loaded = SigningKey::Load(path);
    ASSERT_FALSE(loaded.has_value()) << bad[i];
    EXPECT_EQ(loaded.error().code(), StatusCode::kDataLoss) << bad[i];
  }
  EXPECT_EQ(SigningKey::Load(dir_).error().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace vigie::note
