#!/bin/sh
# Runs inside the guest, chrooted into the host's root (read-only). $1 = repo path, $2 = writable dir,
# $3 = optional test-file filter (BUSBAR_KERNEL_FILTER on the host, for working on one file).
REPO="$1"; OUT="$2"; FILTER="${3:-}"
cd "$REPO" || exit 90
export HOME=/tmp CI=true
echo "guest: kernel $(uname -r); i2c adapters:"
for a in /sys/class/i2c-dev/*; do echo "  $(basename "$a"): $(cat "$a/name")"; done
node node_modules/vitest/vitest.mjs run --config scripts/kernel/vitest.kernel.config.mjs --configLoader runner \
  --reporter=default --reporter=json --outputFile.json="$OUT/kernel-report.json" $FILTER
status=$?
# Kernel messages from the run (driver errors explain most failures here).
dmesg | tail -150 > "$OUT/dmesg.txt"
exit $status
