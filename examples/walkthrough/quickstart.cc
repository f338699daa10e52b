// The README's 10-line SDK quick start, kept compiling: lists every job of the account.
// Usage: TRANSCODELY_API_KEY=ak_test_... transcodely-quickstart [BASE_URL]
#include <iostream>

#include "transcodely/client.h"
#include "transcodely/errors.h"

int main(int argc, char** argv) {
  transcodely::ClientOptions options;        // api_key empty: read TRANSCODELY_API_KEY
  if (argc > 1) options.base_url = argv[1];  // default https://api.transcodely.com
  auto client = transcodely::Client::Create(options);
  if (!client.ok()) {
    std::cerr << client.status().ToString() << "\n";  // e.g. "transcodely: api key is required"
    return 1;
  }
  transcodely::v1::ListJobsRequest request;
  for (const auto& job : client->jobs().ListAll(request)) {  // pages fetched on demand
    if (!job.ok()) {
      std::cerr << transcodely::Error::From(job.status()).ToString() << "\n";
      return 1;
    }
    std::cout << job->id() << "\n";
  }
  return 0;
}
