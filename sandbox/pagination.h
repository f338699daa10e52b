// Cursor pagination over lists sorted newest first by their insertion sequence (wire §6):
// limit 0 -> 20, at most 100; the cursor names the last item returned; next_cursor is "" exactly
// when there is nothing more, so a page is never empty while a cursor comes with it. `offset` is
// honoured only without a cursor.
#ifndef CONNECTRPC_SANDBOX_PAGINATION_H_
#define CONNECTRPC_SANDBOX_PAGINATION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "connectrpc/result.h"
#include "transcodely/v1/common.pb.h"

namespace sandbox {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

struct PageWindow {
  size_t begin = 0;  // [begin, end) of the full list
  size_t end = 0;
  transcodely::v1::PaginationResponse response;  // next_cursor and total_count
};

// `seqs` are the items' sequence numbers in list order (strictly decreasing). Fails with
// invalid_argument (ErrorDetails code "invalid_cursor") on a malformed cursor.
connectrpc::Result<PageWindow> Paginate(const std::vector<int64_t>& seqs,
                                        const transcodely::v1::PaginationRequest& request);

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_PAGINATION_H_
