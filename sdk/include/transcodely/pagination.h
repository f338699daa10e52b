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

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "connectrpc/internal/async_result.h"
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

// The asynchronous form of Pager: Next() completes with the next item, its error (the last
// element) or nullopt at the end, fetching pages on demand; no thread waits meanwhile.
//
//   transcodely::AsyncPager<v1::Job> jobs = client.jobs().ListAllAsync(request);
//   while (auto job = co_await jobs.Next(boost::asio::use_awaitable)) {
//     if (!job->ok()) { /* the error that ended the listing */ break; }
//     use(**job);
//   }
//
// The same stopping rules as Pager. One Next() at a time; the pager keeps its state alive while a
// fetch is pending, so it may be moved or destroyed meanwhile.
template <typename Item>
class AsyncPager {
 public:
  using Page = typename Pager<Item>::Page;
  using PageCompletion = connectrpc::internal::Completion<connectrpc::Result<Page>>;
  // Fetches the page at `cursor`, completing on the client's event loop.
  using AsyncFetchFunction = std::function<void(const std::string& cursor, PageCompletion done)>;

  // NOLINTBEGIN(performance-unnecessary-value-param): sink parameters, moved below
  AsyncPager(boost::asio::any_io_executor executor, AsyncFetchFunction fetch,
             std::string first_cursor = {})
      : state_(std::make_shared<State>()) {
    state_->executor = std::move(executor);
    state_->fetch = std::move(fetch);
    state_->cursor = std::move(first_cursor);
  }
  // NOLINTEND(performance-unnecessary-value-param)

  // Completion signature: void(std::optional<connectrpc::Result<Item>>).
  template <typename CompletionToken>
  auto Next(CompletionToken&& token) {
    using Element = std::optional<connectrpc::Result<Item>>;
    return connectrpc::internal::InitiateAsync<Element>(
        state_->executor, std::forward<CompletionToken>(token),
        [state = state_](connectrpc::internal::Completion<Element> complete) {
          if (!state->NeedsFetch()) return complete(state->Take());
          state->fetch(state->cursor, [state, complete = std::move(complete)](
                                          connectrpc::Result<Page> page) mutable {
            state->Accept(std::move(page));
            complete(state->Take());
          });
        });
  }

  // Pages fetched so far (failed fetches included).
  int pages_fetched() const { return state_->pages_fetched; }

 private:
  struct State {
    bool NeedsFetch() const {
      return !finished && index >= items.size() && !(started && cursor.empty());
    }
    void Accept(connectrpc::Result<Page> page) {
      started = true;
      seen_cursors.insert(cursor);
      ++pages_fetched;
      if (!page.ok()) {
        error.emplace(page.status());
        return;
      }
      items = std::move(page->items);
      index = 0;
      if (items.empty()) finished = true;
      // A cursor already fetched would serve the same items again, forever.
      cursor =
          seen_cursors.count(page->next_cursor) != 0 ? std::string() : std::move(page->next_cursor);
    }
    std::optional<connectrpc::Result<Item>> Take() {
      if (error) {
        finished = true;
        connectrpc::Status status = std::move(*error);
        error.reset();
        return connectrpc::Result<Item>(std::move(status));
      }
      if (!finished && index < items.size())
        return connectrpc::Result<Item>(std::move(items[index++]));
      finished = true;
      return std::nullopt;
    }

    boost::asio::any_io_executor executor;
    AsyncFetchFunction fetch;
    std::string cursor;
    std::unordered_set<std::string> seen_cursors;
    std::vector<Item> items;
    size_t index = 0;
    bool started = false;
    bool finished = false;
    std::optional<connectrpc::Status> error;
    int pages_fetched = 0;
  };
  std::shared_ptr<State> state_;
};

// Turns one List response into a page: the items of `items(response)` and `next`.
template <typename Item, typename Response, typename Items>
// NOLINTNEXTLINE(performance-unnecessary-value-param): `next` is moved into the page
typename Pager<Item>::Page ToPage(Response& response, Items items, std::string next) {
  typename Pager<Item>::Page page;
  auto* repeated = items(response);
  page.items.reserve(repeated->size());
  for (auto& item : *repeated) page.items.push_back(std::move(item));
  page.next_cursor = std::move(next);
  return page;
}

// An AsyncPager over a cursor-paginated List. `call(request, done)` starts one List call whose
// completion `done` takes connectrpc::Result<Response>.
template <typename Item, typename Response, typename Request, typename Call, typename Items>
AsyncPager<Item> MakeAsyncCursorPager(boost::asio::any_io_executor executor, Request request,
                                      Call call, Items items) {
  std::string first = request.pagination().cursor();
  using Page = typename AsyncPager<Item>::Page;
  return AsyncPager<Item>(
      std::move(executor),
      [request = std::move(request), call = std::move(call), items](
          const std::string& cursor, typename AsyncPager<Item>::PageCompletion done) mutable {
        Request page_request = request;
        page_request.mutable_pagination()->set_cursor(cursor);
        call(page_request,
             [items, done = std::move(done)](connectrpc::Result<Response> response) mutable {
               if (!response.ok()) return done(connectrpc::Result<Page>(response.status()));
               std::string next = response->pagination().next_cursor();
               done(ToPage<Item>(*response, items, std::move(next)));
             });
      },
      std::move(first));
}

// An AsyncPager over a token-paginated List (VideoService/List).
template <typename Item, typename Response, typename Request, typename Call, typename Items>
AsyncPager<Item> MakeAsyncTokenPager(boost::asio::any_io_executor executor, Request request,
                                     Call call, Items items) {
  std::string first = request.has_page_token() ? request.page_token() : std::string();
  using Page = typename AsyncPager<Item>::Page;
  return AsyncPager<Item>(
      std::move(executor),
      [request = std::move(request), call = std::move(call), items](
          const std::string& token, typename AsyncPager<Item>::PageCompletion done) mutable {
        Request page_request = request;
        if (token.empty()) {
          page_request.clear_page_token();
        } else {
          page_request.set_page_token(token);
        }
        call(page_request,
             [items, done = std::move(done)](connectrpc::Result<Response> response) mutable {
               if (!response.ok()) return done(connectrpc::Result<Page>(response.status()));
               std::string next = response->next_page_token();
               done(ToPage<Item>(*response, items, std::move(next)));
             });
      },
      std::move(first));
}

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
