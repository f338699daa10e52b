#include "names.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>

namespace connectrpc::plugin {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FileDescriptor;
using ::google::protobuf::MethodDescriptor;
using ::google::protobuf::ServiceDescriptor;

// The words protoc 3.21's C++ generator escapes in class names. Message classes must be spelled
// exactly as in the .pb.h, so this list must not grow beyond protoc's.
constexpr std::string_view kProtobufKeywords[] = {
    "NULL",      "alignas",      "alignof",   "and",          "and_eq",
    "asm",       "auto",         "bitand",    "bitor",        "bool",
    "break",     "case",         "catch",     "char",         "class",
    "compl",     "const",        "constexpr", "const_cast",   "continue",
    "decltype",  "default",      "delete",    "do",           "double",
    "dynamic_cast", "else",      "enum",      "explicit",     "export",
    "extern",    "false",        "float",     "for",          "friend",
    "goto",      "if",           "inline",    "int",          "long",
    "mutable",   "namespace",    "new",       "noexcept",     "not",
    "not_eq",    "nullptr",      "operator",  "or",           "or_eq",
    "private",   "protected",    "public",    "register",     "reinterpret_cast",
    "return",    "short",        "signed",    "sizeof",       "static",
    "static_assert", "static_cast", "struct", "switch",       "template",
    "this",      "thread_local", "throw",     "true",         "try",
    "typedef",   "typeid",       "typename",  "union",        "unsigned",
    "using",     "virtual",      "void",      "volatile",     "wchar_t",
    "while",     "xor",          "xor_eq",
};

// Keywords added by C++20 that protoc 3.21 does not know about; our own identifiers avoid them too.
constexpr std::string_view kCpp20Keywords[] = {
    "char8_t",  "char16_t",  "char32_t", "concept",  "consteval", "constinit",
    "co_await", "co_return", "co_yield", "requires",
};

bool IsProtobufKeyword(std::string_view name) {
  return std::find(std::begin(kProtobufKeywords), std::end(kProtobufKeywords), name) !=
         std::end(kProtobufKeywords);
}

// Mirrors protoc's cpp::ClassName: nested messages join their parents with '_'.
std::string MessageClassName(const Descriptor* message) {
  std::string name;
  if (message->containing_type() != nullptr) {
    name = MessageClassName(message->containing_type()) + "_";
  }
  name += message->name();
  if (IsProtobufKeyword(name)) name += "_";
  return name;
}

std::string ReplaceAll(std::string_view text, char from, std::string_view to) {
  std::string out;
  for (char c : text) {
    if (c == from) {
      out += to;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool IsCppKeyword(std::string_view name) {
  return IsProtobufKeyword(name) ||
         std::find(std::begin(kCpp20Keywords), std::end(kCpp20Keywords), name) !=
             std::end(kCpp20Keywords);
}

std::string EscapeKeyword(std::string_view name) {
  std::string out(name);
  if (IsCppKeyword(name)) out += "_";
  return out;
}

std::string ProtoStem(std::string_view proto_path) {
  for (std::string_view suffix : {".protodevel", ".proto"}) {
    if (proto_path.size() > suffix.size() && proto_path.ends_with(suffix)) {
      proto_path.remove_suffix(suffix.size());
      break;
    }
  }
  return std::string(proto_path);
}

std::string PbHeaderPath(const FileDescriptor* file) { return ProtoStem(file->name()) + ".pb.h"; }

std::string ConnectHeaderPath(const FileDescriptor* file) {
  return ProtoStem(file->name()) + ".connect.h";
}

std::string ConnectSourcePath(const FileDescriptor* file) {
  return ProtoStem(file->name()) + ".connect.cc";
}

std::string ConnectMockHeaderPath(const FileDescriptor* file) {
  return ProtoStem(file->name()) + ".connect_mock.h";
}

std::string HeaderGuard(std::string_view header_path) {
  std::string guard;
  for (char c : header_path) {
    if (c >= 'a' && c <= 'z') {
      guard += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      guard += c;
    } else {
      guard += '_';
    }
  }
  // A macro name cannot start with a digit.
  if (guard.empty() || (guard[0] >= '0' && guard[0] <= '9')) guard.insert(0, "CONNECT_");
  return guard + "_";
}

std::string CppNamespace(const FileDescriptor* file) {
  return ReplaceAll(file->package(), '.', "::");
}

std::string QualifiedMessageType(const Descriptor* message) {
  std::string ns = CppNamespace(message->file());
  return (ns.empty() ? "::" : "::" + ns + "::") + MessageClassName(message);
}

std::string ClientClassName(const ServiceDescriptor* service) { return service->name() + "Client"; }

std::string ClientInterfaceClassName(const ServiceDescriptor* service) {
  return service->name() + "ClientInterface";
}

std::string MockClientClassName(const ServiceDescriptor* service) {
  return "Mock" + service->name() + "Client";
}

std::string HandlerClassName(const ServiceDescriptor* service) {
  return service->name() + "Handler";
}

std::string AsyncHandlerClassName(const ServiceDescriptor* service) {
  return service->name() + "AsyncHandler";
}

std::string RegisterFunctionName(const ServiceDescriptor* service) {
  return "Register" + service->name() + "Handler";
}

std::string ServiceNameConstant(const ServiceDescriptor* service) {
  return "k" + service->name() + "Name";
}

std::string MethodFunctionName(const MethodDescriptor* method) {
  return EscapeKeyword(method->name());
}

std::string AsyncMethodFunctionName(const MethodDescriptor* method) {
  return EscapeKeyword(method->name() + "Async");
}

std::string ProcedureConstant(const MethodDescriptor* method) {
  return "k" + method->service()->name() + method->name() + "Procedure";
}

std::string MethodInfoConstant(const MethodDescriptor* method) {
  return "k" + method->service()->name() + method->name() + "Method";
}

std::string Procedure(const MethodDescriptor* method) {
  return "/" + method->service()->full_name() + "/" + method->name();
}

std::string UnimplementedMessage(const MethodDescriptor* method) {
  return method->full_name() + " is not implemented";
}

std::string CppStringLiteral(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\%03o", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace connectrpc::plugin
