#!/bin/busybox sh
# PID 1 of the qemu guest (copied into the initramfs as /init). Loads the modules the binding tests
# need, mounts the host's root read-only over 9p, and runs scripts/kernel/guest-run.sh chrooted into
# it, so the guest uses the host's node and the repo's node_modules unchanged. Powers off at the end.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

arg() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
REPO=$(arg busbar.repo)
OUT=$(arg busbar.out)
FILTER=$(arg busbar.filter)
say() { echo "busbar-guest: $*" > /dev/console; }

for m in $(cat /modules.order); do
  case "$m" in
    i2c-stub.ko) insmod "/modules/$m" chip_addr=0x58,0x20 || say "insmod $m failed" ;;
    *) insmod "/modules/$m" || say "insmod $m failed" ;;
  esac
done

mkdir -p /host
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host; then
  say "cannot mount the host root over 9p"; poweroff -f
fi
# The guest needs a writable /tmp, but a tmpfs there would hide a repo checked out under /tmp (CI
# clones may live there): keep the host's /tmp reachable and bind the repo back over the tmpfs.
mkdir -p /hosttmp
mount -o bind /host/tmp /hosttmp
mount -t tmpfs tmp /host/tmp
case "$REPO" in
  /tmp/*)
    mkdir -p "/host$REPO"
    mount -o bind "/hosttmp/${REPO#/tmp/}" "/host$REPO" || { say "cannot bind the repo under /tmp"; poweroff -f; } ;;
esac
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out "/host$OUT"; then
  say "cannot mount the output share"; poweroff -f
fi
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mount -t debugfs debugfs /host/sys/kernel/debug 2>/dev/null

say "running tests"
chroot /host /bin/sh "$REPO/scripts/kernel/guest-run.sh" "$REPO" "$OUT" $FILTER > /dev/console 2>&1
echo "$?" > "/host$OUT/guest-exit-code"
sync
say "done"
poweroff -f
