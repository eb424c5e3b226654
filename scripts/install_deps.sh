#!/usr/bin/env bash
# Installs the Debian packages edgeml builds with, when any is missing.
# Usage: scripts/install_deps.sh [--fuzz] [--arm64]
#   --fuzz adds clang/libFuzzer; --arm64 the aarch64 cross compiler, qemu-user
#   and arm64 libraries
set -euo pipefail
pkgs=(cmake g++ make pkg-config libflatbuffers-dev flatbuffers-compiler libgtest-dev
      libstb-dev libcli11-dev python3 python3-venv
      zlib1g-dev  # zlib: `edgeml train` reads gzip-compressed IDX data
      # Vulkan delegate: loader + headers, GLSL->SPIR-V compiler, and Mesa's
      # lavapipe (Vulkan on the CPU) so that its tests run without a GPU.
      libvulkan-dev glslang-tools mesa-vulkan-drivers)
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
for arg in "$@"; do
  case "$arg" in
    --fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
    # ARM64 cross build + qemu-user (scripts/test_arm64.sh): the target's
    # libraries come from Debian's arm64 multiarch packages.
    --arm64)
      if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        $SUDO dpkg --add-architecture arm64
        $SUDO apt-get update -qq
      fi
      pkgs+=(g++-aarch64-linux-gnu qemu-user libgtest-dev:arm64 libstb-dev:arm64
            zlib1g-dev:arm64) ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
