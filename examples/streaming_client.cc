// A streaming Connect client: streaming_client [BASE_URL] (default http://127.0.0.1:8080).
// Counts down from 3 (server streaming), then sends 1, 2, 3, 4 and prints the running totals
// (bidi streaming).
#include <iostream>
#include <string>

#include "connectrpc/client.h"
#include "countdown/v1/countdown.connect.h"

int main(int argc, char** argv) {
  auto client = connectrpc::Client::Create(argc > 1 ? argv[1] : "http://127.0.0.1:8080");
  if (!client.ok()) {
    std::cerr << client.status().ToString() << "\n";
    return 1;
  }
  countdown::v1::CountdownServiceClient service(*client);

  // Server streaming: one request, then read until the stream ends, then check its status.
  countdown::v1::CountdownRequest request;
  request.set_from(3);
  request.set_interval_ms(50);
  auto countdown = service.Countdown(request);
  countdown::v1::CountdownResponse tick;
  std::cout << "countdown:";
  while (countdown.Read(&tick)) std::cout << " " << tick.number();
  std::cout << "\n";
  if (!countdown.status().ok()) {
    std::cerr << "countdown: " << countdown.status().ToString() << "\n";
    return 1;
  }

  // Bidi streaming: send everything, close our side, then read every answer.
  auto accumulate = service.Accumulate();
  for (int64_t value : {1, 2, 3, 4}) {
    countdown::v1::AccumulateRequest message;
    message.set_value(value);
    if (!accumulate.Send(message)) break;
  }
  accumulate.CloseSend();
  countdown::v1::AccumulateResponse total;
  std::cout << "totals:";
  while (accumulate.Read(&total)) std::cout << " " << total.total();
  std::cout << "\n";
  if (!accumulate.status().ok()) {
    std::cerr << "accumulate: " << accumulate.status().ToString() << "\n";
    return 1;
  }
  return 0;
}
