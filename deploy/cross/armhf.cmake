# CMake toolchain for armv7 hard-float (Cerbo GX, Ekrano GX, CCGX, Venus GX, Raspberry Pi 2-4)
# with Debian's cross toolchain (crossbuild-essential-armhf).
#
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=deploy/cross/armhf.cmake \
#         -DTRISTAR_DEPS_ROOT=<the :armhf libraries unpacked by deploy/cross/install-deps.sh>
#
# glibc, libstdc++ and libgcc come from the toolchain (/usr/arm-linux-gnueabihf), as on the
# target; every other library is found in TRISTAR_DEPS_ROOT. Executables carry an RPATH of
# $ORIGIN/../lib (DT_RPATH, which unlike DT_RUNPATH also serves the libraries' own
# dependencies), so a tarball's bin/ finds the libraries bundled in its lib/.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(TRISTAR_TRIPLET arm-linux-gnueabihf)
set(CMAKE_C_COMPILER ${TRISTAR_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${TRISTAR_TRIPLET}-g++)

if(NOT TRISTAR_DEPS_ROOT AND DEFINED ENV{TRISTAR_DEPS_ROOT})
  set(TRISTAR_DEPS_ROOT $ENV{TRISTAR_DEPS_ROOT})
endif()
if(NOT TRISTAR_DEPS_ROOT OR NOT IS_DIRECTORY "${TRISTAR_DEPS_ROOT}/usr/lib/${TRISTAR_TRIPLET}")
  message(FATAL_ERROR "TRISTAR_DEPS_ROOT must name the unpacked :armhf libraries "
                      "(deploy/cross/install-deps.sh DIR), got '${TRISTAR_DEPS_ROOT}'")
endif()
# try_compile projects see the same root.
set(ENV{TRISTAR_DEPS_ROOT} ${TRISTAR_DEPS_ROOT})
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TRISTAR_DEPS_ROOT)

set(CMAKE_FIND_ROOT_PATH ${TRISTAR_DEPS_ROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # protoc and pkg-config run on the build host
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE ${TRISTAR_TRIPLET})

set(ENV{PKG_CONFIG_SYSROOT_DIR} ${TRISTAR_DEPS_ROOT})
set(ENV{PKG_CONFIG_LIBDIR}
    "${TRISTAR_DEPS_ROOT}/usr/lib/${TRISTAR_TRIPLET}/pkgconfig:${TRISTAR_DEPS_ROOT}/usr/share/pkgconfig")

# The libraries' own dependencies are resolved at link time from the same root.
set(_tristar_link "-Wl,-rpath-link,${TRISTAR_DEPS_ROOT}/usr/lib/${TRISTAR_TRIPLET}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_tristar_link} -Wl,--disable-new-dtags")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${_tristar_link}")

# Exactly one RPATH, the tarball's: no build-host paths in the executables.
set(CMAKE_BUILD_WITH_INSTALL_RPATH ON)
set(CMAKE_INSTALL_RPATH "$ORIGIN/../lib")
set(CMAKE_INSTALL_RPATH_USE_LINK_PATH OFF)
