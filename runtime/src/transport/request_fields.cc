#include "transport/server_exchange.h"
#include "util/ascii.h"

namespace connectrpc::internal {

std::string_view RequestFields::Get(std::string_view name) const {
  for (const HeaderField& field : fields_) {
    if (AsciiEqualsIgnoreCase(field.name, name)) return field.value;
  }
  return {};
}

bool RequestFields::Contains(std::string_view name) const {
  for (const HeaderField& field : fields_) {
    if (AsciiEqualsIgnoreCase(field.name, name)) return true;
  }
  return false;
}

}  // namespace connectrpc::internal
