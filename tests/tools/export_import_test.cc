// `vigie export` / `vigie import`: CloudEvents lines that rebuild the same
// tree, and an import that refuses any edited or malformed line by number
// and then imports nothing; with the source's signed checkpoint and key, an
// import that also refuses a forged or cut-short history.
#include <gtest/gtest.h>

#include <filesystem>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "eventstore/merkle_tree.h"
#include "eventstore/record_codec.h"
#include "eventstore/signed_note.h"
#include "tests/tools/tools_test_support.h"
#include "tools/cloudevents.h"

namespace vigie::tools {
namespace {

using testing::RunVigie;
using testing::TempDir;

class ExportImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    export_file_ = tmp_ / "log.jsonl";
    auto run = RunVigie({"export", "--data", testing::SharedDemoDir()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    testing::WriteFile(export_file_, run.out);
    lines_ = testing::Lines(run.out);
  }

  // Writes the export with line `number` (1-based) replaced by `line`.
  std::string WithLine(std::size_t number, const std::string& line) {
    std::string text;
    for (std::size_t i = 0; i < lines_.size(); ++i) text += (i + 1 == number ? line : lines_[i]) + "\n";
    const std::string path = tmp_ / ("edited-" + std::to_string(edits_++) + ".jsonl");
    testing::WriteFile(path, text);
    return path;
  }

  // Imports `file` into a new directory: the import must fail naming `line`
  // and leave nothing behind.
  void ExpectRefused(const std::string& file, std::size_t line) {
    const std::string target = tmp_ / ("refused-" + std::to_string(edits_));
    auto run = RunVigie({"import", "--data", target}, file);
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_NE(run.err.find("line " + std::to_string(line) + ":"), std::string::npos) << run.err;
    EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
    EXPECT_FALSE(std::filesystem::exists(target));
    EXPECT_FALSE(std::filesystem::exists(target + ".importing"));
  }

  // Writes the first `count` lines of the export.
  std::string FirstLines(std::size_t count) {
    std::string text;
    for (std::size_t i = 0; i < count; ++i) text += lines_[i] + "\n";
    const std::string path = tmp_ / ("first-" + std::to_string(count) + ".jsonl");
    testing::WriteFile(path, text);
    return path;
  }

  // The demo's latest stored checkpoint, written to a file, and its size.
  std::pair<std::string, std::uint64_t> SourceCheckpoint() {
    auto source = eventstore::EventStore::OpenReadOnly(testing::SharedDemoDir());
    EXPECT_TRUE(source.has_value());
    const auto checkpoints = (*source)->Checkpoints();
    EXPECT_FALSE(checkpoints.empty());
    const std::string path = tmp_ / "checkpoint.txt";
    testing::WriteFile(path, checkpoints.back().second);
    return {path, checkpoints.back().first};
  }

  std::string SourceVerifierKey() {
    auto source = eventstore::EventStore::OpenReadOnly(testing::SharedDemoDir());
    EXPECT_TRUE(source.has_value());
    return (*source)->VerifierKey();
  }

  // Imports `file` with the demo's checkpoint and key: refused, exit 1,
  // with `reason` in one line and nothing left behind.
  void ExpectRefusedByCheckpoint(const std::string& file, const std::string& reason) {
    const std::string target = tmp_ / ("refused-" + std::to_string(edits_++));
    auto run = RunVigie({"import", "--data", target, "--checkpoint", SourceCheckpoint().first, "--verifier-key",
                         SourceVerifierKey()},
                        file);
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_NE(run.err.find(reason), std::string::npos) << run.err;
    EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
    EXPECT_FALSE(std::filesystem::exists(target));
    EXPECT_FALSE(std::filesystem::exists(target + ".importing"));
  }

  TempDir tmp_{"vigie-export"};
  std::string export_file_;
  std::vector<std::string> lines_;
  int edits_ = 0;
};

TEST_F(ExportImportTest, RoundTripGivesTheSameTree) {
  auto source = eventstore::EventStore::OpenReadOnly(testing::SharedDemoDir());
  ASSERT_TRUE(source.has_value());
  ASSERT_EQ(lines_.size(), (*source)->Size());
  const std::string target = tmp_ / "imported";
  auto run = RunVigie({"import", "--data", target}, export_file_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = boost::json::parse(run.out);
  EXPECT_EQ(summary.at("root_hash").as_string(), testing::SharedDemoRoot());
  EXPECT_EQ(summary.at("origin").as_string(), (*source)->origin());

  auto imported = eventstore::EventStore::OpenReadOnly(target);
  ASSERT_TRUE(imported.has_value());
  ASSERT_EQ((*imported)->Size(), (*source)->Size());
  for (std::uint64_t p : {std::uint64_t{0}, (*source)->Size() / 2, (*source)->Size() - 1}) {
    EXPECT_EQ((*imported)->Read(p)->record, (*source)->Read(p)->record) << p;
  }
  EXPECT_NE((*imported)->VerifierKey(), (*source)->VerifierKey()) << "an import signs with a key of its own";
  auto verify = RunVigie({"verify", "--data", target});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

TEST_F(ExportImportTest, LinesAreCloudEvents) {
  const auto first = boost::json::parse(lines_.front()).as_object();
  EXPECT_EQ(first.at("specversion").as_string(), "1.0");
  EXPECT_EQ(first.at("datacontenttype").as_string(), "application/json");
  EXPECT_EQ(first.at("vigieposition").to_number<int>(), 0);
  EXPECT_TRUE(first.at("source").as_string().starts_with("demo.vigie.example/zsp-montreynaud/"));
  EXPECT_EQ(first.at("id").as_string().size(), 36u);
  EXPECT_TRUE(first.at("data").is_object());
  for (const auto& kv : first) {
    for (char c : std::string_view(kv.key())) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << kv.key();
  }
}

TEST_F(ExportImportTest, PartialExportFromAPosition) {
  auto run = RunVigie({"export", "--data", testing::SharedDemoDir(), "--from", "100"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto lines = testing::Lines(run.out);
  ASSERT_EQ(lines.size(), lines_.size() - 100);
  EXPECT_EQ(lines.front(), lines_[100]);
  EXPECT_EQ(RunVigie({"export", "--data", testing::SharedDemoDir(), "--from", "999999"}).exit_code, 2);
  // An import starts at position 0.
  testing::WriteFile(tmp_ / "partial.jsonl", run.out);
  ExpectRefused(tmp_ / "partial.jsonl", 1);
}

TEST_F(ExportImportTest, EditedPayloadIsRefusedWithItsLine) {
  auto event = boost::json::parse(lines_[41]).as_object();
  event["data"].as_object()["edited"] = true;
  ExpectRefused(WithLine(42, boost::json::serialize(event)), 42);
}

TEST_F(ExportImportTest, EditedRecordBytesAreRefused) {
  auto event = boost::json::parse(lines_[99]).as_object();
  auto bytes = note::Base64Decode(event["vigierecord"].as_string());
  ASSERT_TRUE(bytes.has_value());
  (*bytes)[bytes->size() / 2] ^= 0x01;
  event["vigierecord"] = note::Base64Encode(*bytes);
  ExpectRefused(WithLine(100, boost::json::serialize(event)), 100);
  // ... even with a leaf hash recomputed to match: the attributes still disagree, or the record does not verify.
  event["vigieleafhash"] = merkle::ToHex(merkle::HashLeaf(*bytes));
  ExpectRefused(WithLine(100, boost::json::serialize(event)), 100);
}

TEST_F(ExportImportTest, EachEditedAttributeIsRefused) {
  const auto original = boost::json::parse(lines_[7]).as_object();
  // attribute, and its new value as JSON text
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"specversion", R"("0.3")"},
      {"id", R"("00000000-0000-4000-8000-000000000000")"},
      {"source", R"("elsewhere.example/log/partner-x")"},
      {"type", R"("SubjectErased")"},
      {"time", R"("2013-01-01T00:00:00Z")"},
      {"datacontenttype", R"("text/plain")"},
      {"vigieposition", "8"},
      {"vigierecordedat", R"("2012-12-31T23:00:00Z")"},
      {"vigieleafhash", "\"" + std::string(64, '0') + "\""},
      {"vigierecord", R"("not base64!")"},
      {"vigieextra", "1"},
  };
  for (const auto& [name, value] : edits) {
    auto event = original;
    event[name] = boost::json::parse(value);
    SCOPED_TRACE(name);
    ExpectRefused(WithLine(8, boost::json::serialize(event)), 8);
  }
  auto missing = original;
  missing.erase("time");
  ExpectRefused(WithLine(8, boost::json::serialize(missing)), 8);
}

TEST_F(ExportImportTest, MalformedAndMissingLinesAreRefused) {
  ExpectRefused(WithLine(3, "{\"specversion\": \"1.0\""), 3);
  ExpectRefused(WithLine(5, "[1, 2, 3]"), 5);
  // A line dropped: the next one is out of place.
  std::string text;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    if (i != 10) text += lines_[i] + "\n";
  }
  testing::WriteFile(tmp_ / "gap.jsonl", text);
  ExpectRefused(tmp_ / "gap.jsonl", 11);
  // The bad line is the last one: still nothing imported.
  ExpectRefused(WithLine(lines_.size(), "{}"), lines_.size());
}

TEST_F(ExportImportTest, ImportUsageErrors) {
  TempDir dir("vigie-import");
  ASSERT_EQ(RunVigie({"init", "--data", dir / "data", "--origin", "x.example/log"}).exit_code, 0);
  auto run = RunVigie({"import", "--data", dir / "data"}, export_file_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("not empty"), std::string::npos) << run.err;
  auto wrong_origin = RunVigie({"import", "--data", dir / "other", "--origin", "x.example/log"}, export_file_);
  EXPECT_EQ(wrong_origin.exit_code, 1);
  EXPECT_NE(wrong_origin.err.find("line 1:"), std::string::npos) << wrong_origin.err;
  testing::WriteFile(dir / "empty.jsonl", "");
  EXPECT_EQ(RunVigie({"import", "--data", dir / "empty"}, dir / "empty.jsonl").exit_code, 1);
}

TEST_F(ExportImportTest, WithoutACheckpointTheSummarySaysTheHistoryWasNotChecked) {
  auto run = RunVigie({"import", "--data", tmp_ / "imported"}, export_file_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(boost::json::parse(run.out).at("checked_against_signed_checkpoint").as_bool());
  EXPECT_NE(run.err.find("not checked against a signed checkpoint"), std::string::npos) << run.err;
}

TEST_F(ExportImportTest, FaithfulExportImportsWithItsSignedCheckpoint) {
  const auto [checkpoint, size] = SourceCheckpoint();
  auto run = RunVigie({"import", "--data", tmp_ / "imported", "--checkpoint", checkpoint, "--verifier-key",
                       SourceVerifierKey()},
                      export_file_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = boost::json::parse(run.out);
  EXPECT_TRUE(summary.at("checked_against_signed_checkpoint").as_bool());
  EXPECT_EQ(summary.at("signed_checkpoint_tree_size").to_number<std::uint64_t>(), size);
  EXPECT_EQ(summary.at("root_hash").as_string(), testing::SharedDemoRoot());
  EXPECT_EQ(run.err.find("not checked"), std::string::npos) << run.err;
}

TEST_F(ExportImportTest, ExportCutShortIsRefusedByTheCheckpoint) {
  const std::uint64_t size = SourceCheckpoint().second;
  ASSERT_GT(size, 1u);
  // Cut at a line boundary, every line intact: only the checkpoint can tell.
  ASSERT_EQ(RunVigie({"import", "--data", tmp_ / "unchecked"}, FirstLines(size - 1)).exit_code, 0);
  ExpectRefusedByCheckpoint(FirstLines(size - 1), "cut short");
}

TEST_F(ExportImportTest, RecordAlteredWithItsLeafHashRecomputedIsRefusedByTheCheckpoint) {
  auto source = eventstore::EventStore::OpenReadOnly(testing::SharedDemoDir());
  ASSERT_TRUE(source.has_value());
  // A record alone in its command: its command id (in the record, in no
  // attribute) can change without touching another line.
  std::uint64_t position = 50;
  for (; position + 1 < lines_.size(); ++position) {
    const auto event = (*source)->Read(position);
    ASSERT_TRUE(event.has_value());
    if (!event->command_id.empty() && event->command_id != (*source)->Read(position - 1)->command_id &&
        event->command_id != (*source)->Read(position + 1)->command_id) {
      break;
    }
  }
  ASSERT_LT(position + 1, lines_.size());
  auto event = (*source)->Read(position);
  std::string bytes = event->record;
  const std::size_t at = bytes.find(event->command_id);
  ASSERT_NE(at, std::string::npos);
  bytes[at] = bytes[at] == '0' ? '1' : '0';
  auto record = eventstore::VerifyRecord(bytes);
  ASSERT_TRUE(record.has_value()) << record.error().message();
  auto forged = ToCloudEvent(eventstore::ToStoredEvent(**record, bytes), (*source)->origin());
  ASSERT_TRUE(forged.has_value()) << forged.error().message();
  EXPECT_NE(boost::json::serialize(*forged), lines_[position]);
  const std::string file = WithLine(position + 1, boost::json::serialize(*forged));
  // Every line checks against itself: without the checkpoint, the forgery imports.
  ASSERT_EQ(RunVigie({"import", "--data", tmp_ / "unchecked"}, file).exit_code, 0);
  ExpectRefusedByCheckpoint(file, "differ from the signed history");
}

TEST_F(ExportImportTest, CheckpointSignedByAnotherKeyIsRefused) {
  TempDir other("vigie-other");
  auto init = RunVigie({"init", "--data", other / "data", "--origin", "other.example/log"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string other_key(boost::json::parse(init.out).at("verifier_key").as_string());
  const std::string target = tmp_ / "imported";
  auto run = RunVigie({"import", "--data", target, "--checkpoint", SourceCheckpoint().first, "--verifier-key", other_key},
                      export_file_);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("does not verify under --verifier-key"), std::string::npos) << run.err;
  EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(ExportImportTest, MisusedCheckpointOptionsAreUsageErrors) {
  const std::string target = tmp_ / "imported";
  const std::string checkpoint = SourceCheckpoint().first;
  for (const std::vector<std::string>& args : {
           std::vector<std::string>{"import", "--data", target, "--checkpoint", checkpoint},
           std::vector<std::string>{"import", "--data", target, "--verifier-key", SourceVerifierKey()},
           std::vector<std::string>{"import", "--data", target, "--checkpoint", checkpoint, "--verifier-key",
                                    "not-a-key"},
           std::vector<std::string>{"import", "--data", target, "--checkpoint", tmp_ / "missing.txt", "--verifier-key",
                                    SourceVerifierKey()},
           std::vector<std::string>{"import", "--data", target, "--checkpoint", export_file_, "--verifier-key",
                                    SourceVerifierKey()},
       }) {
    auto run = RunVigie(args, export_file_);
    EXPECT_EQ(run.exit_code, 2) << args[3] << ": " << run.err;
    EXPECT_EQ(testing::Lines(run.err).size(), 1u) << run.err;
    EXPECT_FALSE(std::filesystem::exists(target));
  }
}

TEST_F(ExportImportTest, TrailingSlashOnDataNamesTheSameDirectory) {
  // A new directory, and an existing empty one.
  for (const std::string_view name : {"new", "empty"}) {
    const std::string target = tmp_ / std::string(name);
    if (name == "empty") std::filesystem::create_directory(target);
    auto run = RunVigie({"import", "--data", target + "/"}, export_file_);
    ASSERT_EQ(run.exit_code, 0) << name << ": " << run.err;
    EXPECT_FALSE(std::filesystem::exists(target + ".importing")) << name;
    EXPECT_FALSE(std::filesystem::exists(target + "/.importing")) << name;
    auto imported = eventstore::EventStore::OpenReadOnly(target);
    ASSERT_TRUE(imported.has_value()) << name;
    EXPECT_EQ((*imported)->Size(), lines_.size()) << name;
  }
}

TEST(CloudEventsTest, ParseGivesBackTheRecord) {
  auto store = eventstore::EventStore::OpenReadOnly(testing::SharedDemoDir());
  ASSERT_TRUE(store.has_value());
  auto event = (*store)->Read(5);
  ASSERT_TRUE(event.has_value());
  auto cloud = ToCloudEvent(*event, (*store)->origin());
  ASSERT_TRUE(cloud.has_value()) << cloud.error().message();
  auto parsed = ParseCloudEvent(boost::json::serialize(*cloud));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(parsed->position, 5u);
  EXPECT_EQ(parsed->origin, (*store)->origin());
  EXPECT_EQ(parsed->record, event->record);
  EXPECT_FALSE(ParseCloudEvent(std::string(kMaxCloudEventLineBytes + 1, ' ')).has_value());
}

}  // namespace
}  // namespace vigie::tools
