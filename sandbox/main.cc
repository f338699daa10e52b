// transcodely-sandbox: a local Transcodely-compatible API server.
//
//   transcodely-sandbox --listen 127.0.0.1:8080 --data transcodely-sandbox.db
//
// Prints one JSON line to stdout once it serves:
//   {"listen":"http://127.0.0.1:8080","live_key":"ak_live_…","test_key":"ak_test_…"}
// (the keys only on the first start of a data file, else null). Logs go to stderr. Runs until
// SIGINT or SIGTERM. --verbose adds one line per RPC to stderr, secrets redacted (request_log.h).
#include <signal.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "job_simulation.h"
#include "sandbox_server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:8080",
          "HOST:PORT to listen on ([::1]:PORT for IPv6); port 0 picks a free port");
ABSL_FLAG(std::string, data, "transcodely-sandbox.db",
          "SQLite data file; :memory: keeps everything in memory");
ABSL_FLAG(int64_t, job_duration_ms, 4000, "simulated processing time of a job, in milliseconds");
ABSL_FLAG(int64_t, heartbeat_interval_ms, 1000,
          "Watch sends a heartbeat after this many milliseconds without other events");
ABSL_FLAG(bool, verbose, false,
          "log one line per RPC to stderr: procedure, peer, status code, duration, request "
          "headers and the error message sent, with API keys, Authorization values and webhook "
          "secrets redacted");
ABSL_FLAG(int32_t, max_watches_per_key, 1000,
          "Watch streams one API key may have open at once; 0: no limit");

namespace {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

// Parses --listen; on failure returns nullopt and says in *error what is wrong.
std::optional<HostPort> ParseListen(std::string_view text, std::string* error) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    *error = "no ':' before a port";
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') {
      *error = "the IPv6 host has no ']' before the ':PORT'";
      return std::nullopt;
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    *error = "an IPv6 host must be in brackets";
    return std::nullopt;
  }
  if (host.empty()) {
    *error = "the host is empty";
    return std::nullopt;
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size()) {
    *error = "the port \"" + std::string(port_text) + "\" is not a number";
    return std::nullopt;
  }
  if (port > 65535) {
    *error = "the port " + std::string(port_text) + " is above 65535";
    return std::nullopt;
  }
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

// Checks --data before SQLite sees it; on failure says in *error what is wrong.
bool CheckDataPath(const std::string& path, std::string* error) {
  if (path.empty()) {
    *error = "it is empty (use :memory: for an in-memory store)";
    return false;
  }
  if (path == ":memory:") return true;
  std::error_code ec;
  const std::filesystem::path file(path);
  if (std::filesystem::is_directory(file, ec)) {
    *error = "it is a directory, not a file";
    return false;
  }
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : ".";
  if (!std::filesystem::is_directory(dir, ec)) {
    *error = "the directory " + dir.string() + " does not exist";
    return false;
  }
  return true;
}

std::string JsonStringOrNull(const std::optional<std::string>& value) {
  if (!value) return "null";
  std::string out = "\"";
  for (char c : *value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "A local Transcodely-compatible API server.\n\n"
      "  transcodely-sandbox [--listen HOST:PORT] [--data FILE] [--job_duration_ms N]\n"
      "                      [--heartbeat_interval_ms N] [--max_watches_per_key N] [--verbose]");
  // --help lists this program's flags (by default Abseil matches flags defined in a file named
  // after the program, and would list none).
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "sandbox/main.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  absl::ParseCommandLine(argc, argv);

  const std::string listen_text = absl::GetFlag(FLAGS_listen);
  std::string listen_error;
  std::optional<HostPort> listen = ParseListen(listen_text, &listen_error);
  if (!listen) {
    std::cerr << "transcodely-sandbox: --listen \"" << listen_text << "\": " << listen_error
              << "; expected HOST:PORT, e.g. 127.0.0.1:8080, [::1]:8080 or 127.0.0.1:0 for a free "
                 "port\n";
    return 2;
  }
  const std::string data_path = absl::GetFlag(FLAGS_data);
  std::string data_error;
  if (!CheckDataPath(data_path, &data_error)) {
    std::cerr << "transcodely-sandbox: --data \"" << data_path << "\": " << data_error << "\n";
    return 2;
  }
  int64_t duration_ms = absl::GetFlag(FLAGS_job_duration_ms);
  if (duration_ms < 0) {
    std::cerr << "transcodely-sandbox: --job_duration_ms " << duration_ms
              << ": must not be negative\n";
    return 2;
  }
  if (duration_ms > sandbox::kMaxJobDurationMs) {
    std::cerr << "transcodely-sandbox: --job_duration_ms " << duration_ms << ": must be at most "
              << sandbox::kMaxJobDurationMs << " (100 years)\n";
    return 2;
  }

  int64_t heartbeat_ms = absl::GetFlag(FLAGS_heartbeat_interval_ms);
  if (heartbeat_ms <= 0) {
    std::cerr << "transcodely-sandbox: --heartbeat_interval_ms " << heartbeat_ms
              << ": must be positive\n";
    return 2;
  }
  int32_t max_watches_per_key = absl::GetFlag(FLAGS_max_watches_per_key);
  if (max_watches_per_key < 0) {
    std::cerr << "transcodely-sandbox: --max_watches_per_key " << max_watches_per_key
              << ": must not be negative\n";
    return 2;
  }

  // Block the shutdown signals before any thread starts, so that only sigwait() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sandbox::SandboxOptions options;
  options.host = listen->host;
  options.port = listen->port;
  options.data_path = data_path;
  options.job_duration = std::chrono::milliseconds(duration_ms);
  options.heartbeat_interval = std::chrono::milliseconds(heartbeat_ms);
  options.max_watches_per_key = max_watches_per_key;
  if (absl::GetFlag(FLAGS_verbose)) {
    // One write per line, under a lock, so that lines of concurrent calls never interleave.
    options.request_log = [](std::string_view line) {
      static std::mutex mutex;
      std::string text = std::string(line) + "\n";
      std::lock_guard<std::mutex> lock(mutex);
      std::fwrite(text.data(), 1, text.size(), stderr);
    };
  }
  auto sandbox = sandbox::Sandbox::Start(options);
  if (!sandbox.ok()) {
    std::cerr << "transcodely-sandbox: cannot start (--listen " << listen_text << ", --data "
              << data_path << "): " << sandbox.status().ToString() << "\n";
    return 1;
  }

  std::optional<std::string> live_key;
  std::optional<std::string> test_key;
  if (const auto& secrets = (*sandbox)->bootstrap_secrets()) {
    live_key = secrets->live_secret;
    test_key = secrets->test_secret;
  }
  std::string line = "{\"listen\":" + JsonStringOrNull((*sandbox)->base_url()) +
                     ",\"live_key\":" + JsonStringOrNull(live_key) +
                     ",\"test_key\":" + JsonStringOrNull(test_key) + "}\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
  std::cerr << "transcodely-sandbox: serving on " << (*sandbox)->base_url() << " (data "
            << options.data_path << ")\n";

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::cerr << "transcodely-sandbox: signal " << signal_number << ", shutting down\n";
  (*sandbox)->Shutdown();
  return 0;
}
