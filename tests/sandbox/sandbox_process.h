// The built transcodely-sandbox binary as a child process: started with arguments, its first
// stdout line read (within a time limit; its stderr optionally kept in a file), stopped with
// SIGTERM or killed with SIGKILL.
#ifndef TESTS_SANDBOX_SANDBOX_PROCESS_H_
#define TESTS_SANDBOX_SANDBOX_PROCESS_H_

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace sandbox::testing {

struct Process {
  pid_t pid = -1;
  std::string first_line;
};

// Starts the binary with `args` and reads its first stdout line, waiting at most `timeout` for
// it: a child that prints nothing in time is killed and reaped, and pid is -1. With
// `stderr_path`, the child's stderr goes to that file (truncated) instead of the test's.
inline Process Launch(const std::vector<std::string>& args, const std::string& stderr_path = "",
                      std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    if (!stderr_path.empty()) {
      int err_fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err_fd < 0) _exit(126);
      dup2(err_fd, STDERR_FILENO);
      close(err_fd);
    }
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
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool complete = false;
  while (!complete) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd readable{fds[0], POLLIN, 0};
    const int ready = poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char c;
    if (read(fds[0], &c, 1) != 1) break;
    if (c == '\n') {
      complete = true;
    } else {
      process.first_line.push_back(c);
    }
  }
  close(fds[0]);
  if (!complete && pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    process.pid = -1;
  }
  return process;
}

struct Exited {
  int status = -1;  // the exit status, -1 if it did not exit normally
  std::string error_output;
};

// Runs the binary with `args` (stdout discarded) until it exits by itself, as it does when its
// flags are refused, and returns its exit status and what it wrote to stderr.
inline Exited RunToExit(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) dup2(null_fd, STDOUT_FILENO);
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
  Exited exited;
  char buffer[512];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) exited.error_output.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  exited.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return exited;
}

// Sends SIGTERM and returns the exit status (-1 if it did not exit normally).
inline int Stop(const Process& process) {
  if (process.pid <= 0) return -1;  // kill(-1, ...) would signal every process we may signal
  kill(process.pid, SIGTERM);
  int status = 0;
  waitpid(process.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Sends SIGKILL (no shutdown, no flush: as a crash) and reaps the process.
inline void Kill(const Process& process) {
  if (process.pid <= 0) return;
  kill(process.pid, SIGKILL);
  waitpid(process.pid, nullptr, 0);
}

}  // namespace sandbox::testing

#endif  // TESTS_SANDBOX_SANDBOX_PROCESS_H_
