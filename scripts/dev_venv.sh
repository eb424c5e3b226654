#!/usr/bin/env bash
# Creates .venv with the dev-time Python tools (LiteRT, numpy, flatbuffers)
# pinned in scripts/requirements-dev.txt. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
stamp=.venv/.requirements-dev.stamp
if [[ ! -f $stamp ]] || ! cmp -s scripts/requirements-dev.txt "$stamp"; then
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -r scripts/requirements-dev.txt
  cp scripts/requirements-dev.txt "$stamp"
fi
