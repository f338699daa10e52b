// protoc-gen-connect-cpp run by hand: --version and --help print and exit 0 without reading
// stdin (the test keeps the plugin's stdin open, so a read would hang until ctest's timeout), and
// an unknown flag is an error on stderr with a non-zero exit status.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

struct PluginRun {
  int exit_status = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<size_t>(n));
  close(fd);
  return text;
}

// Runs the plugin with `args`; its stdin is a pipe whose write end stays open until it exits.
PluginRun RunPlugin(const std::vector<std::string>& args) {
  int in[2], out[2], err[2];
  EXPECT_EQ(pipe(in), 0);
  EXPECT_EQ(pipe(out), 0);
  EXPECT_EQ(pipe(err), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    std::vector<char*> argv = {const_cast<char*>(CONNECT_CPP_PLUGIN_PATH)};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(CONNECT_CPP_PLUGIN_PATH, argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  PluginRun run;
  // stderr is small in every case here, so reading stdout first cannot deadlock.
  run.out = ReadAll(out[0]);
  run.err = ReadAll(err[0]);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  close(in[1]);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(PluginCliTest, VersionPrintsTheProjectVersion) {
  PluginRun run = RunPlugin({"--version"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.out, std::string("protoc-gen-connect-cpp ") + CONNECT_CPP_EXPECTED_VERSION + "\n");
  EXPECT_EQ(run.err, "");
}

TEST(PluginCliTest, HelpListsUsageAndEveryOption) {
  PluginRun run = RunPlugin({"--help"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  for (const char* text : {"Usage: protoc", "--connect-cpp_out", "--connect-cpp_opt",
                           "client=true|false", "server=true|false", "mocks=true|false",
                           "connect_mock.h", "--version"}) {
    EXPECT_NE(run.out.find(text), std::string::npos) << text << " missing from:\n" << run.out;
  }
}

TEST(PluginCliTest, UnknownFlagIsAnErrorNamingIt) {
  PluginRun run = RunPlugin({"--frobnicate"});
  EXPECT_NE(run.exit_status, 0);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("--frobnicate"), std::string::npos) << run.err;
}

TEST(PluginCliTest, ExtraArgumentAfterVersionIsAnError) {
  PluginRun run = RunPlugin({"--version", "extra"});
  EXPECT_NE(run.exit_status, 0);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("extra"), std::string::npos) << run.err;
}

}  // namespace
