// fuzz_signed_note: checkpoints and signed notes (eventstore/signed_note.h).
//
// The input is read as:
// - a signed note checked against the fixed key (fuzz_support.h), whose
//   body, when it verifies, must parse as a checkpoint only if the body is
//   one, and must be the note's own text;
// - a verifier key (its first line) and a note (the rest), so that the key
//   parser sees arbitrary bytes too;
// - a checkpoint body: a parsed checkpoint must format back to the same
//   bytes (the grammar is strict, so there is one spelling per value);
// - base64 text: decoding is strict and canonical, so a decoded text must
//   encode back to itself, and any bytes must survive encode then decode;
// - a note text to sign: whatever Sign accepts must verify.
#include <cstdint>
#include <string>
#include <string_view>

#include "eventstore/signed_note.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using vigie::note::Base64Decode;
using vigie::note::Base64Encode;
using vigie::note::FormatCheckpoint;
using vigie::note::ParseCheckpoint;
using vigie::note::VerifyNote;

void CheckBase64(std::string_view text) {
  auto decoded = Base64Decode(text);
  if (decoded) FUZZ_CHECK(Base64Encode(*decoded) == text, "base64 decoding must be canonical");
  auto again = Base64Decode(Base64Encode(text));
  FUZZ_CHECK(again && *again == text, "base64 encode then decode must give the bytes back");
}

void CheckCheckpoint(std::string_view body) {
  auto checkpoint = ParseCheckpoint(body);
  if (!checkpoint) return;
  FUZZ_CHECK(FormatCheckpoint(*checkpoint) == body, "a parsed checkpoint must format back to its body");
}

void CheckNote(std::string_view vkey, std::string_view note) {
  auto body = VerifyNote(vkey, note);
  if (!body) return;
  FUZZ_CHECK(note.starts_with(*body), "the verified text must be the note's beginning");
  CheckCheckpoint(*body);
}

void CheckSign(std::string_view text) {
  const vigie::note::SigningKey& key = vigie::fuzz::FuzzKey();
  auto note = key.Sign(text);
  if (!note) return;
  auto body = VerifyNote(key.VerifierKey(), *note);
  FUZZ_CHECK(body.has_value(), body ? "" : "a note we signed fails: " + body.error().ToString());
  FUZZ_CHECK(*body == text, "a signed note must verify to its text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckNote(vigie::fuzz::FuzzKey().VerifierKey(), input);
  const std::size_t newline = input.find('\n');
  if (newline != std::string_view::npos) {
    CheckNote(input.substr(0, newline), input.substr(newline + 1));
  }
  CheckCheckpoint(input);
  CheckBase64(input);
  // Signing costs an Ed25519 signature and a verification: only for short
  // inputs, which is what a checkpoint body is.
  if (size <= 512) CheckSign(input);
  return 0;
}
