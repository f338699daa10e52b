// The built transcodely-sandbox binary as a child process: started with arguments, its first
// stdout line read (its stderr optionally kept in a file), stopped with SIGTERM.
#ifndef TESTS_SANDBOX_SANDBOX_PROCESS_H_
#define TESTS_SANDBOX_SANDBOX_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace sandbox::testing {

struct Process {
  pid_t pid = -1;
  std::string first_line;
};

// Starts the binary with `args` and reads its first stdout line. With `stderr_path`, the
// child's stderr goes to that file (truncated) instead of the test's.
inline Process Launch(const std::vector<std::string>& args, const std::string& stderr_path = "") {
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
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') process.first_line.push_back(c);
  close(fds[0]);
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
  kill(process.pid, SIGTERM);
  int status = 0;
  waitpid(process.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace sandbox::testing

#endif  // TESTS_SANDBOX_SANDBOX_PROCESS_H_
