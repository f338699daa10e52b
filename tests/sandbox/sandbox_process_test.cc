// Runs the built transcodely-sandbox binary: one JSON line on stdout, bootstrap keys only on the
// first start of a data file, clean exit on SIGTERM; a bad --listen or --data is refused (exit
// status 2) with its value and what is wrong with it.
#include "sandbox_process.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <ostream>
#include <regex>
#include <string>
#include <vector>

#include "ids.h"

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

struct BadFlag {
  std::string name;  // the test's name
  std::vector<std::string> args;
  std::string expected;  // the diagnostic, from its start
};

void PrintTo(const BadFlag& bad, std::ostream* out) {
  for (const std::string& arg : bad.args) *out << arg << " ";
}

std::string BadFlagName(const ::testing::TestParamInfo<BadFlag>& info) { return info.param.name; }

class SandboxBadFlagTest : public ::testing::TestWithParam<BadFlag> {};

TEST_P(SandboxBadFlagTest, IsRefusedWithItsValueAndTheReason) {
  const BadFlag& bad = GetParam();
  Exited exited = RunToExit(bad.args);
  EXPECT_EQ(exited.status, 2) << exited.error_output;
  EXPECT_EQ(exited.error_output.rfind(bad.expected, 0), 0u) << exited.error_output;
}

INSTANTIATE_TEST_SUITE_P(
    Listen, SandboxBadFlagTest,
    ::testing::Values(
        BadFlag{"NoPort",
                {"--listen=nonsense", "--data=:memory:"},
                "transcodely-sandbox: --listen \"nonsense\": no ':' before a port; expected "
                "HOST:PORT"},
        BadFlag{"PortAbove65535",
                {"--listen=127.0.0.1:99999", "--data=:memory:"},
                "transcodely-sandbox: --listen \"127.0.0.1:99999\": the port 99999 is above 65535"},
        BadFlag{"PortNotANumber",
                {"--listen=127.0.0.1:http", "--data=:memory:"},
                "transcodely-sandbox: --listen \"127.0.0.1:http\": the port \"http\" is not a "
                "number"},
        BadFlag{"EmptyHost",
                {"--listen=:8080", "--data=:memory:"},
                "transcodely-sandbox: --listen \":8080\": the host is empty"},
        BadFlag{"UnclosedIpv6Bracket",
                {"--listen=[::1:8080", "--data=:memory:"},
                "transcodely-sandbox: --listen \"[::1:8080\": the IPv6 host has no ']' before "
                "the ':PORT'"},
        BadFlag{"UnbracketedIpv6",
                {"--listen=::1:8080", "--data=:memory:"},
                "transcodely-sandbox: --listen \"::1:8080\": an IPv6 host must be in brackets"}),
    BadFlagName);

INSTANTIATE_TEST_SUITE_P(
    Data, SandboxBadFlagTest,
    ::testing::Values(
        BadFlag{"Empty",
                {"--listen=127.0.0.1:0", "--data="},
                "transcodely-sandbox: --data \"\": it is empty (use :memory: for an in-memory "
                "store)"},
        BadFlag{"Directory",
                {"--listen=127.0.0.1:0", "--data=/"},
                "transcodely-sandbox: --data \"/\": it is a directory, not a file"},
        BadFlag{"MissingDirectory",
                {"--listen=127.0.0.1:0", "--data=/nonexistent-sandbox-dir/x.db"},
                "transcodely-sandbox: --data \"/nonexistent-sandbox-dir/x.db\": the directory "
                "/nonexistent-sandbox-dir does not exist"}),
    BadFlagName);

INSTANTIATE_TEST_SUITE_P(
    Numbers, SandboxBadFlagTest,
    ::testing::Values(BadFlag{"NegativeJobDuration",
                              {"--listen=127.0.0.1:0", "--data=:memory:", "--job_duration_ms=-5"},
                              "transcodely-sandbox: --job_duration_ms -5: must not be "
                              "negative"},
                      BadFlag{"JobDurationAbove100Years",
                              {"--listen=127.0.0.1:0",
                               "--data=:memory:", "--job_duration_ms=9223372036854775807"},
                              "transcodely-sandbox: --job_duration_ms 9223372036854775807: "
                              "must be at most 3153600000000 (100 years)"}),
    BadFlagName);

}  // namespace
}  // namespace sandbox::testing
