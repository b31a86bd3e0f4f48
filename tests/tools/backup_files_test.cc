// The files of `vigie backup` / `vigie restore`: a backup shares no file
// with its store, backups and restored stores are private to their owner
// whatever the umask, directory arguments may end with a separator, and a
// failed backup or restore leaves nothing behind.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/tools/tools_test_support.h"

namespace vigie::tools {
namespace {

namespace fs = std::filesystem;
using testing::RunVigie;
using testing::TempDir;

// (st_dev, st_ino) of every file under `dir`.
std::set<std::pair<dev_t, ino_t>> Inodes(const std::string& dir) {
  std::set<std::pair<dev_t, ino_t>> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    if (entry.is_regular_file() && ::lstat(entry.path().c_str(), &st) == 0) out.emplace(st.st_dev, st.st_ino);
  }
  return out;
}

// The paths under `dir` (itself included) whose permission bits are not
// 0700 for a directory or 0600 for a file.
std::vector<std::string> NotPrivate(const std::string& dir) {
  std::vector<std::string> out;
  auto check = [&](const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return out.push_back(path.string() + " (unreadable)");
    const mode_t bits = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode) && bits != 0700) out.push_back(path.string() + " is a directory of mode " + std::to_string(bits));
    if (S_ISREG(st.st_mode) && bits != 0600) out.push_back(path.string() + " is a file of mode " + std::to_string(bits));
  };
  check(dir);
  for (const auto& entry : fs::recursive_directory_iterator(dir)) check(entry.path());
  return out;
}

// What stands beside `dir` named after it (DIR.partial, DIR.source,
// DIR.restoring, DIR.replaced-<time>).
std::vector<std::string> LeftBeside(const std::string& dir) {
  std::vector<std::string> out;
  const std::string name = fs::path(dir).filename().string();
  for (const auto& entry : fs::directory_iterator(fs::path(dir).parent_path())) {
    const std::string other = entry.path().filename().string();
    if (other != name && other.starts_with(name + ".")) out.push_back(other);
  }
  return out;
}

// Some key file of the key directory `dir`.
fs::path SomeKeyFile(const std::string& dir) {
  fs::path key;
  for (const auto& entry : fs::directory_iterator(dir)) key = entry.path();
  return key;
}

// A store of its own to damage: a backup of the shared demo (which no test
// may change) is a store.
std::string OwnDemoCopy(const TempDir& tmp) {
  const std::string copy = tmp / "source";
  const auto run = RunVigie({"backup", "--data", testing::SharedDemoDir(), "--to", copy});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return copy;
}

