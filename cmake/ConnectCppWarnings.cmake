# Strict warnings for the project's own code. Generated .pb.cc/.pb.h code is built in separate
# targets that do not call this function.
function(connect_cpp_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
