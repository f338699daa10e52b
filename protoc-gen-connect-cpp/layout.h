// Layout: breaks long declarations, calls and comments the way clang-format (the repository's
// .clang-format: Google style, ColumnLimit 100) does, so generated code is clean as emitted.
//
// Every function returns a block for Printer::Emit: lines joined by '\n', the first without
// indentation and the others indented relative to `indent`, the column the block starts at.
#ifndef PROTOC_GEN_CONNECT_CPP_LAYOUT_H_
#define PROTOC_GEN_CONNECT_CPP_LAYOUT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace connectrpc::plugin {

inline constexpr size_t kColumnLimit = 100;

// `prefix head item, item, ...tail`, where `head` ends with the opening "(" or "{" and `tail`
// starts with the closing one. On one line if it fits; else the items bin-packed and aligned after
// the opening bracket; else bin-packed on the following lines, indented by 4. `prefix` (a return
// type) moves to its own line when it and `head` do not fit together.
std::string WrapList(size_t indent, std::string_view prefix, std::string_view head,
                     const std::vector<std::string>& items, std::string_view tail);

// Like WrapList for a braced initializer ("T name{a, b, c};"), which clang-format aligns after
// "{" only when that takes no more lines than breaking after it.
std::string WrapBracedList(size_t indent, std::string_view prefix, std::string_view head,
                           const std::vector<std::string>& items, std::string_view tail);

// One argument of WrapCall: `open`, the `items` joined by ", ", then `close`. An argument with
// items is a bracketed list that may be broken over lines: "(" {params} ")",
// "connectrpc::Result<" {type} ">"; one without is kept whole ("Say", "(override)").
struct CallArgument {
  std::string open;
  std::vector<std::string> items;
  std::string close;
};

// `head arg, arg, ...tail` for a call whose arguments are themselves lists, such as gMock's
// MOCK_METHOD: on one line if it fits; else the arguments bin-packed after `head`, or on the
// following lines indented by 4, an argument that does not fit on a line of its own broken after
// its opening bracket (then the next argument starts a new line). As clang-format does, layouts
// that break only parenthesized arguments are preferred, then those that break arguments only
// aligned after their brackets.
std::string WrapCall(size_t indent, std::string_view head, const std::vector<CallArgument>& args,
                     std::string_view tail);

// `lhs = rhs;`, or with `rhs` on the next line, indented by 4.
std::string WrapAssignment(size_t indent, std::string_view lhs, std::string_view rhs);

// A function definition whose body is one statement: `signature` (ending in "{") and `body` on one
// line if both are single lines and fit, else the body on its own line and "}" below.
std::string FunctionDefinition(size_t indent, std::string_view signature, std::string_view body);

// Comment lines ("// ..."), long lines wrapped at spaces. Empty for no lines.
std::string CommentBlock(size_t indent, const std::vector<std::string>& lines);

}  // namespace connectrpc::plugin

#endif  // PROTOC_GEN_CONNECT_CPP_LAYOUT_H_
