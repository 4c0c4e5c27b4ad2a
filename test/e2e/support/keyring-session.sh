#!/bin/sh
# Runs "$@" with a private, unlocked gnome-keyring Secret Service. Use inside
# dbus-run-session: the daemon and the bus end when the command ends.
# KEYRING_DIR: where the throwaway keyring lives (XDG data and runtime dirs).
set -eu
: "${KEYRING_DIR:?set KEYRING_DIR}"
export XDG_DATA_HOME="$KEYRING_DIR/data" XDG_RUNTIME_DIR="$KEYRING_DIR/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
printf 'e2e-keyring-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
  i=$((i + 1)); [ "$i" -gt 50 ] && { echo "gnome-keyring did not take org.freedesktop.secrets" >&2; exit 1; }
  sleep 0.1
done
exec "$@"