TEST(BackupFilesTest, BackupSharesNoFileWithTheStore) {
  TempDir tmp("vigie-backup-inodes");
  const std::string source = OwnDemoCopy(tmp);
  ASSERT_TRUE(fs::exists(source + "/store/CURRENT"));
  const auto demo_inodes = Inodes(testing::SharedDemoDir());
  for (const auto& inode : Inodes(source)) EXPECT_FALSE(demo_inodes.contains(inode)) << "a file is shared";
  ASSERT_EQ(RunVigie({"backup", "--data", source, "--to", tmp / "b"}).exit_code, 0);
  const auto source_inodes = Inodes(source);
  for (const auto& inode : Inodes(tmp / "b")) EXPECT_FALSE(source_inodes.contains(inode)) << "a file is shared";

  // Damage to the store does not reach the backup.
  ASSERT_TRUE(testing::DamageLargestTable(source + "/store"));
  EXPECT_NE(RunVigie({"verify", "--data", source}).exit_code, 0);
  const auto verified = RunVigie({"verify", "--data", tmp / "b"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
}

TEST(BackupFilesTest, BackupAndRestoredStoreArePrivateWhateverTheUmask) {
  TempDir tmp("vigie-backup-modes");
  const mode_t previous = ::umask(0);  // inherited by the vigie processes
  const auto backup = RunVigie({"backup", "--data", testing::SharedDemoDir(), "--to", tmp / "b"});
  const auto restore = RunVigie({"restore", "--from", tmp / "b", "--data", tmp / "r"});
  ::umask(previous);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_TRUE(fs::exists(tmp / "b/keys"));
  EXPECT_EQ(NotPrivate(tmp / "b"), std::vector<std::string>{});
  EXPECT_EQ(NotPrivate(tmp / "r"), std::vector<std::string>{});
}

TEST(BackupFilesTest, DirectoryArgumentsMayEndWithASeparator) {
  TempDir tmp("vigie-backup-slash");
  const auto backup = RunVigie({"backup", "--data", testing::SharedDemoDir() + "/", "--to", tmp / "b/"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_TRUE(fs::exists(tmp / "b/backup.json"));
  EXPECT_FALSE(fs::exists(tmp / "b/.partial"));
  EXPECT_EQ(LeftBeside(tmp / "b"), std::vector<std::string>{});

  const auto restored = RunVigie({"restore", "--from", tmp / "b/", "--data", tmp / "r/"});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_TRUE(fs::exists(tmp / "r/store/CURRENT"));
  const auto replaced = RunVigie({"restore", "--from", tmp / "b//", "--data", tmp / "r/", "--replace"});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_FALSE(fs::exists(tmp / "r/.restoring"));
  EXPECT_EQ(RunVigie({"verify", "--data", tmp / "r/"}).exit_code, 0);
  for (const std::string& left : LeftBeside(tmp / "r")) EXPECT_TRUE(left.starts_with("r.replaced-")) << left;
}

TEST(BackupFilesTest, FailedBackupLeavesNothingAndARetryWorks) {
  TempDir tmp("vigie-backup-failed");
  const std::string source = OwnDemoCopy(tmp);
  const fs::path key = SomeKeyFile(source + "/keys");
  ASSERT_FALSE(key.empty());
  const std::string whole = testing::ReadFile(key);
  testing::WriteFile(key, whole.substr(0, 10));  // a damaged key file

  const auto failed = RunVigie({"backup", "--data", source, "--to", tmp / "b"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(testing::ErrorLines(failed.err).size(), 1u) << failed.err;
  EXPECT_FALSE(fs::exists(tmp / "b"));
  EXPECT_EQ(LeftBeside(tmp / "b"), std::vector<std::string>{});

  testing::WriteFile(key, whole);
  const auto retried = RunVigie({"backup", "--data", source, "--to", tmp / "b"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(RunVigie({"verify", "--data", tmp / "b"}).exit_code, 0);
}

// A key the log needs and the key store lost (not erased): the backup
// cannot be whole, so it fails, naming how many keys are missing.
TEST(BackupFilesTest, BackupOfAStoreMissingAKeyFailsAndLeavesNothing) {
  TempDir tmp("vigie-backup-missing-key");
  const std::string source = OwnDemoCopy(tmp);
  const fs::path key = SomeKeyFile(source + "/keys");
  ASSERT_FALSE(key.empty());
  fs::remove(key);

  const auto failed = RunVigie({"backup", "--data", source, "--to", tmp / "b"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(testing::ErrorLines(failed.err).size(), 1u) << failed.err;
  EXPECT_NE(failed.err.find("1 subject key"), std::string::npos) << failed.err;
  EXPECT_FALSE(fs::exists(tmp / "b"));
  EXPECT_EQ(LeftBeside(tmp / "b"), std::vector<std::string>{});
}

TEST(BackupFilesTest, FailedRestoreLeavesNothingAndARetryWorks) {
  TempDir tmp("vigie-restore-failed");
  ASSERT_EQ(RunVigie({"backup", "--data", testing::SharedDemoDir(), "--to", tmp / "b"}).exit_code, 0);
  const fs::path key = SomeKeyFile(tmp / "b/keys");
  ASSERT_FALSE(key.empty());
  const std::string whole = testing::ReadFile(key);
  testing::WriteFile(key, whole.substr(0, 10));  // damaged after the backup was made

  const auto failed = RunVigie({"restore", "--from", tmp / "b", "--data", tmp / "r"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(testing::ErrorLines(failed.err).size(), 1u) << failed.err;
  EXPECT_FALSE(fs::exists(tmp / "r"));
  EXPECT_EQ(LeftBeside(tmp / "r"), std::vector<std::string>{});

  testing::WriteFile(key, whole);
  const auto retried = RunVigie({"restore", "--from", tmp / "b", "--data", tmp / "r"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(RunVigie({"verify", "--data", tmp / "r"}).exit_code, 0);
}

}  // namespace
}  // namespace vigie::tools
