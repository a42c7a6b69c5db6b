#!/usr/bin/env bash
# Boots Debian's kernel in qemu (TCG, no KVM needed) with a throwaway busybox initramfs, shares the host
# root read-only over virtio-9p, and runs the Linux binding tests (*.kernel.test.ts) inside the guest
# against real drivers: i2c-dev with i2c-stub and i2c-i801 (QEMU q35 SMBus; SMBus-only adapters),
# hid-cp2112 over uhid (an adapter with I2C_RDWR), and the GPIO character device on gpio-fixture (a
# test GPIO chip module built here against the kernel headers). Writes .kernel-report.json (vitest
# JSON shape) at the repo root and exits non-zero if any test failed or the guest could not run them.
# See README.md beside this file.
set -uo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="$REPO/.kernel-cache"
OUT="$CACHE/out"
REPORT="$REPO/.kernel-report.json"
MODULES=(virtio_pci 9pnet_virtio 9p i2c-i801 i2c-stub i2c-dev uhid hid-cp2112)
GUEST_TIMEOUT_S="${BUSBAR_KERNEL_TIMEOUT_S:-480}"

fail() {
  echo "run-kernel-tests: $*" >&2
  # A report that CI counts as one failure, so a broken setup never reads as "0 tests, all fine".
  printf '{"numTotalTestSuites":1,"numPassedTestSuites":0,"numFailedTestSuites":1,"numTotalTests":1,"numPassedTests":0,"numFailedTests":1,"numPendingTests":0,"success":false,"testResults":[{"name":"kernel setup","status":"failed","message":%s,"assertionResults":[]}]}\n' \
    "$(printf '%s' "$*" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8")))')" > "$REPORT"
  exit 1
}

rm -f "$REPORT"

# --- tools (Debian packages; installed here when missing and we are root) ---
need_pkgs=()
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || need_pkgs+=(busybox-static)
ls /boot/vmlinuz-* >/dev/null 2>&1 || need_pkgs+=(linux-image-amd64)
command -v modprobe >/dev/null || need_pkgs+=(kmod)
command -v file >/dev/null || need_pkgs+=(file)
command -v make >/dev/null || need_pkgs+=(make)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "run-kernel-tests: installing ${need_pkgs[*]}"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}") >/dev/null \
      || fail "apt-get install ${need_pkgs[*]} failed"
  else
    fail "missing ${need_pkgs[*]} and not root to install them"
  fi
fi
file -L /bin/busybox | grep -q 'statically linked' || fail "/bin/busybox is not the static busybox (install busybox-static)"

# --- kernel: the newest Debian image that has its modules installed ---
KVER=""
for v in $(ls /lib/modules | sort -V); do [ -f "/boot/vmlinuz-$v" ] && KVER="$v"; done
[ -n "$KVER" ] || fail "no /boot/vmlinuz-<v> with /lib/modules/<v> (install linux-image-amd64)"
[ -r "/boot/vmlinuz-$KVER" ] || fail "/boot/vmlinuz-$KVER is not readable"
echo "run-kernel-tests: kernel $KVER"

# --- the GPIO test chip (gpio-fixture/), built against this kernel's headers, cached by source hash ---
if [ ! -e "/lib/modules/$KVER/build/Makefile" ]; then
  [ "$(id -u)" = 0 ] || fail "missing linux-headers-$KVER and not root to install it"
  echo "run-kernel-tests: installing linux-headers-$KVER (to build the GPIO test chip)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "linux-headers-$KVER") >/dev/null \
    || fail "apt-get install linux-headers-$KVER failed"
fi
FIXTURE_HASH="$(cat "$REPO/scripts/kernel/gpio-fixture/"* | sha256sum | cut -c1-16)"
FIXTURE_KO="$CACHE/busbar_gpio_fixture-$KVER-$FIXTURE_HASH.ko"
if [ ! -f "$FIXTURE_KO" ]; then
  rm -rf "$CACHE/gpio-fixture-build" && mkdir -p "$CACHE/gpio-fixture-build"
  cp "$REPO/scripts/kernel/gpio-fixture/"* "$CACHE/gpio-fixture-build/"
  make -s -C "/lib/modules/$KVER/build" M="$CACHE/gpio-fixture-build" modules >"$CACHE/gpio-fixture-build.log" 2>&1 \
    || { cat "$CACHE/gpio-fixture-build.log" >&2; fail "building the GPIO test chip module failed"; }
  rm -f "$CACHE"/busbar_gpio_fixture-*.ko
  cp "$CACHE/gpio-fixture-build/busbar_gpio_fixture.ko" "$FIXTURE_KO"
