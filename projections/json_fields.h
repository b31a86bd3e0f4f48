#pragma once
// FieldReader: typed, bounded reads of one JSON object's fields, naming the
// field in every error.
//
// Reads never throw and never fail individually: each returns a value (a
// default one after an error) and the first error is kept, so a decoder
// reads its fields in a row and asks Finish() once. Finish() also refuses
// every field that no read asked for (SPEC §9: unknown fields are refused).
//
//   FieldReader r(object);
//   cmd.partner_id = r.Id("partner_id");
//   cmd.name = r.Text("name", kTitle);
//   VIGIE_RETURN_IF_ERROR(r.Finish());
//
// Texts must be valid UTF-8; lengths count code points. Single-line texts
// refuse every control character; multi-line ones allow tab and newlines.
//
// Not thread-safe; borrows the object, which must outlive the reader.
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "eventstore/status.h"

namespace vigie::projections {

struct TextLimit {
  std::size_t min_chars = 1;
  std::size_t max_chars = 200;
  bool multiline = false;
};

inline constexpr TextLimit kTitle{1, 200, false};         // names, titles, labels
inline constexpr TextLimit kLongText{1, 4096, true};      // summaries, minutes, notes
inline constexpr TextLimit kOptionalLongText{0, 4096, true};
inline constexpr TextLimit kShortText{1, 100, false};     // units, versions, pseudonyms
inline constexpr std::size_t kMaxListItems = 200;

// ^[a-z0-9][a-z0-9._-]{0,63}$ (SPEC §2).
bool IsValidId(std::string_view id);
// 8-4-4-4-12 hex digits, either case.
bool IsValidUuid(std::string_view text);
// Valid UTF-8 within limit; on failure *why says what is wrong.
bool CheckText(std::string_view text, const TextLimit& limit, std::string* why);

class FieldReader {
 public:
  explicit FieldReader(const boost::json::object& object) : object_(object) {}

  std::string Id(std::string_view field);
  std::optional<std::string> OptionalId(std::string_view field);
  std::vector<std::string> IdList(std::string_view field, std::size_t min_items,
                                  std::size_t max_items = kMaxListItems);
  std::string Text(std::string_view field, const TextLimit& limit);
  std::vector<std::string> TextList(std::string_view field, std::size_t min_items,
                                    std::size_t max_items, const TextLimit& limit);
  // One of `allowed`, exactly.
  std::string OneOf(std::string_view field, std::span<const std::string_view> allowed);
  bool Bool(std::string_view field);
  // An integer in [min, max]; integral doubles such as 3.0 are accepted.
  std::int64_t Integer(std::string_view field, std::int64_t min, std::int64_t max);
  std::optional<double> OptionalNumber(std::string_view field, double min, double max);
  double Number(std::string_view field, double min, double max);
  std::int64_t Time(std::string_view field);
  std::optional<std::int64_t> OptionalTime(std::string_view field);
  std::optional<std::string> OptionalUuid(std::string_view field);

  // The first error, or kInvalidArgument naming an unknown field.
  Status Finish();

 private:
  // The field's value, marking it known; nullptr when absent or null.
  const boost::json::value* Find(std::string_view field);
  const boost::json::value* Require(std::string_view field);
  void Error(std::string_view field, std::string_view what);
  bool failed() const { return !first_error_.ok(); }

  const boost::json::object& object_;
  std::set<std::string, std::less<>> known_;
  Status first_error_;
};

}  // namespace vigie::projections
