// Pager: lazy fetching, stop conditions, errors as the last element, both request shapes.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "transcodely/pagination.h"
#include "transcodely/v1/job.pb.h"
#include "transcodely/v1/video.pb.h"

namespace transcodely {
namespace {

using IntPager = Pager<int>;

IntPager PagerOver(std::map<std::string, IntPager::Page> pages, std::vector<std::string>* asked) {
  return IntPager([pages = std::move(pages),
                   asked](const std::string& cursor) -> connectrpc::Result<IntPager::Page> {
    asked->push_back(cursor);
    auto it = pages.find(cursor);
    if (it == pages.end()) return connectrpc::Status(connectrpc::Code::kNotFound, "no page");
    return it->second;
  });
}

TEST(SdkPaginationTest, WalksEveryPageLazily) {
  std::vector<std::string> asked;
  IntPager pager =
      PagerOver({{"", {{1, 2}, "c2"}}, {"c2", {{3}, "c3"}}, {"c3", {{4, 5}, ""}}}, &asked);
  EXPECT_TRUE(asked.empty());  // nothing fetched before iteration
  std::vector<int> seen;
  for (const connectrpc::Result<int>& item : pager) {
    ASSERT_TRUE(item.ok());
    seen.push_back(*item);
    if (*item == 1) {
      EXPECT_EQ(asked.size(), 1u);
    }
  }
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(asked, (std::vector<std::string>{"", "c2", "c3"}));
  EXPECT_EQ(pager.pages_fetched(), 3);
}

TEST(SdkPaginationTest, StopsOnAnEmptyPageEvenWithACursor) {
  std::vector<std::string> asked;
  IntPager pager = PagerOver({{"", {{1}, "c2"}}, {"c2", {{}, "c3"}}, {"c3", {{9}, ""}}}, &asked);
  auto all = pager.Collect();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<int>{1}));
  EXPECT_EQ(asked.size(), 2u);
}

TEST(SdkPaginationTest, StopsWhenTheCursorRepeats) {
  std::vector<std::string> asked;
  IntPager pager = PagerOver({{"", {{1}, "c"}}, {"c", {{2}, "c"}}}, &asked);
  auto all = pager.Collect();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<int>{1, 2}));
}

TEST(SdkPaginationTest, StopsWhenTheCursorsCycle) {
  // A server that sends A -> B -> A -> ... must not make the listing loop forever.
  std::vector<std::string> asked;
  IntPager pager = PagerOver({{"", {{1}, "a"}}, {"a", {{2}, "b"}}, {"b", {{3}, "a"}}}, &asked);
  int seen = 0;
  for (const connectrpc::Result<int>& item : pager) {
    ASSERT_TRUE(item.ok());
    if (++seen > 10) break;
  }
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(asked, (std::vector<std::string>{"", "a", "b"}));
}

TEST(SdkPaginationTest, StopsWhenTheFirstCursorComesBack) {
  std::vector<std::string> asked;
  IntPager from_a([&asked](const std::string& cursor) -> connectrpc::Result<IntPager::Page> {
    asked.push_back(cursor);
    if (cursor == "start") return IntPager::Page{{1}, "next"};
    return IntPager::Page{{2}, "start"};
  }, "start");
  auto all = from_a.Collect();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<int>{1, 2}));
  EXPECT_EQ(asked.size(), 2u);
}

TEST(SdkPaginationTest, AnErrorIsTheLastElement) {
  std::vector<std::string> asked;
  IntPager pager = PagerOver({{"", {{1, 2}, "missing"}}}, &asked);
  std::vector<connectrpc::Code> codes;
  for (const connectrpc::Result<int>& item : pager) codes.push_back(item.status().code());
  EXPECT_EQ(codes, (std::vector<connectrpc::Code>{connectrpc::Code::kOk, connectrpc::Code::kOk,
                                                  connectrpc::Code::kNotFound}));
  EXPECT_EQ(pager.begin(), pager.end());
}

TEST(SdkPaginationTest, EmptyFirstPage) {
  std::vector<std::string> asked;
  IntPager pager = PagerOver({{"", {{}, ""}}}, &asked);
  EXPECT_EQ(pager.begin(), pager.end());
}

TEST(SdkPaginationTest, CursorShapeKeepsLimitAndFilters) {
  v1::ListJobsRequest request;
  request.mutable_pagination()->set_limit(2);
  request.set_app_id("app_1");
  std::vector<v1::ListJobsRequest> sent;
  Pager<v1::Job> pager = MakeCursorPager<v1::Job>(
      request,
      [&sent](const v1::ListJobsRequest& r) -> connectrpc::Result<v1::ListJobsResponse> {
        sent.push_back(r);
        v1::ListJobsResponse response;
        const int page = static_cast<int>(sent.size());
        response.add_jobs()->set_id("job_" + std::to_string(page));
        if (page < 3) response.mutable_pagination()->set_next_cursor("p" + std::to_string(page));
        return response;
      },
      [](v1::ListJobsResponse& r) { return r.mutable_jobs(); });
  auto jobs = pager.Collect();
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 3u);
  EXPECT_EQ((*jobs)[2].id(), "job_3");
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].pagination().cursor(), "");
  EXPECT_EQ(sent[2].pagination().cursor(), "p2");
  for (const auto& r : sent) {
    EXPECT_EQ(r.pagination().limit(), 2);
    EXPECT_EQ(r.app_id(), "app_1");
  }
}

TEST(SdkPaginationTest, TokenShape) {
  v1::ListVideosRequest request;
  request.set_page_size(1);
  request.set_status("ready");
  std::vector<v1::ListVideosRequest> sent;
  Pager<v1::Video> pager = MakeTokenPager<v1::Video>(
      request,
      [&sent](const v1::ListVideosRequest& r) -> connectrpc::Result<v1::ListVideosResponse> {
        sent.push_back(r);
        v1::ListVideosResponse response;
        response.add_videos()->set_id("vid_" + std::to_string(sent.size()));
        if (sent.size() < 2) response.set_next_page_token("t1");
        return response;
      },
      [](v1::ListVideosResponse& r) { return r.mutable_videos(); });
  auto videos = pager.Collect();
  ASSERT_TRUE(videos.ok());
  EXPECT_EQ(videos->size(), 2u);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_FALSE(sent[0].has_page_token());
  EXPECT_EQ(sent[1].page_token(), "t1");
  EXPECT_EQ(sent[1].page_size(), 1);
  EXPECT_EQ(sent[1].status(), "ready");
}

}  // namespace
}  // namespace transcodely
