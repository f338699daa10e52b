#include "tests/conformance/conformance_util.h"

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace connectrpc::conformance {
namespace {

// Reads exactly `size` bytes unless the input ends first; returns the number of bytes read, or
// -1 on error.
ssize_t ReadFully(int fd, char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

bool WriteFully(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

ReadResult ReadFrame(int fd, std::string* out) {
  unsigned char prefix[4];
  ssize_t n = ReadFully(fd, reinterpret_cast<char*>(prefix), sizeof(prefix));
  if (n == 0) return ReadResult::kEof;
  if (n != static_cast<ssize_t>(sizeof(prefix))) return ReadResult::kError;
  const uint32_t size = (uint32_t{prefix[0]} << 24) | (uint32_t{prefix[1]} << 16) |
                        (uint32_t{prefix[2]} << 8) | uint32_t{prefix[3]};
  out->resize(size);
  if (size == 0) return ReadResult::kOk;
  n = ReadFully(fd, out->data(), size);
  return n == static_cast<ssize_t>(size) ? ReadResult::kOk : ReadResult::kError;
}

bool WriteFrame(int fd, const google::protobuf::Message& message) {
  std::string body;
  if (!message.SerializeToString(&body)) return false;
  const uint32_t size = static_cast<uint32_t>(body.size());
  std::string frame;
  frame.reserve(4 + body.size());
  frame.push_back(static_cast<char>((size >> 24) & 0xff));
  frame.push_back(static_cast<char>((size >> 16) & 0xff));
  frame.push_back(static_cast<char>((size >> 8) & 0xff));
  frame.push_back(static_cast<char>(size & 0xff));
  frame.append(body);
  return WriteFully(fd, frame);
}

void AppendProtoHeaders(const Headers& headers, HeaderList* out) {
  std::unordered_map<std::string, v1::Header*> by_name;
  for (const auto& [name, value] : headers) {
    v1::Header*& header = by_name[name];
    if (header == nullptr) {
      header = out->Add();
      header->set_name(name);
    }
    header->add_value(value);
  }
}

void AddHeadersFromProto(const HeaderList& list, Headers* out) {
  for (const v1::Header& header : list) {
    for (const std::string& value : header.value()) out->Add(header.name(), value);
  }
}

std::string_view TypeNameFromUrl(std::string_view type_url) {
  const size_t slash = type_url.rfind('/');
  return slash == std::string_view::npos ? type_url : type_url.substr(slash + 1);
}

}  // namespace connectrpc::conformance
