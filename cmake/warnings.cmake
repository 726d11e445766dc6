# Warnings for our own code, on an INTERFACE target (STYLE.md, build hygiene).
add_library(minsheng_warnings INTERFACE)
target_compile_options(minsheng_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough)
if(MINSHENG_WERROR)
  target_compile_options(minsheng_warnings INTERFACE -Werror)
endif()
