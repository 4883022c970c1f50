#!/bin/sh
# Install the Debian packages Tracker needs, if any is missing.
#
#   scripts/os-deps.sh [extra-package ...]
#
# As root: apt-get update (once, only if something is missing) + install.
# Not root: print the sudo command to run and carry on -- the app still
# works, PDF rendering is just slower without these.
# Fast and silent when everything is already installed.
set -eu

PACKAGES="libharfbuzz-subset0 fonts-noto-cjk chromium poppler-utils${*:+ $*}"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "os-deps: not a Debian system; make sure the equivalents of these are installed: $PACKAGES" >&2
    exit 0
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *" ok installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done
missing=${missing# }

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "os-deps: installing $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086  # word splitting of the package list is intended
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "os-deps: missing Debian packages: $missing" >&2
    echo "os-deps: install them with:" >&2
    echo "    sudo apt-get install -y --no-install-recommends $missing" >&2
    echo "os-deps: continuing without them (PDF rendering will be slow)." >&2
fi
