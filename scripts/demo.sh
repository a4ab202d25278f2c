#!/usr/bin/env bash
# The main job (make demo): start siovd on its embedded default profile,
# create a virtual DSA (mdev idxd-1dwq-v1) by writing a UUID to its create
# attribute, run every supported operation on it through vfio-user with
# verification in polling and interrupt modes over both portal paths, print
# the table, remove the mdev and stop the daemon. Any failure exits non-zero.
set -euo pipefail

BUILD=${1:-build}
SIOVD="$BUILD/src/daemon/siovd"
SIOVCTL="$BUILD/tools/siovctl/siovctl"
VDSA="$BUILD/tools/vdsa/vdsa"
PARENT=0000:00:0a.0
TYPE=idxd-1dwq-v1

for b in "$SIOVD" "$SIOVCTL" "$VDSA"; do
	[ -x "$b" ] || { echo "demo: $b is missing (build first)" >&2; exit 1; }
done

RUNDIR=$(mktemp -d /tmp/siovd-demo.XXXXXX)
LOG="$RUNDIR/siovd.log"
PID=
cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$RUNDIR"
}
trap cleanup EXIT

ctl() { "$SIOVCTL" --rundir "$RUNDIR" "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "starting siovd (rundir $RUNDIR)"
"$SIOVD" --rundir "$RUNDIR" -v >"$LOG" 2>&1 &
PID=$!
if ! ctl --timeout 20 ping; then
	echo "demo: siovd did not come up" >&2
	cat "$LOG" >&2
	exit 1
fi

step "the DSA as the idxd driver configured it"
ctl ls /sys/bus/dsa/devices
for wq in wq0.0 wq0.1 wq0.2; do
	printf '%s: type=%s mode=%s size=%s state=%s\n' "$wq" \
		"$(ctl read /sys/bus/dsa/devices/$wq/type)" \
		"$(ctl read /sys/bus/dsa/devices/$wq/mode)" \
		"$(ctl read /sys/bus/dsa/devices/$wq/size)" \
		"$(ctl read /sys/bus/dsa/devices/$wq/state)"
done
TYPEDIR=/sys/class/mdev_bus/$PARENT/mdev_supported_types/$TYPE
printf '%s: available_instances=%s device_api=%s\n' "$TYPE" \
	"$(ctl read $TYPEDIR/available_instances)" "$(ctl read $TYPEDIR/device_api)"

UUID=$(cat /proc/sys/kernel/random/uuid)
step "creating mdev $UUID"
ctl write "$TYPEDIR/create" "$UUID"
SOCK="$RUNDIR/vfio-user/$UUID.sock"
[ -S "$SOCK" ] || { echo "demo: no vfio-user socket at $SOCK" >&2; exit 1; }
echo "mdev_type: $(ctl readlink /sys/bus/mdev/devices/$UUID/mdev_type)"
echo "socket:    $SOCK"

step "running every operation through vfio-user (vdsa)"
"$VDSA" --socket "$SOCK" --op all --mode both --portal both

step "a descriptor with a source outside the client's DMA map"
"$VDSA" --socket "$SOCK" --bad-address

step "removing the mdev and stopping siovd"
ctl write "/sys/bus/mdev/devices/$UUID/remove" 1
[ ! -e "$SOCK" ] || { echo "demo: socket still present after remove" >&2; exit 1; }
echo "available_instances=$(ctl read $TYPEDIR/available_instances)"
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=
if [ "$rc" -ne 0 ]; then
	echo "demo: siovd exited with $rc" >&2
	cat "$LOG" >&2
	exit 1
fi
echo "siovd exited cleanly"
echo
echo "demo: all operations verified"
