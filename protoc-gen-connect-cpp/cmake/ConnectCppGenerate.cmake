# connect_cpp_generate(): written by the plugin work.
