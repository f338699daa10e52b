// validate_check: builds against the installed validate component (connectrpc::validate and the
// buf.validate messages), makes both interceptors and one validation error; no server is needed.
#include <iostream>

#include "buf/validate/violations.pb.h"
#include "connectrpc/validate/interceptors.h"
#include "connectrpc/validate/violations.h"

int main() {
  auto server_side = connectrpc::validate::NewServerInterceptor();
  auto client_side = connectrpc::validate::NewClientInterceptor();
  if (!server_side.ok() || client_side == nullptr) {
    std::cerr << "validate_check: could not make the interceptors\n";
    return 1;
  }
  const connectrpc::Status status = connectrpc::validate::ViolationsStatus(
      *buf::validate::Violation::descriptor(),
      {{"rule_id", "value length must be at least 1 characters", "string.min_len", false}});
  buf::validate::Violations detail;
  if (status.details().size() != 1 || !status.details()[0].UnpackTo(&detail) ||
      detail.violations_size() != 1) {
    std::cerr << "validate_check: no buf.validate.Violations detail in " << status.ToString()
              << "\n";
    return 1;
  }
  std::cout << "connectrpc::validate: " << status.ToString() << " with "
            << status.details()[0].type << std::endl;
  return 0;
}
