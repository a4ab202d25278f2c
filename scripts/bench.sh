#!/usr/bin/env bash
# make bench: start siovd (release build) on its embedded profile, create a
# virtual DSA and run the benchmark programs against it. Every figure is
# printed next to a baseline measured in the same run. Also measured here:
# siovd's CPU use while idle and its memory per mdev.
#
#   BENCH_ARGS   extra bench_vdsa arguments (e.g. --quick)
#   BENCH_RUNS   run bench_vdsa this many times (default 1) and summarize
#                every figure as the median over the runs
#   BENCH_CSV    write the figures (medians over the runs) as CSV to this
#                file: figure,size,siovd,baseline,ratio,cpu_ratio,engine_wait,
#                runs,per-run ratios (bench/median.awk)
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
#   BENCH_BASELINE  where the throughput baselines (memcpy, ISA-L) run:
#                "engine" (default when siovd is pinned): on siovd's CPU, the
#                client thread moving there for each baseline phase, so that
#                the engine and its baseline use the same core; "client": on
#                the client's CPU. vCPUs of a shared host differ in speed,
#                by 20 % and more and over time (docs/performance.md).
#   SIOVD_ARGS   extra siovd arguments, e.g. --portal-poll-us 0 (poll mode)
#   BENCH_NICE   run siovd and the client (device and baselines alike) at this
#                nice level, e.g. -10: on a machine shared with other work
#                this shows what the engine does when it gets its CPU
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
	case "${BENCH_BASELINE:-engine}" in
	engine) PEER+=(--baseline-cpu "$SIOVD_CPUS") ;;
	client) ;;
	*) echo "bench.sh: BENCH_BASELINE is engine or client" >&2; exit 2 ;;
	esac
fi
if [ -n "${BENCH_CPUS:-}" ] && [ "$BENCH_CPUS" != any ]; then BENCH_PIN=(taskset -c "$BENCH_CPUS"); fi
if [ -n "${BENCH_NICE:-}" ]; then
	SIOVD_PIN=(nice -n "$BENCH_NICE" "${SIOVD_PIN[@]}")
	BENCH_PIN=(nice -n "$BENCH_NICE" "${BENCH_PIN[@]}")
fi
# shellcheck disable=SC2086
"${SIOVD_PIN[@]}" "$SIOVD" --rundir "$RUNDIR" ${SIOVD_ARGS:-} >"$RUNDIR/siovd.log" 2>&1 &
PID=$!
"$SIOVCTL" --rundir "$RUNDIR" --timeout 20 ping
RSS0=$(rss_kib)
UUID=$(cat /proc/sys/kernel/random/uuid)
"$SIOVCTL" --rundir "$RUNDIR" write "$TYPEDIR/create" "$UUID"
RSS1=$(rss_kib)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "siovd arguments: ${SIOVD_ARGS:-(none)}"
echo "pinning: siovd on CPU ${SIOVD_CPUS:-any}, client on CPU ${BENCH_CPUS:-any}, throughput baselines on the ${BENCH_BASELINE:-engine}'s CPU; nice ${BENCH_NICE:-0}"
echo "command: ${BENCH_PIN[*]} $BENCH --socket RUNDIR/vfio-user/$UUID.sock ${PEER[*]} --siovd-pid PID ${BENCH_ARGS:-}"
echo
RUNS=${BENCH_RUNS:-1}
for i in $(seq 1 "$RUNS"); do
	[ "$RUNS" -gt 1 ] && echo "==== run $i of $RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	# shellcheck disable=SC2086
	"${BENCH_PIN[@]}" "$BENCH" --socket "$RUNDIR/vfio-user/$UUID.sock" "${PEER[@]}" \
		--siovd-pid "$PID" ${BENCH_ARGS:-} --csv "$RUNDIR/run-$i.csv"
	echo
done
awk -F, -f "$(dirname "$0")/../bench/median.awk" "$RUNDIR"/run-*.csv >"$RUNDIR/median.csv"
if [ "$RUNS" -gt 1 ]; then
	echo "==== medians over $RUNS runs (ratio: device/baseline, latency: baseline/device)"
	printf '%-22s %8s %9s %8s  %s\n' figure ratio cpu-time "engine" "per run"
	printf '%-22s %8s %9s %8s\n' "" "" "" "waited"
	awk -F, '$2 != 99 {
		w = $7 == "" ? "" : sprintf("%.0f%%", 100 * $7)
		printf "%-22s %8.2f %9s %8s  %s\n", $1 " " ($2 >= 1024 ? $2 / 1024 " KiB" : $2),
		       $5, $6 == "" ? "" : sprintf("%.2f", $6), w, $9
	}' "$RUNDIR/median.csv"
	echo
fi
if [ -n "${BENCH_CSV:-}" ]; then cp "$RUNDIR/median.csv" "$BENCH_CSV"; fi
echo
echo "siovd CPU while idle (one mdev, no client, after the run): $(idle_cpu 5)% of one core"
"$BENCH" --socket "$RUNDIR/vfio-user/$UUID.sock" --only none --hold 7 >/dev/null &
HOLD=$!
sleep 1
echo "siovd CPU while idle (one mdev, a client attached with its portal mapped): $(idle_cpu 5)% of one core"
wait "$HOLD"
UUID2=$(cat /proc/sys/kernel/random/uuid)
RSS2=$(rss_kib)
"$SIOVCTL" --rundir "$RUNDIR" write "$TYPEDIR/create" "$UUID2"
RSS3=$(rss_kib)
echo "siovd resident memory: ${RSS0} KiB at start; first mdev +$((RSS1 - RSS0)) KiB;" \
     "second mdev +$((RSS3 - RSS2)) KiB"

if [ -n "${BENCH_PLOT:-}" ] && command -v gnuplot >/dev/null; then
	grep -v ',99,' "$RUNDIR/median.csv" >"$RUNDIR/p50.csv"
	gnuplot -e "csv='$RUNDIR/p50.csv'; out='$BENCH_PLOT'" "$(dirname "$0")/../bench/plot.gp"
	echo "plot: $BENCH_PLOT"
fi
