// Every sub-command answers --help, and the exit codes of SPEC §7: 0 ok,
// 1 failure found, 2 usage error, each error in one line on stderr.
#include <gtest/gtest.h>

#include "tests/tools/tools_test_support.h"

namespace vigie::tools {
namespace {

using testing::RunVigie;

TEST(CliTest, EverySubCommandHasHelp) {
  for (const char* command : {"init", "verify", "proof", "demo", "replay", "report", "export", "import", "backup",
                              "restore", "serve", "bench"}) {
    auto run = RunVigie({command, "--help"});
    EXPECT_EQ(run.exit_code, 0) << command;
    EXPECT_NE(run.out.find("--data"), std::string::npos) << command;
  }
}

TEST(CliTest, BenchRunsTheBenchmarkProgram) {
  // Arguments after `--` go to vigie-bench itself.
  auto run = RunVigie({"bench", "--", "--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("vigie-bench"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--smoke"), std::string::npos) << run.out;
}

TEST(CliTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunVigie({}).exit_code, 2);
  EXPECT_EQ(RunVigie({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(RunVigie({"export", "--from", "minus-one"}).exit_code, 2);
  EXPECT_EQ(RunVigie({"demo", "--unknown-flag"}).exit_code, 2);
}

TEST(CliTest, UsageErrorsAreOneLine) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"export", "--from", "minus-one"}, std::vector<std::string>{"demo", "--unknown-flag"},
        std::vector<std::string>{"no-such-command"}}) {
    auto run = RunVigie(args);
    EXPECT_EQ(run.exit_code, 2) << args[0];
    EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
    EXPECT_TRUE(run.err.starts_with("vigie: ")) << run.err;
  }
}

TEST(CliTest, FailuresExitWithOneAndOneLine) {
  testing::TempDir tmp("vigie-cli");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"export", "--data", tmp / "none"},
        std::vector<std::string>{"replay", "--data", tmp / "none", "--projection", "plan"},
        std::vector<std::string>{"report", "--data", tmp / "none", "--year", "2013"}}) {
    auto run = RunVigie(args);
    EXPECT_EQ(run.exit_code, 1) << args[0];
    EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
    EXPECT_TRUE(run.err.starts_with("vigie: ")) << run.err;
  }
}

}  // namespace
}  // namespace vigie::tools
