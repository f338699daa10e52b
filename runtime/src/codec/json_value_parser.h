// JSON text to a boost::json::value with correctly rounded numbers.
#ifndef CONNECTRPC_SRC_CODEC_JSON_VALUE_PARSER_H_
#define CONNECTRPC_SRC_CODEC_JSON_VALUE_PARSER_H_

#include <boost/json/parse_options.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>

namespace connectrpc::internal {

// Like boost::json::parse, except that a number with a fraction or an exponent becomes the double
// nearest to it (std::from_chars): Boost.JSON 1.81's own conversion can be an ulp off. On failure
// sets `ec` and returns null.
boost::json::value ParseJsonValue(std::string_view text, boost::json::storage_ptr storage,
                                  const boost::json::parse_options& options,
                                  boost::system::error_code& ec);

}  // namespace connectrpc::internal

#endif  // CONNECTRPC_SRC_CODEC_JSON_VALUE_PARSER_H_
