#!/usr/bin/env bash
# The browser tests drive three engines headless: Debian's Chromium (through Playwright), Firefox ESR
# (WebDriver BiDi, built into Firefox) and WebKitGTK (WebKitWebDriver, W3C WebDriver). Playwright's own
# browser downloads do not work on machines without general internet access, so install the
# distribution's packages when missing; PulseAudio gives the headless browsers an audio device (a null
# sink, started by the tests). Environment paths (CHROMIUM_PATH, FIREFOX_PATH, WEBKIT_DRIVER_PATH)
# stand in for a package.
set -euo pipefail
packages=()
if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM_PATH:-}" ]; then packages+=(chromium); fi
if ! command -v firefox-esr >/dev/null 2>&1 && [ -z "${FIREFOX_PATH:-}" ]; then packages+=(firefox-esr); fi
if ! command -v WebKitWebDriver >/dev/null 2>&1 && [ -z "${WEBKIT_DRIVER_PATH:-}" ]; then
  packages+=(webkit2gtk-driver)
fi
if ! command -v pulseaudio >/dev/null 2>&1; then packages+=(pulseaudio); fi
# WebKitGTK has no headless mode of its own: it draws on a virtual X display.
if ! command -v Xvfb >/dev/null 2>&1; then packages+=(xvfb); fi
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
echo "Installing ${packages[*]} with apt-get (for the browser tests)..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
