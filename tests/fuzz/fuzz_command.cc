// fuzz_command: the write model, JSON body to events (projections/).
//
// Input: up to kCommandsMax commands, each
//   <person> SP <command name> LF <JSON body>
// separated by a line "%%". They run in order on a copy of a small
// partnership (setup_script.h) the way the ledger runs them: the body is
// parsed, DecodeCommand checks its shape, Decide checks it against the
// state, personal fields are sealed with a real KeyStore, every event is
// serialised and folded back into the state, so later commands of the same
// input see what earlier ones did.
//
// What must hold, whatever the bytes:
// - DecodeCommand refuses with kInvalidArgument (kNotFound for an unknown
//   command name), never anything else;
// - Decide refuses only with the codes decide.h lists;
// - an accepted command decides at least one event, each one serialises and
//   folds into the state without error (a decided event the fold refuses
//   would make the log unreadable), and the state's size moves by one per
//   event;
// - sealed personal fields reveal the plaintext the command carried.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/domain_fixture.h"

namespace {

using namespace vigie::fuzz;
using vigie::Status;
using vigie::StatusCode;

constexpr std::size_t kCommandsMax = 8;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const State& base = BaseState();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  State state = base;
  std::vector<std::string> created_keys;
  for (std::size_t n = 0; n < kCommandsMax && !input.empty(); ++n) {
    const std::size_t end = input.find("\n%%\n");
    std::string_view one = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 4);

    const std::size_t newline = one.find('\n');
    const std::string_view head = one.substr(0, newline);
    const std::string_view body = newline == std::string_view::npos ? std::string_view() : one.substr(newline + 1);
    const std::size_t space = head.find(' ');
    if (space == std::string_view::npos) continue;
    const Status status = Execute(state, head.substr(0, space), head.substr(space + 1), body, &created_keys);
    if (Verbose()) std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(head.size()), head.data(), status.ToString().c_str());
  }
  // The keys of this input's situations go with its state.
  for (const std::string& key_id : created_keys) (void)Keys().Erase(key_id);
  return 0;
}
