// A loopback EchoService server in its own process, for fault tests that must not starve the
// test process itself (a lowered RLIMIT_NOFILE).
//
//   e2e_fault_server --spare-fds=N
//
// Listens on 127.0.0.1 (a free port), then lowers its own RLIMIT_NOFILE so that only N more
// descriptors can be opened. Prints "port <port>" and then one "log: <message>" line per server
// log message on standard output, and shuts down when standard input closes.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "connectrpc/server.h"
#include "echo_handler.h"

namespace {

// The highest descriptor number this process has open.
int HighestOpenFd() {
  int highest = 2;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    highest = std::max(highest, std::atoi(entry.path().filename().c_str()));
  }
  return highest;
}

// Closes every descriptor but standard input, output and error: descriptors inherited from
// whatever started the test would otherwise sit below the lowered limit.
void CloseInheritedFds() {
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    if (fd > 2) fds.push_back(fd);
  }
  for (int fd : fds) close(fd);  // includes the directory's own descriptor, already closed: EBADF
}

}  // namespace

int main(int argc, char** argv) {
  CloseInheritedFds();
  int spare_fds = 8;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--spare-fds=")) spare_fds = std::atoi(argv[i] + 12);
  }
  std::mutex out_mu;
  connectrpc::ServerOptions options;
  options.handler_threads = 2;
  options.error_log = [&out_mu](std::string_view message) {
    std::lock_guard<std::mutex> lock(out_mu);
    std::cout << "log: " << message << std::endl;
  };
  connectrpc::Server server(std::move(options));
  e2e::v1::RegisterEchoServiceHandler(server, std::make_shared<e2e::v1::EchoHandler>());
  if (connectrpc::Status listened = server.Listen("127.0.0.1", 0); !listened.ok()) {
    std::cerr << "e2e_fault_server: " << listened.ToString() << std::endl;
    return 1;
  }
  server.Start();
  // The loops, the pool and the acceptor exist now; from here on only connections take fds.
  struct rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = static_cast<rlim_t>(HighestOpenFd() + 1 + spare_fds);
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    std::perror("e2e_fault_server: setrlimit");
    return 1;
  }
  {
    std::lock_guard<std::mutex> lock(out_mu);
    std::cout << "port " << server.port() << std::endl;
  }
  char byte;
  while (read(STDIN_FILENO, &byte, 1) > 0) {
  }
  server.Shutdown(std::chrono::milliseconds(200));
  return 0;
}
