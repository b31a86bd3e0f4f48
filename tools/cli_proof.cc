// `vigie proof`: an inclusion or consistency proof, as the HTTP API gives it.
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

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

// The sizes and position asked for, against the log's size: each out of
// range is a usage error naming the option, before the store is asked.
Status CheckInclusionArgs(std::uint64_t position, std::optional<std::uint64_t> tree_size, std::uint64_t log_size) {
  if (tree_size && *tree_size > log_size) {
    return InvalidArgument("--tree-size " + std::to_string(*tree_size) + " is beyond the log, which holds " +
                           std::to_string(log_size) + " events");
  }
  const std::uint64_t size = tree_size.value_or(log_size);
  if (position < size) return Status::Ok();
  const std::string where = tree_size ? "a tree of --tree-size " + std::to_string(size)
                                      : "the log, which holds " + std::to_string(size) + " events";
  const std::string positions = size == 0 ? "" : " (positions 0 to " + std::to_string(size - 1) + ")";
  return InvalidArgument("--position " + std::to_string(position) + " is beyond " + where + positions);
}

Status CheckConsistencyArgs(std::uint64_t first, std::optional<std::uint64_t> second, std::uint64_t log_size) {
  for (const auto& [name, value] : {std::pair{"--first", std::optional(first)}, std::pair{"--second", second}}) {
    if (value && *value > log_size) {
      return InvalidArgument(std::string(name) + " " + std::to_string(*value) + " is beyond the log, which holds " +
                             std::to_string(log_size) + " events");
    }
  }
  if (second && first > *second) {
    return InvalidArgument("--first " + std::to_string(first) + " must not exceed --second " +
                           std::to_string(*second));
  }
  return Status::Ok();
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
  auto* position = cmd->add_option("--position", args->position, "Leaf index for an inclusion proof")
                       ->check(WholeNumber());
  auto* tree_size = cmd->add_option("--tree-size", args->tree_size, "Tree size of the proof (default: the log's size)")
                        ->check(WholeNumber());
  auto* first = cmd->add_option("--first", args->first, "Smaller tree size of a consistency proof")
                    ->check(WholeNumber());
  auto* second = cmd->add_option("--second", args->second, "Larger tree size (default: the log's size)")
                     ->check(WholeNumber());
  // The two modes' options exclude each other, rather than being ignored.
  for (CLI::Option* inclusion : {position, tree_size}) inclusion->excludes(first)->excludes(second);
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
    const std::uint64_t size = (*store)->Size();
    Status usable = args->position ? CheckInclusionArgs(*args->position, args->tree_size, size)
                                   : CheckConsistencyArgs(*args->first, args->second, size);
    if (!usable.ok()) {
      ctx.exit_code = ReportError(usable);
      return;
    }
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
