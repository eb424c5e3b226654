# Cross-compiling edgeml for 64-bit ARM Linux with Debian's cross toolchain.
#
#   apt-get install g++-aarch64-linux-gnu qemu-user
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install libstb-dev:arm64 libgtest-dev:arm64     # target libraries
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#
# Target libraries come from Debian's multiarch packages (:arm64), which
# install next to the host's under /usr/lib/aarch64-linux-gnu; header-only
# dependencies (FlatBuffers, CLI11) and the code generator flatc are the
# host's. Tests and build-time programs run under qemu-user
# (CMAKE_CROSSCOMPILING_EMULATOR), so ctest works unchanged; scripts/test_arm64.sh
# does all of this.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(EDGEML_CROSS_PREFIX aarch64-linux-gnu-)
set(CMAKE_C_COMPILER ${EDGEML_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${EDGEML_CROSS_PREFIX}g++)
set(CMAKE_AR ${EDGEML_CROSS_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${EDGEML_CROSS_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_STRIP ${EDGEML_CROSS_PREFIX}strip CACHE FILEPATH "")

# Libraries and package configs for the target only; programs (flatc,
# pkg-config) from the host. Headers from both: /usr/include is shared by
# multiarch, and the cross compiler adds /usr/include/aarch64-linux-gnu.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")

# qemu-user runs test binaries; -L points it at the target's loader and libc.
find_program(EDGEML_QEMU_AARCH64 qemu-aarch64)
if(EDGEML_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${EDGEML_QEMU_AARCH64} -L /usr/aarch64-linux-gnu)
endif()
