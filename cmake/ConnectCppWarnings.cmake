# Strict warnings for the project's own code. Generated .pb.cc/.pb.h code is built in separate
# targets that do not call this function.
#
# GCC 12's optimizer reports false positives from inside libstdc++ (-Wrestrict, -Wstringop-overflow,
# -Warray-bounds on std::string copies; GCC bug 105329 and relatives) at -O2/-O3. They stay
# warnings there, so Release builds keep -Werror for everything else.
function(connect_cpp_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
    $<$<CXX_COMPILER_ID:GNU>:-Wno-error=restrict -Wno-error=stringop-overflow
                             -Wno-error=array-bounds>)
endfunction()
