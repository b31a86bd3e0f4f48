// `vigie proof`: an inclusion or consistency proof, as the HTTP API gives it.
#include <cstdio>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "tools/cli.h"

namespace vigie::tools {
namespace {

boost::json::array HexPath(const std::vector<merkle::Hash>& path) {
  boost::json::array out;
  for (const auto& h : path) out.emplace_back(merkle::ToHex(h));
  return out;
}

Result<boost::json::object> Inclusion(const eventstore::EventStore& store, std::uint64_t position,
                                      std::uint64_t size) {
  auto leaf = store.LeafHash(position);
  if (!leaf) return Fail(leaf.error());
  auto path = store.InclusionProof(position, size);
  if (!path) return Fail(path.error());
  auto root = store.RootAt(size);
  if (!root) return Fail(root.error());
  return boost::json::object{{"leaf_index", position},        {"tree_size", size},
                             {"leaf_hash", merkle::ToHex(*leaf)}, {"root_hash", merkle::ToHex(*root)},
                             {"path", HexPath(*path)}};
}

Result<boost::json::object> Consistency(const eventstore::EventStore& store, std::uint64_t first,
                                        std::uint64_t second) {
  auto path = store.ConsistencyProof(first, second);
  if (!path) return Fail(path.error());
  auto first_root = store.RootAt(first);
  if (!first_root) return Fail(first_root.error());
  auto second_root = store.RootAt(second);
  if (!second_root) return Fail(second_root.error());
  return boost::json::object{{"first", first},
                             {"second", second},
                             {"first_root", merkle::ToHex(*first_root)},
                             {"second_root", merkle::ToHex(*second_root)},
                             {"path", HexPath(*path)}};
}

}  // namespace

void AddProofCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("proof", "Print an inclusion or a consistency proof (RFC 9162) as JSON");
  struct Args {
    std::string dir;
    std::optional<std::uint64_t> position, tree_size, first, second;
  };
  auto args = std::make_shared<Args>();
  AddDataOption(cmd, &args->dir);
  auto* pos = cmd->add_option("--position", args->position, "Leaf index for an inclusion proof");
  cmd->add_option("--tree-size", args->tree_size, "Tree size of the proof (default: the log's size)");
  auto* first = cmd->add_option("--first", args->first, "Smaller tree size of a consistency proof");
  cmd->add_option("--second", args->second, "Larger tree size (default: the log's size)");
  pos->excludes(first);
  cmd->callback([args, &ctx] {
    if (!args->position && !args->first) {
      ctx.exit_code = ReportError(InvalidArgument("give --position (inclusion) or --first (consistency)"));
      return;
    }
    auto store = eventstore::EventStore::OpenReadOnly(args->dir);
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    std::uint64_t size = (*store)->Size();
    auto out = args->position ? Inclusion(**store, *args->position, args->tree_size.value_or(size))
                              : Consistency(**store, *args->first, args->second.value_or(size));
    if (!out) {
      ctx.exit_code = ReportError(out.error());
      return;
    }
    std::printf("%s\n", boost::json::serialize(*out).c_str());
  });
}

}  // namespace vigie::tools
