#include "codec/json_value_parser.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>

namespace connectrpc::internal {
namespace {

namespace json = boost::json;
using boost::system::error_code;

// A basic_parser handler that builds the value on a value_stack, as boost::json::parser does.
class PreciseHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  // The stack's own scratch space starts in `buffer`, then takes from `scratch`.
  PreciseHandler(json::storage_ptr scratch, unsigned char* buffer, std::size_t size)
      : stack_(std::move(scratch), buffer, size) {}

  // Values are built in `storage`.
  void Reset(json::storage_ptr storage) { stack_.reset(std::move(storage)); }

  json::value Release() { return stack_.release(); }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t n, error_code&) {
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, error_code&) {
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view s, error_code&) {
    // "-0" keeps its sign as a double (for double and float fields; integers take it as 0).
    const bool negative_zero = i == 0 && ((!number_.empty() && number_[0] == '-') ||
                                          (number_.empty() && !s.empty() && s[0] == '-'));
    number_.clear();
    if (negative_zero) {
      stack_.push_double(-0.0);
      return true;
    }
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, error_code&) {
    std::string_view text(s.data(), s.size());
    if (!number_.empty()) {
      number_.append(s.data(), s.size());
      text = number_;
    }
    double precise;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), precise);
    // Out of range (far beyond the largest double, or below the smallest): Boost's answer.
    stack_.push_double(result.ec == std::errc() ? precise : d);
    number_.clear();
    return true;
  }
  bool on_bool(bool b, error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  json::value_stack stack_;
  std::string number_;
};

}  // namespace

json::value ParseJsonValue(std::string_view text, json::storage_ptr storage,
                           const json::parse_options& options, error_code& ec) {
  unsigned char scratch[1024];
  json::basic_parser<PreciseHandler> parser(options, storage, scratch, sizeof(scratch));
  parser.handler().Reset(std::move(storage));
  const std::size_t n = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) return nullptr;
  if (n < text.size()) {
    ec = json::error::extra_data;
    return nullptr;
  }
  return parser.handler().Release();
}

}  // namespace connectrpc::internal
