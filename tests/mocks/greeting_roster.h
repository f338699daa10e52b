// The code under test: it greets a roster of names through any GreetServiceClientInterface,
// retrying a name once when the service is unavailable and recording the names it could not
// greet. It knows nothing of servers or mocks.
#ifndef TESTS_MOCKS_GREETING_ROSTER_H_
#define TESTS_MOCKS_GREETING_ROSTER_H_

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "greet/v1/greet.connect.h"

namespace roster {

struct Greetings {
  std::vector<std::string> greetings;  // in roster order, one per name greeted
  std::vector<std::string> failed;     // "name: status" for each name given up on
};

// Greets each name in `names` with the blocking form; empty names are skipped, not sent.
Greetings GreetAll(greet::v1::GreetServiceClientInterface& client,
                   const std::vector<std::string>& names);

// The same with the coroutine form, one call at a time.
boost::asio::awaitable<Greetings> GreetAllAsync(greet::v1::GreetServiceClientInterface& client,
                                                std::vector<std::string> names);

}  // namespace roster

#endif  // TESTS_MOCKS_GREETING_ROSTER_H_
