#!/usr/bin/env bash
# Set up Hark on a fresh Debian 12 / Raspberry Pi OS machine, then run the demo or the tests.
#   bash firmware_scripts/bootstrap.sh demo    # a real voice turn on the default models
#   bash firmware_scripts/bootstrap.sh test    # the whole test suite
# Idempotent: apt packages, the virtualenv, the llama-cpp-python wheel and the models are each
# installed once and reused. Set HARK_PYTHON to choose the interpreter (Python >= 3.11).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${HARK_PYTHON:-python3}"
LLAMA_VERSION="0.3.36"
# llama.cpp is built for this CPU (-march=native) less its AMX matrix code: a virtual machine can
# report AMX that then faults (the first prompt crashed llama.cpp in a Firecracker VM on a
# Sapphire Rapids host); a Pi or a Jetson has none. The cache is kept per build flavour.
LLAMA_CMAKE_ARGS="-DCMAKE_C_FLAGS=-U__AMX_INT8__ -DCMAKE_CXX_FLAGS=-U__AMX_INT8__"
WHEELS="${XDG_CACHE_HOME:-$HOME/.cache}/hark/wheels/no-amx"
APT_PACKAGES=(libportaudio2 build-essential cmake)
# the tests' MQTT broker (started by the tests on loopback); the install script's checkers
TEST_APT_PACKAGES=(mosquitto shellcheck systemd)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "bootstrap: need root for: $* (install sudo or run as root)" >&2; exit 2; fi
}

install_apt_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  "$PYTHON" -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing apt packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

check_python() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || {
    echo "bootstrap: Hark needs Python >= 3.11 (found: $("$PYTHON" --version 2>&1)); set HARK_PYTHON" >&2; exit 2; }
}

# llama-cpp-python compiles llama.cpp from source (about 12 minutes on 2 cores): build the
# wheel once into a cache and install from there every later time.
llama_wheel() {
  local wheels=("$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl)
  if [ ! -e "${wheels[0]}" ]; then
    say "building llama-cpp-python $LLAMA_VERSION from source (about 12 minutes on 2 cores, once)"
    mkdir -p "$WHEELS"
    CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$VENV/bin/pip" wheel -q --no-deps -w "$WHEELS" \
      "llama-cpp-python==$LLAMA_VERSION" >&2
    wheels=("$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl)
  fi
  echo "${wheels[0]}"
}

install_python_packages() {
  local stamp="$VENV/.hark-installed" want
  want="$(sha256sum < "$ROOT/pyproject.toml" | cut -c1-16)"
  [ -x "$VENV/bin/python" ] || { say "creating virtualenv $VENV"; "$PYTHON" -m venv "$VENV"; }
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/pip" install -q --upgrade pip wheel >&2
    "$VENV/bin/pip" install -q "$(llama_wheel)" >&2
    say "installing Hark and its Python packages"
    "$VENV/bin/pip" install -q -e "${ROOT}[dev]" >&2
    echo "$want" > "$stamp"
  fi
}

main() {
  local job="${1:-}"
  case "$job" in demo|test) ;; *) echo "usage: bash firmware_scripts/bootstrap.sh demo|test" >&2; exit 2;; esac
  check_python
  [ "$job" = test ] && APT_PACKAGES+=("${TEST_APT_PACKAGES[@]}")
  install_apt_packages
  install_python_packages
  say "installing the default models (checked against pinned sha256)"
  "$VENV/bin/hark" models install
  cd "$ROOT"
  if [ "$job" = demo ]; then
    say "a voice turn: our TTS speaks a sample command, Hark hears it, plans, acts and replies"
    "$VENV/bin/hark" demo --out "$ROOT/reply.wav"
  else
    say "running the test suite"
    "$VENV/bin/python" -m pytest -q "${@:2}"
  fi
}

main "$@"
