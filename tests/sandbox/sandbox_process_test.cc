// Runs the built transcodely-sandbox binary: one JSON line on stdout, bootstrap keys only on the
// first start of a data file, clean exit on SIGTERM.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>

#include "ids.h"
#include "sandbox_process.h"

namespace sandbox::testing {
namespace {

TEST(SandboxProcessTest, PrintsOneJsonLineWithKeys) {
  Process process = Launch({"--listen", "127.0.0.1:0", "--data", ":memory:"});
  ASSERT_GT(process.pid, 0);
  std::smatch match;
  std::regex shape(
      R"re(^\{"listen":"http://127\.0\.0\.1:([0-9]+)","live_key":"(ak_live_[0-9A-Za-z]+)","test_key":"(ak_test_[0-9A-Za-z]+)"\}$)re");
  EXPECT_TRUE(std::regex_match(process.first_line, match, shape)) << process.first_line;
  if (match.size() == 4) {
    EXPECT_NE(std::stoi(match[1].str()), 0);
  }
  EXPECT_EQ(Stop(process), 0);
}

TEST(SandboxProcessTest, KeysAreShownOnlyOnTheFirstStart) {
  std::string path =
      (std::filesystem::temp_directory_path() /
       ("sandbox_process_" + std::to_string(::getpid()) + "_" + RandomBase62(8) + ".db"))
          .string();
  Process first = Launch({"--listen=127.0.0.1:0", "--data=" + path});
  EXPECT_NE(first.first_line.find("\"live_key\":\"ak_live_"), std::string::npos)
      << first.first_line;
  EXPECT_EQ(Stop(first), 0);
  Process second = Launch({"--listen=127.0.0.1:0", "--data=" + path});
  std::regex shape(
      R"re(^\{"listen":"http://127\.0\.0\.1:[0-9]+","live_key":null,"test_key":null\}$)re");
  EXPECT_TRUE(std::regex_match(second.first_line, shape)) << second.first_line;
  EXPECT_EQ(Stop(second), 0);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace sandbox::testing
