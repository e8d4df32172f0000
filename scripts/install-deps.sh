#!/usr/bin/env bash
# Installs what building, running and testing Omniline needs on Debian 12. Idempotent: does
# nothing (and needs no network) when everything is already there. Runs as root or via sudo.
set -euo pipefail

DEB_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libsodium-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libmagic-dev libcurl4-openssl-dev libjemalloc-dev
  curl chromium clang libclang-rt-14-dev
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi

# The web app builds with Node.js >= 20.19 (Vite 8). Debian 12's own nodejs is 18, so a machine
# without a recent enough Node.js gets NodeSource's package only if apt already knows it.
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)'
}
if ! node_ok; then
  echo "install-deps: installing nodejs"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm || true
  if ! node_ok; then
    echo "install-deps: Node.js >= 20.19 with npm is needed for the web app (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
  fi
fi

