// Finds secrets in text that must not carry them (log lines, error messages).
#ifndef TESTS_SANDBOX_LEAK_CHECK_H_
#define TESTS_SANDBOX_LEAK_CHECK_H_

#include <string>
#include <string_view>
#include <vector>

namespace sandbox::testing {

// The strings a secret must not leak as: the whole secret and, for an API key or webhook secret,
// the random part after its public prefix (ak_live_, ak_test_, whsec_), which identifies it as
// well.
inline std::vector<std::string> LeakForms(std::string_view secret) {
  std::vector<std::string> forms = {std::string(secret)};
  for (std::string_view prefix : {"ak_live_", "ak_test_", "whsec_"}) {
    if (secret.starts_with(prefix) && secret.size() > prefix.size()) {
      forms.emplace_back(secret.substr(prefix.size()));
    }
  }
  return forms;
}

struct Leak {
  std::string where;   // "sandbox stderr", "sdk log", "status message"
  std::string text;    // the offending line
  std::string secret;  // the form found in it
};

// Every (line, form) pair where a form of one of `secrets` occurs in one of `lines`.
inline std::vector<Leak> FindLeaks(std::string_view where, const std::vector<std::string>& lines,
                                   const std::vector<std::string>& secrets) {
  std::vector<Leak> leaks;
  for (const std::string& line : lines) {
    for (const std::string& secret : secrets) {
      for (const std::string& form : LeakForms(secret)) {
        if (line.find(form) != std::string::npos) {
          leaks.push_back({std::string(where), line, form});
        }
      }
    }
  }
  return leaks;
}

}  // namespace sandbox::testing

#endif  // TESTS_SANDBOX_LEAK_CHECK_H_
