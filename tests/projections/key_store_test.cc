#include "projections/key_store.h"

#include <sys/stat.h>

#include <array>
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/projections/domain_test_support.h"

namespace vigie::projections::domain_testing {
namespace {

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = KeyStore::Open(dir_.path() + "/keys", CountingRandom(42));
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    keys_ = std::move(*opened);
  }
  // The key bytes CreateKey drew from CountingRandom(42) as its n-th key
  // (each CreateKey draws 16 bytes of id, then 32 of key).
  static std::string ExpectedKey(int n) {
    RandomSource replay = CountingRandom(42);
    std::array<std::uint8_t, 16> id{};
    std::array<std::uint8_t, 32> key{};
    for (int i = 0; i <= n; ++i) {
      replay(id);
      replay(key);
    }
    return std::string(reinterpret_cast<const char*>(key.data()), key.size());
  }

  TempDir dir_{"vigie-keys"};
  std::unique_ptr<KeyStore> keys_;
};

TEST_F(KeyStoreTest, SealsAndUnseals) {
  Result<std::string> id = keys_->CreateKey();
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  EXPECT_EQ(id->size(), 32u);
  Result<SealedBytes> sealed = keys_->Seal(*id, "pseudonym", "Kevin D.");
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->nonce.size(), kNonceBytes);
  EXPECT_EQ(sealed->ciphertext.size(), 8 + kTagBytes);
  EXPECT_EQ(sealed->ciphertext.find("Kevin"), std::string::npos);
  Result<std::string> opened = keys_->Unseal(*id, "pseudonym", sealed->nonce, sealed->ciphertext);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(*opened, "Kevin D.");
  // Fresh nonce every time.
  EXPECT_NE(keys_->Seal(*id, "pseudonym", "Kevin D.")->nonce, sealed->nonce);
}

TEST_F(KeyStoreTest, CiphertextIsBoundToItsSubjectAndField) {
  const std::string a = *keys_->CreateKey();
  const std::string b = *keys_->CreateKey();
  SealedBytes sealed = *keys_->Seal(a, "note:n1", "Rencontre avec la famille");
  EXPECT_EQ(keys_->Unseal(a, "note:n2", sealed.nonce, sealed.ciphertext).error().code(), StatusCode::kDataLoss);
  EXPECT_EQ(keys_->Unseal(b, "note:n1", sealed.nonce, sealed.ciphertext).error().code(), StatusCode::kDataLoss);
  std::string flipped = sealed.ciphertext;
  flipped[0] = static_cast<char>(flipped[0] ^ 1);
  EXPECT_EQ(keys_->Unseal(a, "note:n1", sealed.nonce, flipped).error().code(), StatusCode::kDataLoss);
  EXPECT_EQ(keys_->Unseal(a, "note:n1", "short", sealed.ciphertext).error().code(), StatusCode::kDataLoss);
}

TEST_F(KeyStoreTest, KeysAreDurableFilesOnlyTheOwnerReads) {
  const std::string id = *keys_->CreateKey();
  const std::string path = dir_.path() + "/keys/" + id + ".key";
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 36);
  ASSERT_EQ(::stat((dir_.path() + "/keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  SealedBytes sealed = *keys_->Seal(id, "birth_year", "1997");
  // Another instance (after a restart) reads the file.
  auto reopened = KeyStore::Open(dir_.path() + "/keys", CountingRandom(1));
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(*(*reopened)->Unseal(id, "birth_year", sealed.nonce, sealed.ciphertext), "1997");
  EXPECT_TRUE((*reopened)->Exists(id));
  EXPECT_FALSE((*reopened)->Exists("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE((*reopened)->Exists("../../etc/passwd"));
}

TEST_F(KeyStoreTest, RefusesADirectoryOthersCanRead) {
  const std::string open_dir = dir_.path() + "/open";
  ASSERT_EQ(::mkdir(open_dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(open_dir.c_str(), 0755), 0);
  EXPECT_EQ(KeyStore::Open(open_dir).error().code(), StatusCode::kFailedPrecondition);
}

TEST_F(KeyStoreTest, KeySourceIsInjectable) {
  const std::string first = *keys_->CreateKey();
  auto again = KeyStore::Open(dir_.path() + "/keys2", CountingRandom(42));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*(*again)->CreateKey(), first);
  EXPECT_EQ(FilesContaining(dir_.path() + "/keys", ExpectedKey(0)).size(), 1u);
}

TEST_F(KeyStoreTest, EraseLeavesNoKeyBytesAnywhere) {
  const std::string id = *keys_->CreateKey();
  const std::string other = *keys_->CreateKey();
  SealedBytes sealed = *keys_->Seal(id, "pseudonym", "Kevin D.");
  const std::string key = ExpectedKey(0);
  ASSERT_EQ(FilesContaining(dir_.path(), key).size(), 1u);  // the scan finds it before
  ASSERT_TRUE(keys_->Erase(id).ok());
  EXPECT_TRUE(FilesContaining(dir_.path(), key).empty());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/keys/" + id + ".key"));
  EXPECT_EQ(keys_->Unseal(id, "pseudonym", sealed.nonce, sealed.ciphertext).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(keys_->Seal(id, "pseudonym", "x").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(keys_->Exists(other));
  // Erasing again (retention re-run after a crash) is fine.
  EXPECT_TRUE(keys_->Erase(id).ok());
}

}  // namespace
}  // namespace vigie::projections::domain_testing
