#!/usr/bin/env bash
# make bench: start siovd (release build) on its embedded profile, create a
# virtual DSA and run the benchmark programs against it. Every figure is
# printed next to a baseline measured in the same run.
set -euo pipefail

BUILD=${1:-build}
SIOVD="$BUILD/src/daemon/siovd"
SIOVCTL="$BUILD/tools/siovctl/siovctl"
BENCH="$BUILD/bench/bench_vdsa"
TYPEDIR=/sys/class/mdev_bus/0000:00:0a.0/mdev_supported_types/idxd-1dwq-v1

RUNDIR=$(mktemp -d /tmp/siovd-bench.XXXXXX)
PID=
cleanup() {
	if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
	rm -rf "$RUNDIR"
}
trap cleanup EXIT

"$SIOVD" --rundir "$RUNDIR" >"$RUNDIR/siovd.log" 2>&1 &
PID=$!
"$SIOVCTL" --rundir "$RUNDIR" --timeout 20 ping
UUID=$(cat /proc/sys/kernel/random/uuid)
"$SIOVCTL" --rundir "$RUNDIR" write "$TYPEDIR/create" "$UUID"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "command: $BENCH --socket RUNDIR/vfio-user/$UUID.sock ${BENCH_ARGS:-}"
echo
"$BENCH" --socket "$RUNDIR/vfio-user/$UUID.sock" ${BENCH_ARGS:-}
