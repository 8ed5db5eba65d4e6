#!/usr/bin/env bash
# `npm test`: typecheck, lint, build, then the whole Vitest suite. The suite runs against a private,
# throw-away keyring (scripts/with-keyring.sh) so the keychain tests really run — and never touch
# your own login keychain. Without the tools for that, those few tests are skipped with a notice.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent typecheck
npm run --silent lint
npm run --silent build
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null && command -v dbus-send >/dev/null; then
  exec bash scripts/with-keyring.sh npx vitest run "$@"
fi
echo "npm test: no dbus-run-session/gnome-keyring-daemon here, so the keychain tests are skipped (apt-get install dbus dbus-x11 gnome-keyring libsecret-1-0 to run them)." >&2
CCMAX_KEYRING_TESTS=off exec npx vitest run "$@"
