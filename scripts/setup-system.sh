#!/usr/bin/env bash
# npm run setup:system — install the Debian/Ubuntu packages of scripts/system-packages.txt with apt (as root).
# Idempotent: installs only what is missing. .ci/run calls this too.
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t PACKAGES < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' system-packages.txt | grep -v '^$')
missing=()
for p in "${PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all ${#PACKAGES[@]} system packages already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup:system needs root to install: ${missing[*]} (run: sudo npm run setup:system)" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
