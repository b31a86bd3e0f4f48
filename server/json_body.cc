#include "server/json_body.h"

#include <string>
#include <unordered_set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include "server/problem.h"

namespace vigie::server {
namespace {

namespace json = boost::json;

// A basic_parser handler that only checks object keys for duplicates; the
// value itself is built by json::parse with the same options.
class DuplicateKeyCheck {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  bool duplicate_found() const { return duplicate_found_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t, json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    open_objects_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    open_objects_.pop_back();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view part, std::size_t, json::error_code&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view part, std::size_t, json::error_code& ec) {
    key_.append(part.data(), part.size());
    bool inserted = open_objects_.back().insert(std::move(key_)).second;
    key_.clear();
    if (!inserted) {
      duplicate_found_ = true;
      ec = json::make_error_code(json::error::syntax);
      return false;
    }
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::vector<std::unordered_set<std::string>> open_objects_;
  std::string key_;
  bool duplicate_found_ = false;
};

}  // namespace

Parsed<json::value> ParseJsonObject(std::string_view body, const JsonBodyLimits& limits) {
  if (body.size() > limits.bytes_max) {
    return std::unexpected(Problem(413, "the body is larger than " +
                                            std::to_string(limits.bytes_max) + " bytes"));
  }
  json::parse_options options;
  options.max_depth = limits.depth_max;  // strict JSON otherwise: no comments, valid UTF-8

  json::error_code ec;
  json::value value = json::parse(json::string_view(body.data(), body.size()), ec,
                                  json::storage_ptr(), options);
  if (ec) {
    std::string why = ec == json::error::too_deep
                          ? "nested deeper than " + std::to_string(limits.depth_max) + " levels"
                          : ec.message();
    return std::unexpected(Problem(400, "the body is not a valid JSON document: " + why));
  }
  if (!value.is_object()) return std::unexpected(Problem(400, "the body must be a JSON object"));

  json::basic_parser<DuplicateKeyCheck> check(options);
  json::error_code check_ec;
  check.write_some(false, body.data(), body.size(), check_ec);
  if (check.handler().duplicate_found()) {
    return std::unexpected(Problem(400, "the body repeats a key inside one object"));
  }
  return value;
}

}  // namespace vigie::server
