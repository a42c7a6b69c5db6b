#!/bin/sh
# Runs inside the guest, chrooted into the host's root (read-only). $1 = repo path, $2 = writable dir.
REPO="$1"; OUT="$2"
cd "$REPO" || exit 90
export HOME=/tmp CI=true
echo "guest: kernel $(uname -r); i2c adapters:"
for a in /sys/class/i2c-dev/*; do echo "  $(basename "$a"): $(cat "$a/name")"; done
ls /dev/gpiochip* 2>/dev/null
node node_modules/vitest/vitest.mjs run --config scripts/kernel/vitest.kernel.config.mjs --configLoader runner \
  --reporter=default --reporter=json --outputFile.json="$OUT/kernel-report.json"
