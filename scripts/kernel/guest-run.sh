#!/bin/sh
# Runs inside the guest, chrooted into the host's root (read-only). $1 = repo path, $2 = writable dir.
REPO="$1"; OUT="$2"
cd "$REPO" || exit 90
export HOME=/tmp CI=true
uname -r
ls /dev/i2c-* 
node -e 'console.log("node", process.version, "in guest")'
