// tally_client PORT: calls tally.v1.TallyService on 127.0.0.1:PORT, checks the answers and exits
// 0 only if both the unary and the server-streaming call returned what they should.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "connectrpc/client.h"
#include "tally/v1/tally.connect.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tally_client PORT\n";
    return 2;
  }
  auto client = connectrpc::Client::Create(std::string("http://127.0.0.1:") + argv[1]);
  if (!client.ok()) {
    std::cerr << "tally_client: " << client.status().ToString() << "\n";
    return 1;
  }
  tally::v1::TallyServiceClient tally(*client);

  tally::v1::AddRequest add;
  add.set_a(40);
  add.set_b(2);
  auto sum = tally.Add(add);
  if (!sum.ok() || sum->sum() != 42) {
    std::cerr << "tally_client: Add(40, 2): "
              << (sum.ok() ? std::to_string(sum->sum()) : sum.status().ToString()) << "\n";
    return 1;
  }

  tally::v1::CountRequest count;
  count.set_up_to(5);
  auto stream = tally.Count(count);
  std::vector<int> numbers;
  tally::v1::CountResponse number;
  while (stream.Read(&number)) numbers.push_back(number.number());
  if (!stream.status().ok() || numbers != std::vector<int>{1, 2, 3, 4, 5}) {
    std::cerr << "tally_client: Count(5): " << stream.status().ToString() << ", "
              << numbers.size() << " messages\n";
    return 1;
  }

  std::cout << "Add(40, 2) = " << sum->sum() << "; Count(5) streamed " << numbers.size()
            << " messages" << std::endl;
  return 0;
}
