// Lazy auto-pagination (wire contract §6): a Pager is an input range over every item of a list,
// fetching pages on demand.
//
//   for (const connectrpc::Result<transcodely::v1::Job>& job : client.jobs().ListAll(request)) {
//     if (!job.ok()) { /* the last element: the error that ended the listing */ break; }
//     use(*job);
//   }
//
// The first request goes out as given (the caller's limit, filters and starting cursor); later
// ones replace only the cursor. Listing stops when the next cursor is empty, on an empty page
// (even one with a cursor) and when the server returns a cursor this listing has already
// fetched (a repeat, or a cycle such as A -> B -> A), so a misbehaving server cannot make it
// loop forever.
#ifndef TRANSCODELY_PAGINATION_H_
#define TRANSCODELY_PAGINATION_H_

#include <cstddef>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "connectrpc/result.h"

namespace transcodely {

template <typename Item>
class Pager {
 public:
  struct Page {
    std::vector<Item> items;
    std::string next_cursor;  // empty: no more pages
  };
  // Fetches the page at `cursor` (the caller's starting cursor first, often empty).
  using FetchFunction = std::function<connectrpc::Result<Page>(const std::string& cursor)>;

  explicit Pager(FetchFunction fetch, std::string first_cursor = {})
      : fetch_(std::move(fetch)), cursor_(std::move(first_cursor)) {}
  Pager(Pager&&) noexcept = default;
  Pager& operator=(Pager&&) noexcept = default;
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = connectrpc::Result<Item>;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    iterator() = default;
    reference operator*() const { return *pager_->current_; }
    pointer operator->() const { return &*pager_->current_; }
    iterator& operator++() {
      if (pager_ != nullptr && !pager_->Advance()) pager_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.pager_ == b.pager_; }

   private:
    friend class Pager;
    explicit iterator(Pager* pager) : pager_(pager) {}
    Pager* pager_ = nullptr;
  };

  // Starts the listing on first use; a Pager is a single-pass range, so a second begin()
  // continues where the first iteration stopped.
  iterator begin() {
    if (!begun_) {
      begun_ = true;
      Advance();
    }
    return has_current_ ? iterator(this) : end();
  }
  iterator end() { return iterator(); }

  // Every remaining item, or the first error.
  connectrpc::Result<std::vector<Item>> Collect() {
    std::vector<Item> all;
    for (const connectrpc::Result<Item>& item : *this) {
      if (!item.ok()) return item.status();
      all.push_back(*item);
    }
    return all;
  }

  // Pages fetched so far (failed fetches included).
  int pages_fetched() const { return pages_fetched_; }

 private:
  // Moves to the next element; false at the end.
  bool Advance() {
    has_current_ = false;
    if (finished_) return false;
    while (index_ >= items_.size()) {
      if (started_ && cursor_.empty()) {
        finished_ = true;
        return false;
      }
      connectrpc::Result<Page> page = fetch_(cursor_);
      started_ = true;
      seen_cursors_.insert(cursor_);
      ++pages_fetched_;
      if (!page.ok()) {
        current_.emplace(page.status());
        finished_ = true;
        has_current_ = true;
        return true;
      }
      items_ = std::move(page->items);
      index_ = 0;
      if (items_.empty()) {
        finished_ = true;
        return false;
      }
      // A cursor already fetched would serve the same items again, forever.
      cursor_ = seen_cursors_.count(page->next_cursor) != 0 ? std::string()
                                                            : std::move(page->next_cursor);
    }
    current_.emplace(std::move(items_[index_++]));
    has_current_ = true;
    return true;
  }

  FetchFunction fetch_;
  std::string cursor_;
  std::unordered_set<std::string> seen_cursors_;  // every cursor fetched so far
  std::vector<Item> items_;
  size_t index_ = 0;
  bool begun_ = false;
  bool started_ = false;
  bool finished_ = false;
  bool has_current_ = false;
  int pages_fetched_ = 0;
  std::optional<connectrpc::Result<Item>> current_;
};

// A Pager over a cursor-paginated List (`pagination.cursor` / `pagination.next_cursor`).
// `call(request)` makes one List call; `items` is the response's mutable repeated field accessor,
// e.g. &v1::ListJobsResponse::mutable_jobs.
template <typename Item, typename Request, typename Call, typename Items>
Pager<Item> MakeCursorPager(Request request, Call call, Items items) {
  std::string first = request.pagination().cursor();
  return Pager<Item>(
      [request = std::move(request), call = std::move(call),
       items](const std::string& cursor) mutable -> connectrpc::Result<typename Pager<Item>::Page> {
        Request page_request = request;
        page_request.mutable_pagination()->set_cursor(cursor);
        auto response = call(page_request);
        if (!response.ok()) return response.status();
        typename Pager<Item>::Page page;
        auto* repeated = items(*response);
        page.items.reserve(repeated->size());
        for (auto& item : *repeated) page.items.push_back(std::move(item));
        page.next_cursor = response->pagination().next_cursor();
        return page;
      },
      std::move(first));
}

// A Pager over a token-paginated List (`page_token` / `next_page_token`, VideoService/List).
template <typename Item, typename Request, typename Call, typename Items>
Pager<Item> MakeTokenPager(Request request, Call call, Items items) {
  std::string first = request.has_page_token() ? request.page_token() : std::string();
  return Pager<Item>(
      [request = std::move(request), call = std::move(call),
       items](const std::string& token) mutable -> connectrpc::Result<typename Pager<Item>::Page> {
        Request page_request = request;
        if (token.empty()) {
          page_request.clear_page_token();
        } else {
          page_request.set_page_token(token);
        }
        auto response = call(page_request);
        if (!response.ok()) return response.status();
        typename Pager<Item>::Page page;
        auto* repeated = items(*response);
        page.items.reserve(repeated->size());
        for (auto& item : *repeated) page.items.push_back(std::move(item));
        page.next_cursor = response->next_page_token();
        return page;
      },
      std::move(first));
}

}  // namespace transcodely

#endif  // TRANSCODELY_PAGINATION_H_
