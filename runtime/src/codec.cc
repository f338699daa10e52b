// Binary and JSON protobuf codecs.
#include "connectrpc/codec.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>

#include <climits>
#include <string>

#include "codec/json_fast_codec.h"
#include "codec/json_message_info.h"

namespace connectrpc {
namespace {

class ProtoCodecImpl final : public Codec {
 public:
  std::string_view name() const override { return "proto"; }

  Status Marshal(const google::protobuf::Message& message, std::string* out) const override {
    out->clear();
    if (!message.IsInitialized()) {
      return Status(Code::kInternal,
                    "marshal " + message.GetDescriptor()->full_name() +
                        ": missing required fields: " + message.InitializationErrorString());
    }
    // Sized once, then written straight into `out` (no stream growing and backing up).
    const size_t size = message.ByteSizeLong();
    if (size > static_cast<size_t>(INT_MAX)) {
      return Status(Code::kResourceExhausted, "marshal " + message.GetDescriptor()->full_name() +
                                                  ": message exceeds 2 GiB");
    }
    out->resize(size);
    google::protobuf::io::ArrayOutputStream stream(out->data(), static_cast<int>(size));
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);  // map entries in key order
    message.SerializeWithCachedSizes(&coded);
    coded.Trim();
    if (coded.HadError() || static_cast<size_t>(coded.ByteCount()) != size) {
      out->clear();
      return Status(Code::kInternal, "marshal " + message.GetDescriptor()->full_name() +
                                         ": message changed while it was serialized");
    }
    return Status();
  }

  Status Unmarshal(std::string_view data, google::protobuf::Message* message) const override {
    message->Clear();
    if (data.size() > static_cast<size_t>(INT_MAX) ||
        !message->ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      message->Clear();
      return Status(
          Code::kInvalidArgument,
          "unmarshal into " + message->GetDescriptor()->full_name() + ": invalid binary protobuf");
    }
    return Status();
  }
};

class JsonCodecImpl final : public Codec {
 public:
  std::string_view name() const override { return "json"; }

  Status Marshal(const google::protobuf::Message& message, std::string* out) const override {
    if (const auto* info = internal::FindJsonMessageInfo(message.GetDescriptor())) {
      return internal::FastJsonMarshal(message, *info, out);
    }
    out->clear();
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = false;
    options.always_print_primitive_fields = false;
    options.add_whitespace = false;
    const auto status = google::protobuf::util::MessageToJsonString(message, out, options);
    if (!status.ok()) {
      out->clear();
      return Status(Code::kInternal, "marshal " + message.GetDescriptor()->full_name() +
                                         " to JSON: " + status.message().ToString());
    }
    return Status();
  }

  Status Unmarshal(std::string_view data, google::protobuf::Message* message) const override {
    message->Clear();
    if (data.empty()) {
      return Status(Code::kInvalidArgument, "unmarshal into " +
                                                message->GetDescriptor()->full_name() +
                                                ": zero-length payload is not a valid JSON object");
    }
    if (const auto* info = internal::FindJsonMessageInfo(message->GetDescriptor())) {
      return internal::FastJsonUnmarshal(data, *info, message);
    }
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(data.data(), data.size()), message, options);
    if (!status.ok()) {
      message->Clear();
      return Status(Code::kInvalidArgument, "unmarshal into " +
                                                message->GetDescriptor()->full_name() +
                                                " from JSON: " + status.message().ToString());
    }
    // JSON has no form for unknown fields, yet protobuf 3.21's parser leaves one behind for an
    // empty key inside a repeated message ({"items":[{"":[{}]}]} gives items[0] field 7); such a
    // field would be sent on as if the peer had set it.
    message->DiscardUnknownFields();
    return Status();
  }
};

}  // namespace

const Codec& ProtoCodec() {
  static const ProtoCodecImpl* const codec = new ProtoCodecImpl();
  return *codec;
}

const Codec& JsonCodec() {
  static const JsonCodecImpl* const codec = new JsonCodecImpl();
  return *codec;
}

}  // namespace connectrpc
