// fuzz_make_seeds CORPUS_DIR: writes the binary seeds of the fuzz corpora,
// which cannot be typed by hand: stored records (fuzz_record), checkpoints
// signed with the fixed fuzz key (fuzz_signed_note) and FuzzedDataProvider
// inputs (fuzz_proof). Deterministic: running it again rewrites the same
// files. The text seeds (fuzz_command, fuzz_http) live in the repo as typed.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "eventstore/merkle_tree.h"
#include "eventstore/record_codec.h"
#include "eventstore/signed_note.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;
using namespace vigie;

void Write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string Record(std::uint64_t position, const std::string& stream, const std::string& type,
                   const std::string& payload, const std::string& command_id) {
  eventstore::Actor actor{"referent", "mairie", "referent"};
  eventstore::NewEvent event;
  event.stream = stream;
  event.type = type;
  for (std::size_t i = 0; i < event.event_id.size(); ++i) event.event_id[i] = static_cast<std::uint8_t>(position * 31 + i);
  event.occurred_at_ns = 1370088000LL * 1'000'000'000 + static_cast<std::int64_t>(position);
  event.payload = payload;
  eventstore::RecordFields fields;
  fields.position = position;
  fields.version = position / 2;
  fields.recorded_at_ns = event.occurred_at_ns + 1000;
  fields.command_id = command_id;
  fields.actor = &actor;
  fields.event = &event;
  return eventstore::EncodeRecord(fields);
}

void RecordSeeds(const fs::path& dir) {
  Write(dir, "cell-created", Record(0, "cell-cellule-securite", "CellCreated", "VGE1payload", "0f8fad5b-d9cb-469f-a165-70867728950e"));
  Write(dir, "empty-payload", Record(7, "territory", "TerritoryConfigured", "", ""));
  Write(dir, "long-payload", Record(123456, "situation-situation-1", "SituationNoteAdded", std::string(600, 'x'), ""));
  const std::string whole = Record(3, "partner-police", "PartnerRegistered", "abc", "");
  Write(dir, "truncated", whole.substr(0, whole.size() / 2));
}

std::string Checkpoint(std::uint64_t size) {
  note::Checkpoint checkpoint;
  checkpoint.origin = std::string(fuzz::kFuzzKeyName);
  checkpoint.size = size;
  checkpoint.root = merkle::HashLeaf("root " + std::to_string(size));
  return note::FormatCheckpoint(checkpoint);
}

void NoteSeeds(const fs::path& dir) {
  const note::SigningKey& key = fuzz::FuzzKey();
  for (std::uint64_t size : {0ULL, 1ULL, 4096ULL, 18446744073709551615ULL}) {
    Result<std::string> signed_note = key.Sign(Checkpoint(size));
    if (!signed_note) std::abort();
    Write(dir, "checkpoint-" + std::to_string(size), *signed_note);
    Write(dir, "vkey-checkpoint-" + std::to_string(size), key.VerifierKey() + "\n" + *signed_note);
  }
  // A cosigned note: a witness line before ours (another name, same format).
  Result<std::string> ours = key.Sign(Checkpoint(12));
  if (!ours) std::abort();
  const std::size_t split = ours->rfind("\n\n");
  const std::string witness_signature = std::string("\x00\x00\x00\x01", 4) + std::string(64, 'w');
  std::string cosigned = ours->substr(0, split + 2) + "\xE2\x80\x94 witness.example/w1 " +
                         note::Base64Encode(witness_signature) + "\n" + ours->substr(split + 2);
  Write(dir, "cosigned", cosigned);
  Write(dir, "body", Checkpoint(42));
  Write(dir, "base64", note::Base64Encode("any bytes at all\x01\xff"));
  Write(dir, "vkey", key.VerifierKey());
}

// FuzzedDataProvider reads integers from the end and bytes from the front:
// a few blobs of varied length make reasonable starting points.
void ProofSeeds(const fs::path& dir) {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (std::size_t length : {16u, 64u, 200u, 600u, 2300u}) {
    std::string blob(length, '\0');
    for (char& c : blob) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      c = static_cast<char>(state >> 56);
    }
    Write(dir, "blob-" + std::to_string(length), blob);
  }
  const merkle::Hash hash = merkle::HashLeaf("x");
  Write(dir, "hex", std::string(24, '\0') + merkle::ToHex(hash));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds CORPUS_DIR\n");
    return 2;
  }
  const fs::path corpus = argv[1];
  RecordSeeds(corpus / "fuzz_record");
  NoteSeeds(corpus / "fuzz_signed_note");
  ProofSeeds(corpus / "fuzz_proof");
  return 0;
}
