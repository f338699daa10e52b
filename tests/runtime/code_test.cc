#include "connectrpc/code.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace connectrpc {
namespace {

struct CodeRow {
  Code code;
  std::string_view name;
  int http;
};

const std::vector<CodeRow>& AllCodes() {
  static const std::vector<CodeRow> rows = {
      {Code::kCanceled, "canceled", 499},
      {Code::kUnknown, "unknown", 500},
      {Code::kInvalidArgument, "invalid_argument", 400},
      {Code::kDeadlineExceeded, "deadline_exceeded", 504},
      {Code::kNotFound, "not_found", 404},
      {Code::kAlreadyExists, "already_exists", 409},
      {Code::kPermissionDenied, "permission_denied", 403},
      {Code::kResourceExhausted, "resource_exhausted", 429},
      {Code::kFailedPrecondition, "failed_precondition", 400},
      {Code::kAborted, "aborted", 409},
      {Code::kOutOfRange, "out_of_range", 400},
      {Code::kUnimplemented, "unimplemented", 501},
      {Code::kInternal, "internal", 500},
      {Code::kUnavailable, "unavailable", 503},
      {Code::kDataLoss, "data_loss", 500},
      {Code::kUnauthenticated, "unauthenticated", 401},
  };
  return rows;
}

TEST(CodeTest, NamesAndHttpStatusForEveryCode) {
  ASSERT_EQ(AllCodes().size(), 16u);
  for (const CodeRow& row : AllCodes()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_EQ(CodeName(row.code), row.name);
    ASSERT_TRUE(CodeFromName(row.name).has_value());
    EXPECT_EQ(*CodeFromName(row.name), row.code);
    EXPECT_EQ(HttpStatusFromCode(row.code), row.http);
    EXPECT_EQ(CodeFromInt(static_cast<int>(row.code)), row.code);
  }
}

TEST(CodeTest, OkIsNotAWireName) {
  EXPECT_EQ(CodeName(Code::kOk), "ok");
  EXPECT_FALSE(CodeFromName("ok").has_value());
  EXPECT_FALSE(CodeFromName("").has_value());
  EXPECT_FALSE(CodeFromName("NOT_FOUND").has_value());
  EXPECT_FALSE(CodeFromName("not_found ").has_value());
  EXPECT_FALSE(CodeFromName("cancelled").has_value());
  EXPECT_FALSE(CodeFromName("5").has_value());
}

TEST(CodeTest, CodeFromIntRange) {
  EXPECT_EQ(CodeFromInt(0), Code::kOk);
  EXPECT_EQ(CodeFromInt(16), Code::kUnauthenticated);
  EXPECT_FALSE(CodeFromInt(17).has_value());
  EXPECT_FALSE(CodeFromInt(-1).has_value());
}

TEST(CodeTest, CodeFromHttpStatusTable) {
  const std::vector<std::pair<int, Code>> table = {
      {400, Code::kInternal},      {401, Code::kUnauthenticated}, {403, Code::kPermissionDenied},
      {404, Code::kUnimplemented}, {429, Code::kUnavailable},     {502, Code::kUnavailable},
      {503, Code::kUnavailable},   {504, Code::kUnavailable},     {409, Code::kUnknown},
      {412, Code::kUnknown},       {413, Code::kUnknown},         {415, Code::kUnknown},
      {418, Code::kUnknown},       {431, Code::kUnknown},         {500, Code::kUnknown},
      {501, Code::kUnknown},       {505, Code::kUnknown},         {800, Code::kUnknown},
      {200, Code::kUnknown},       {0, Code::kUnknown},           {-1, Code::kUnknown},
  };
  for (const auto& [status, code] : table) {
    EXPECT_EQ(CodeFromHttpStatus(status), code) << "HTTP " << status;
  }
}

}  // namespace
}  // namespace connectrpc
