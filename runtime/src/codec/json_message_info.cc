#include "codec/json_message_info.h"

#include <google/protobuf/descriptor.pb.h>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>

#include "util/json_string.h"

namespace connectrpc::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

// Maps every type decided so far to its info, or to nullptr if it is not eligible. A published
// table is never changed: a writer copies it, adds to the copy and publishes the copy.
using Table = absl::flat_hash_map<const Descriptor*, const JsonMessageInfo*>;

constinit std::atomic<const Table*> g_table{nullptr};
constinit std::mutex g_mutex;
// Guarded by g_mutex. Everything is kept for the life of the process: readers may still be using
// an older table, and every info is reachable from the newest one.
std::deque<std::unique_ptr<const Table>>* g_tables = nullptr;
std::deque<std::unique_ptr<JsonMessageInfo>>* g_infos = nullptr;

bool IsWellKnownPackage(const FileDescriptor* file) { return file->package() == "google.protobuf"; }

// The message type whose eligibility `field`'s depends on, or nullptr for scalars and enums.
const Descriptor* FieldMessageType(const FieldDescriptor* field) {
  if (field->is_map()) {
    const FieldDescriptor* value = field->message_type()->map_value();
    return value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? value->message_type() : nullptr;
  }
  return field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? field->message_type() : nullptr;
}

bool FieldIsLocallyEligible(const FieldDescriptor* field) {
  if (field->is_extension() || field->type() == FieldDescriptor::TYPE_GROUP) return false;
  const FieldDescriptor* value = field->is_map() ? field->message_type()->map_value() : field;
  if (value->type() == FieldDescriptor::TYPE_GROUP) return false;
  // google.protobuf.NullValue prints as JSON null.
  if (value->cpp_type() == FieldDescriptor::CPPTYPE_ENUM &&
      IsWellKnownPackage(value->enum_type()->file())) {
    return false;
  }
  return true;
}

// Everything but the eligibility of the message types the fields refer to.
bool IsLocallyEligible(const Descriptor* descriptor) {
  const FileDescriptor* file = descriptor->file();
  // Descriptors of other pools may be destroyed, and their addresses reused, while the table lives.
  if (file->pool() != DescriptorPool::generated_pool()) return false;
  if (file->syntax() != FileDescriptor::SYNTAX_PROTO3 || IsWellKnownPackage(file)) return false;
  if (descriptor->extension_range_count() != 0 || descriptor->extension_count() != 0) return false;
  if (descriptor->options().message_set_wire_format()) return false;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    if (!FieldIsLocallyEligible(descriptor->field(i))) return false;
  }
  return true;
}

std::unique_ptr<JsonMessageInfo> MakeInfo(const Descriptor* descriptor) {
  auto info = std::make_unique<JsonMessageInfo>();
  info->descriptor = descriptor;
  info->fields.resize(static_cast<size_t>(descriptor->field_count()));
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    JsonFieldInfo& f = info->fields[static_cast<size_t>(i)];
    f.field = field;
    if (field->is_map()) {
      f.map_key = field->message_type()->map_key();
      f.map_value = field->message_type()->map_value();
    }
    f.real_oneof = field->real_containing_oneof();
    AppendJsonString(field->json_name(), &f.json_key);
    f.json_key.push_back(':');
  }
  for (const JsonFieldInfo& f : info->fields) {
    info->by_name.emplace(f.field->json_name(), &f);
    info->by_name.emplace(f.field->name(), &f);
  }
  return info;
}

// Decides `root` and every type reachable from it that `table` lacks; adds them to `table`.
// Called with g_mutex held.
void Decide(const Descriptor* root, Table* table) {
  // Every type reachable from root, breadth first. A type already in the table is not explored:
  // if eligible, so is everything it reaches.
  std::vector<const Descriptor*> reached{root};
  absl::flat_hash_map<const Descriptor*, bool> seen{{root, true}};
  bool all_eligible = true;
  for (size_t i = 0; i < reached.size(); ++i) {
    const Descriptor* descriptor = reached[i];
    if (!IsLocallyEligible(descriptor)) {
      (*table)[descriptor] = nullptr;
      all_eligible = false;
      continue;
    }
    for (int k = 0; k < descriptor->field_count(); ++k) {
      const Descriptor* type = FieldMessageType(descriptor->field(k));
      if (type == nullptr || !seen.emplace(type, true).second) continue;
      if (const auto it = table->find(type); it != table->end()) {
        if (it->second == nullptr) all_eligible = false;
        continue;
      }
      reached.push_back(type);
    }
  }
  if (!all_eligible) {
    // Only the root is known to be ineligible; the others are decided when asked for.
    (*table)[root] = nullptr;
    return;
  }
  std::vector<JsonMessageInfo*> made;
  for (const Descriptor* descriptor : reached) {
    g_infos->push_back(MakeInfo(descriptor));
    made.push_back(g_infos->back().get());
    (*table)[descriptor] = made.back();
  }
  for (JsonMessageInfo* info : made) {
    for (JsonFieldInfo& f : info->fields) {
      if (const Descriptor* type = FieldMessageType(f.field)) f.message = table->at(type);
    }
  }
}

const JsonMessageInfo* DecideAndPublish(const Descriptor* descriptor) {
  std::lock_guard<std::mutex> lock(g_mutex);
  const Table* current = g_table.load(std::memory_order_acquire);
  if (current != nullptr) {
    if (const auto it = current->find(descriptor); it != current->end()) return it->second;
  }
  if (g_tables == nullptr) {
    g_tables = new std::deque<std::unique_ptr<const Table>>();
    g_infos = new std::deque<std::unique_ptr<JsonMessageInfo>>();
  }
  auto next = current != nullptr ? std::make_unique<Table>(*current) : std::make_unique<Table>();
  Decide(descriptor, next.get());
  const JsonMessageInfo* result = next->at(descriptor);
  g_table.store(next.get(), std::memory_order_release);
  g_tables->push_back(std::move(next));
  return result;
}

}  // namespace

const JsonMessageInfo* FindJsonMessageInfo(const Descriptor* descriptor) {
  const Table* table = g_table.load(std::memory_order_acquire);
  if (table != nullptr) {
    if (const auto it = table->find(descriptor); it != table->end()) return it->second;
  }
  return DecideAndPublish(descriptor);
}

}  // namespace connectrpc::internal
