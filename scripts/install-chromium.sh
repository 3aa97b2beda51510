#!/usr/bin/env bash
# The browser tests drive Debian's Chromium headless; Playwright's own browser download does not work
# on machines without general internet access, so install the distribution's package when missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
echo "Installing Chromium with apt-get (for the browser tests)..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
