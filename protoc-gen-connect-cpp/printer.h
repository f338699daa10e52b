// Printer: writes generated code from raw-string templates shaped like the output.
//
//   printer.Emit({{"class", "EchoServiceClient"}}, R"cc(
//     class $class$ {
//     };
//   )cc");
//
// Templates are dedented, `$name$` is replaced by its variable and `$$` is a literal '$'. A
// variable alone on its line is a block: each of its lines gets that line's indentation, and an
// empty block removes the line. An undefined or unused variable aborts the plugin: it is a bug in
// the plugin, never in the user's input.
#ifndef PROTOC_GEN_CONNECT_CPP_PRINTER_H_
#define PROTOC_GEN_CONNECT_CPP_PRINTER_H_

#include <map>
#include <string>
#include <string_view>

#include <google/protobuf/io/printer.h>
#include <google/protobuf/io/zero_copy_stream.h>

namespace connectrpc::plugin {

class Printer {
 public:
  using Vars = std::map<std::string, std::string>;

  explicit Printer(google::protobuf::io::ZeroCopyOutputStream* output);
  Printer(const Printer&) = delete;
  Printer& operator=(const Printer&) = delete;

  void Emit(const Vars& vars, std::string_view raw_template);
  // Indents the lines of later Emit calls by two more (or fewer) spaces.
  void Indent() { printer_.Indent(); }
  void Outdent() { printer_.Outdent(); }

 private:
  google::protobuf::io::Printer printer_;
};

// Removes the first line if empty, the last line if blank, and the indentation common to all
// non-blank lines. The result ends with a newline unless it is empty.
std::string Dedent(std::string_view raw_template);

// Expands block variables and checks every `$name$`; returns text ready for io::Printer::Print.
// Aborts on an undefined or unused variable. Exposed for tests.
std::string ExpandTemplate(const Printer::Vars& vars, std::string_view raw_template);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_PRINTER_H_