fi

# --- initramfs: busybox, the modules (dependency order from kmod), /init ---
ROOTFS="$CACHE/initramfs"
rm -rf "$ROOTFS" "$OUT"
mkdir -p "$ROOTFS"/{bin,proc,sys,dev,modules,host} "$OUT" || fail "cannot create $CACHE"
cp /bin/busybox "$ROOTFS/bin/busybox"
cp "$REPO/scripts/kernel/guest-init.sh" "$ROOTFS/init" && chmod +x "$ROOTFS/init"
: > "$ROOTFS/modules.order"
for m in "${MODULES[@]}"; do
  deps="$(modprobe -S "$KVER" --show-depends "$m" 2>&1)" || fail "kernel $KVER has no module $m: $deps"
  while read -r kind path _; do
    [ "$kind" = insmod ] || continue
    name="$(basename "$path")"
    grep -qx "$name" "$ROOTFS/modules.order" && continue
    case "$path" in
      *.ko) cp "$path" "$ROOTFS/modules/$name" ;;
      *.ko.xz) name="${name%.xz}"; xz -dc "$path" > "$ROOTFS/modules/$name" ;;
      *.ko.zst) name="${name%.zst}"; zstd -qdc "$path" > "$ROOTFS/modules/$name" ;;
      *) fail "unexpected module file $path" ;;
    esac
    echo "$name" >> "$ROOTFS/modules.order"
  done <<< "$deps"
done
cp "$FIXTURE_KO" "$ROOTFS/modules/busbar_gpio_fixture.ko" && echo busbar_gpio_fixture.ko >> "$ROOTFS/modules.order"
(cd "$ROOTFS" && find . | busybox cpio -o -H newc > "$CACHE/initramfs.cpio" 2>/dev/null) || fail "cpio failed"

# --- boot ---
echo "run-kernel-tests: booting qemu (TCG)"
timeout --foreground -k 10 "$GUEST_TIMEOUT_S" qemu-system-x86_64 \
  -M q35 -accel tcg -cpu max -smp 2 -m 2048 \
  -kernel "/boot/vmlinuz-$KVER" -initrd "$CACHE/initramfs.cpio" \
  -append "console=ttyS0 panic=-1 quiet loglevel=4 busbar.repo=$REPO busbar.out=$OUT${BUSBAR_KERNEL_FILTER:+ busbar.filter=$BUSBAR_KERNEL_FILTER}" \
  -display none -no-reboot -serial stdio -monitor none \
  -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$OUT,mount_tag=out,security_model=none,multidevs=remap" \
  < /dev/null 2>&1 | tee "$CACHE/guest-console.log"
qemu_status=${PIPESTATUS[0]}
[ $qemu_status -eq 124 ] && fail "guest timed out after ${GUEST_TIMEOUT_S}s"
[ $qemu_status -eq 0 ] || fail "qemu exited with $qemu_status"
[ -f "$OUT/guest-exit-code" ] || fail "the guest did not run the tests (no exit code written)"
guest_status="$(cat "$OUT/guest-exit-code")"
echo "run-kernel-tests: guest test run exited with $guest_status"
[ -f "$OUT/kernel-report.json" ] || fail "the guest wrote no report (exit $guest_status)"
cp "$OUT/kernel-report.json" "$REPORT"
# vitest can exit non-zero with no failed test (a crashed worker, an unhandled error): count that
# as a runtime error in the report, so the CI summary never reads such a run as clean.
node -e '
  const fs = require("fs"); const [file, status] = process.argv.slice(1)
  const r = JSON.parse(fs.readFileSync(file, "utf8"))
  if (status !== "0" && r.numFailedTests === 0 && !(r.numRuntimeErrors > 0)) {
    r.numRuntimeErrors = 1; r.success = false; fs.writeFileSync(file, JSON.stringify(r))
  }' "$REPORT" "$guest_status"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`kernel tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed of ${r.numTotalTests}` +
    (r.numRuntimeErrors ? `, ${r.numRuntimeErrors} runtime error(s)` : ""));
  process.exit(r.numFailedTests === 0 && !r.numRuntimeErrors && r.numTotalTests > 0 ? 0 : 1)' "$REPORT" || exit 1
[ "$guest_status" = 0 ] || exit 1
