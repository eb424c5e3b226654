#!/usr/bin/env bash
# Installs the Debian packages edgeml builds with, when any is missing.
# Usage: scripts/install_deps.sh [--fuzz]   (--fuzz adds clang/libFuzzer)
set -euo pipefail
pkgs=(cmake g++ make pkg-config libflatbuffers-dev flatbuffers-compiler libgtest-dev
      libstb-dev libcli11-dev python3 python3-venv)
if [[ "${1:-}" == "--fuzz" ]]; then pkgs+=(clang libclang-rt-14-dev); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
