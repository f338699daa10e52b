// Runs the built transcodely-sandbox binary: one JSON line on stdout, bootstrap keys only on the
// first start of a data file, clean exit on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "ids.h"

namespace sandbox::testing {
namespace {

struct Process {
  pid_t pid = -1;
  std::string first_line;
};

// Starts the binary with `args` and reads its first stdout line.
Process Launch(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    std::string binary = TRANSCODELY_SANDBOX_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copies = args;
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  Process process;
  process.pid = pid;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') process.first_line.push_back(c);
  close(fds[0]);
  return process;
}

// Sends SIGTERM and returns the exit status.
int Stop(const Process& process) {
  kill(process.pid, SIGTERM);
  int status = 0;
  waitpid(process.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

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
