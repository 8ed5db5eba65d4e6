#!/usr/bin/env bash
# Runs a command against a private, unlocked Secret Service (gnome-keyring) on a private D-Bus
# session bus, so keychain code can be exercised headless (CI, containers, ssh sessions).
# The keyring lives in a fresh temp dir, independent of $HOME and of the user's real keyring,
# and is deleted afterwards. Exits with the command's status.
#
#   usage: scripts/with-keyring.sh CMD [ARGS...]
#   e.g.   bash scripts/with-keyring.sh npx vitest run test/vault
#
# Needs: dbus-run-session, dbus-send and gnome-keyring-daemon
#   (Debian/Ubuntu: apt-get install -y dbus dbus-x11 gnome-keyring libsecret-1-0).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 64
fi

if [ -z "${CCMAX_WITH_KEYRING_INNER:-}" ]; then
  for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "with-keyring: '$tool' not found; install it with: apt-get install -y dbus dbus-x11 gnome-keyring libsecret-1-0" >&2
      exit 127
    fi
  done
  # Re-enter this script inside a private session bus; the bus dies with the command.
  exec env CCMAX_WITH_KEYRING_INNER=1 dbus-run-session -- bash "$0" "$@"
fi
unset CCMAX_WITH_KEYRING_INNER

keyring_root="$(mktemp -d "${TMPDIR:-/tmp}/ccmax-keyring.XXXXXX")"
mkdir -p "$keyring_root/data" "$keyring_root/runtime"
chmod 700 "$keyring_root/runtime"
daemon_pid=""

cleanup() {
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$keyring_root"
}
trap cleanup EXIT

# An empty password line on stdin creates and unlocks a fresh "login" keyring, which becomes the
# default collection Secret Service clients store into (an empty stdin creates no keyring at all).
# XDG_* point only the daemon at the temp dir; the command keeps the caller's environment.
# Foreground + our own kill: relying on the bus teardown alone occasionally left a daemon behind.
printf '\n' | XDG_DATA_HOME="$keyring_root/data" XDG_RUNTIME_DIR="$keyring_root/runtime" \
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$keyring_root/daemon.log" 2>&1 &
daemon_pid=$!

# Ready when the daemon owns the Secret Service name and its default collection exists. Ask the
# bus about the name first: a call to org.freedesktop.secrets before then would make D-Bus
# auto-start a second daemon from the system service file, with the real $HOME keyrings.
name_owned() {
  dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true
}
default_collection() {
  dbus-send --session --print-reply=literal --dest=org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null | tr -d '[:space:]'
}
ready=""
for _ in $(seq 1 100); do
  if ! kill -0 "$daemon_pid" 2>/dev/null; then break; fi
  if name_owned; then
    collection="$(default_collection || true)"
    if [ -n "$collection" ] && [ "$collection" != "/" ]; then ready=1; break; fi
  fi
  sleep 0.05
done
if [ -z "$ready" ]; then
  echo "with-keyring: gnome-keyring-daemon did not provide an unlocked keyring:" >&2
  cat "$keyring_root/daemon.log" >&2
  exit 70
fi

# Export what the daemon announces (e.g. GNOME_KEYRING_CONTROL) for clients that look for it.
while IFS='=' read -r name value; do
  case "$name" in
    GNOME_KEYRING_CONTROL | SSH_AUTH_SOCK) export "$name=$value" ;;
  esac
done <"$keyring_root/daemon.log"
if [ -z "${GNOME_KEYRING_CONTROL:-}" ] && [ -d "$keyring_root/runtime/keyring" ]; then
  export GNOME_KEYRING_CONTROL="$keyring_root/runtime/keyring"
fi

# Tests that would skip without a keychain must fail instead when run through this script.
export CCMAX_REQUIRE_KEYRING=1

status=0
"$@" || status=$?
exit "$status"
