// Headers: an ordered, case-insensitive multimap of HTTP header (metadata) entries.
//
// Keys are stored lowercase. Keys ending in "-bin" carry binary values, which travel as
// unpadded base64; AddBinary/GetBinary do that conversion.
//
//   connectrpc::Headers headers;
//   headers.Add("X-Trace", "abc");
//   headers.Add("x-trace", "def");
//   headers.GetAll("x-trace");  // {"abc", "def"}
#ifndef CONNECTRPC_HEADERS_H_
#define CONNECTRPC_HEADERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connectrpc {

class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;
  using const_iterator = std::vector<Entry>::const_iterator;

  Headers() = default;
  Headers(std::initializer_list<Entry> entries);

  // Appends a value; the key is lowercased.
  void Add(std::string_view key, std::string_view value);
  // Replaces every value of `key` with one value.
  void Set(std::string_view key, std::string_view value);
  // Appends a binary value, base64-encoded without padding.
  void AddBinary(std::string_view key, std::string_view bytes);
  // Removes every value of `key`; returns how many were removed.
  size_t Remove(std::string_view key);
  void Clear() { entries_.clear(); }

  // The first value of `key`, if any.
  std::optional<std::string_view> Get(std::string_view key) const;
  // Every value of `key`, in insertion order.
  std::vector<std::string_view> GetAll(std::string_view key) const;
  // The first value of a "-bin" key, base64-decoded (padded or not); nullopt if absent or invalid.
  std::optional<std::string> GetBinary(std::string_view key) const;
  bool Contains(std::string_view key) const;

  // Appends every entry of `other`.
  void Append(const Headers& other);

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }

  friend bool operator==(const Headers&, const Headers&) = default;

 private:
  std::vector<Entry> entries_;
};

// True if `value` is safe to put in an HTTP header: no CR, LF or NUL, nor any other control
// character except HTAB (bytes >= 0x80 are allowed).
bool IsValidHeaderValue(std::string_view value);
// True if `key` is an HTTP token (RFC 9110 tchar), the form every header name must take.
bool IsValidHeaderKey(std::string_view key);

}  // namespace connectrpc

#endif  // CONNECTRPC_HEADERS_H_
