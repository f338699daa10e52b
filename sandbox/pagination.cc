#include "pagination.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "errors.h"

namespace sandbox {
namespace {

constexpr std::string_view kCursorPrefix = "cur_";

std::string EncodeCursor(int64_t seq) { return std::string(kCursorPrefix) + std::to_string(seq); }

bool DecodeCursor(std::string_view cursor, int64_t* seq) {
  if (!cursor.starts_with(kCursorPrefix)) return false;
  cursor.remove_prefix(kCursorPrefix.size());
  if (cursor.empty()) return false;
  auto [ptr, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), *seq);
  return ec == std::errc() && ptr == cursor.data() + cursor.size() && *seq > 0;
}

}  // namespace

connectrpc::Result<PageWindow> Paginate(const std::vector<int64_t>& seqs,
                                        const transcodely::v1::PaginationRequest& request) {
  size_t limit = static_cast<size_t>(
      request.limit() <= 0 ? kDefaultPageSize : std::min(request.limit(), kMaxPageSize));
  PageWindow window;
  if (!request.cursor().empty()) {
    int64_t after = 0;
    if (!DecodeCursor(request.cursor(), &after)) {
      // Also a cursor whose number does not fit int64 (from_chars refuses it, nothing wraps).
      transcodely::v1::FieldViolation violation;
      violation.set_field("pagination.cursor");
      violation.set_description("pagination.cursor must be a next_cursor this server returned");
      return MakeError(connectrpc::Code::kInvalidArgument, "invalid_cursor",
                       "invalid pagination cursor: pagination.cursor must be a next_cursor this "
                       "server returned",
                       {violation});
    }
    window.begin = static_cast<size_t>(
        std::find_if(seqs.begin(), seqs.end(), [after](int64_t seq) { return seq < after; }) -
        seqs.begin());
  } else if (request.offset() > 0) {
    window.begin = std::min(seqs.size(), static_cast<size_t>(request.offset()));
  }
  window.end = std::min(seqs.size(), window.begin + limit);
  window.response.set_total_count(static_cast<int64_t>(seqs.size()));
  if (window.end < seqs.size() && window.end > window.begin) {
    window.response.set_next_cursor(EncodeCursor(seqs[window.end - 1]));
  }
  return window;
}

}  // namespace sandbox
