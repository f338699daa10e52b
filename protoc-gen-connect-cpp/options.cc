#include "options.h"

#include <set>
#include <string>
#include <string_view>

namespace connectrpc::plugin {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseBool(std::string_view key, std::string_view value, bool* out, std::string* error) {
  if (value == "true") {
    *out = true;
    return true;
  }
  if (value == "false") {
    *out = false;
    return true;
  }
  *error = "invalid value \"" + std::string(value) + "\" for plugin parameter \"" +
           std::string(key) + "\": expected true or false";
  return false;
}

}  // namespace

bool ParseOptions(std::string_view parameter, Options* options, std::string* error) {
  *options = Options();
  std::set<std::string, std::less<>> seen;
  while (!parameter.empty()) {
    size_t comma = parameter.find(',');
    std::string_view item = Trim(parameter.substr(0, comma));
    parameter = comma == std::string_view::npos ? std::string_view() : parameter.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view key = Trim(item.substr(0, eq));
    if (eq == std::string_view::npos) {
      *error = "plugin parameter \"" + std::string(key) + "\" needs a value (" +
               std::string(key) + "=true or " + std::string(key) + "=false)";
      return false;
    }
    std::string_view value = Trim(item.substr(eq + 1));
    if (!seen.insert(std::string(key)).second) {
      *error = "plugin parameter \"" + std::string(key) + "\" is given more than once";
      return false;
    }
    if (key == "client") {
      if (!ParseBool(key, value, &options->client, error)) return false;
    } else if (key == "server") {
      if (!ParseBool(key, value, &options->server, error)) return false;
    } else if (key == "mocks") {
      if (!ParseBool(key, value, &options->mocks, error)) return false;
    } else {
      *error = "unknown plugin parameter \"" + std::string(key) +
               "\" (supported: client=true|false, server=true|false, mocks=true|false)";
      return false;
    }
  }
  if (options->mocks && !options->client) {
    *error = "plugin parameter \"mocks=true\" needs client=true: the mocks implement the clients' "
             "interfaces";
    return false;
  }
  return true;
}

}  // namespace connectrpc::plugin
