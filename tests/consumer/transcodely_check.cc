// transcodely_check: builds against the installed transcodely component (the SDK and its
// generated transcodely.v1 code) and creates a client; no server is needed.
#include <iostream>

#include "transcodely/client.h"
#include "transcodely/v1/job.pb.h"
#include "transcodely/version.h"

int main() {
  transcodely::ClientOptions options;
  options.api_key = "ak_test_consumer";
  options.base_url = "http://127.0.0.1:9";
  auto client = transcodely::Client::Create(options);
  if (!client.ok()) {
    std::cerr << "transcodely_check: " << client.status().ToString() << "\n";
    return 1;
  }
  transcodely::v1::ListJobsRequest request;
  std::cout << "transcodely SDK " << transcodely::kSdkVersion << ": client created, "
            << request.GetDescriptor()->full_name() << " available" << std::endl;
  return 0;
}
