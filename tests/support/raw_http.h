// RawHttp: one hand-made HTTP/1.1 request through the runtime's transport seam, for tests that
// need to send what a Connect client never would. Blocks until the response has been read.
#ifndef CONNECTRPC_TESTS_SUPPORT_RAW_HTTP_H_
#define CONNECTRPC_TESTS_SUPPORT_RAW_HTTP_H_

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "connectrpc/transport.h"

namespace connectrpc::testing {

struct RawResponse {
  Status status;  // of the exchange itself
  int http_status = 0;
  Headers headers;
  std::string body;
};

inline RawResponse RawHttp(uint16_t port, HttpRequestHead head, std::string body) {
  boost::asio::io_context io;
  RawResponse response;
  auto transport = MakeHttp1Transport(io.get_executor(), "127.0.0.1", port, false, {});
  if (!transport.ok()) {
    response.status = transport.status();
    return response;
  }
  std::shared_ptr<Transport> shared = *transport;
  head.content_length = body.size();
  std::function<void(std::shared_ptr<HttpExchange>)> read_body;
  auto finish = [&](Status status) {
    response.status = std::move(status);
    shared->Shutdown();
  };
  read_body = [&](std::shared_ptr<HttpExchange> exchange) {
    exchange->ReadBody(&response.body, [&, exchange](Result<bool> more) {
      if (!more.ok()) return finish(more.status());
      if (*more) return read_body(exchange);
      finish(Status());
    });
  };
  shared->Open(std::nullopt, [&](Result<std::shared_ptr<HttpExchange>> opened) {
    if (!opened.ok()) return finish(opened.status());
    std::shared_ptr<HttpExchange> exchange = *opened;
    exchange->WriteHead(head, body, true, [&, exchange](Status written) {
      if (!written.ok()) return finish(std::move(written));
      exchange->ReadHead([&, exchange](Result<HttpResponseHead> got) {
        if (!got.ok()) return finish(got.status());
        response.http_status = got->status;
        response.headers = std::move(got->headers);
        read_body(exchange);
      });
    });
  });
  io.run();
  return response;
}

}  // namespace connectrpc::testing

#endif  // CONNECTRPC_TESTS_SUPPORT_RAW_HTTP_H_
