#!/usr/bin/env bash
# make bench: start siovd (release build) on its embedded profile, create a
# virtual DSA and run the benchmark programs against it. Every figure is
# printed next to a baseline measured in the same run. Also measured here:
# siovd's CPU use while idle and its memory per mdev.
#
#   BENCH_ARGS   extra bench_vdsa arguments (e.g. --quick)
#   BENCH_CSV    write the figures as CSV to this file
#   BENCH_PLOT   render them with gnuplot (bench/plot.gp) to this PNG
#   SIOVD_CPUS   run siovd (and so its engine threads) on this CPU
#   BENCH_CPUS   run the client (and the baselines' first thread) on this CPU
#                Default with 2 CPUs or more: the client on CPU 0, siovd on
#                the last CPU, and the baselines' second thread (ring
#                consumer, eventfd/socket peer) there too, so that each
#                baseline thread runs where its device counterpart does.
#                SIOVD_CPUS=any BENCH_CPUS=any leaves placement to the
#                scheduler (on a loaded machine it then often puts the
#                client and the engine on one CPU).
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

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
# CPU use of siovd over $1 seconds, in percent of one core
idle_cpu() {
	local t0 t1 hz
	hz=$(getconf CLK_TCK)
	t0=$(cpu_ticks); sleep "$1"; t1=$(cpu_ticks)
	awk -v d=$((t1 - t0)) -v s="$1" -v hz="$hz" 'BEGIN { printf "%.2f", 100 * d / hz / s }'
}

NCPU=$(nproc)
if [ "$NCPU" -ge 2 ]; then
	SIOVD_CPUS=${SIOVD_CPUS:-$((NCPU - 1))}
	BENCH_CPUS=${BENCH_CPUS:-0}
fi
SIOVD_PIN=()
BENCH_PIN=()
PEER=()
if [ -n "${SIOVD_CPUS:-}" ] && [ "$SIOVD_CPUS" != any ]; then
	SIOVD_PIN=(taskset -c "$SIOVD_CPUS")
	PEER=(--peer-cpu "$SIOVD_CPUS")
fi
if [ -n "${BENCH_CPUS:-}" ] && [ "$BENCH_CPUS" != any ]; then BENCH_PIN=(taskset -c "$BENCH_CPUS"); fi
"${SIOVD_PIN[@]}" "$SIOVD" --rundir "$RUNDIR" >"$RUNDIR/siovd.log" 2>&1 &
PID=$!
"$SIOVCTL" --rundir "$RUNDIR" --timeout 20 ping
RSS0=$(rss_kib)
UUID=$(cat /proc/sys/kernel/random/uuid)
"$SIOVCTL" --rundir "$RUNDIR" write "$TYPEDIR/create" "$UUID"
RSS1=$(rss_kib)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pinning: siovd on CPU ${SIOVD_CPUS:-any}, client on CPU ${BENCH_CPUS:-any}"
echo "command: ${BENCH_PIN[*]} $BENCH --socket RUNDIR/vfio-user/$UUID.sock ${PEER[*]} ${BENCH_ARGS:-}"
echo
CSV_ARGS=()
if [ -n "${BENCH_CSV:-}" ]; then CSV_ARGS=(--csv "$BENCH_CSV"); fi
# shellcheck disable=SC2086
"${BENCH_PIN[@]}" "$BENCH" --socket "$RUNDIR/vfio-user/$UUID.sock" "${PEER[@]}" ${BENCH_ARGS:-} "${CSV_ARGS[@]}"

echo
echo "siovd CPU while idle (one mdev, no descriptors, after the run): $(idle_cpu 5)% of one core"
UUID2=$(cat /proc/sys/kernel/random/uuid)
RSS2=$(rss_kib)
"$SIOVCTL" --rundir "$RUNDIR" write "$TYPEDIR/create" "$UUID2"
RSS3=$(rss_kib)
echo "siovd resident memory: ${RSS0} KiB at start; first mdev +$((RSS1 - RSS0)) KiB;" \
     "second mdev +$((RSS3 - RSS2)) KiB"

if [ -n "${BENCH_PLOT:-}" ] && [ -n "${BENCH_CSV:-}" ] && command -v gnuplot >/dev/null; then
	grep -v ',99,' "$BENCH_CSV" >"$RUNDIR/p50.csv"
	gnuplot -e "csv='$RUNDIR/p50.csv'; out='$BENCH_PLOT'" "$(dirname "$0")/../bench/plot.gp"
	echo "plot: $BENCH_PLOT"
fi
