#!/usr/bin/env bash
# Run libFuzzer harnesses: scripts/fuzz.sh BUILD_DIR SECONDS NAME...
# Each starts from a copy of its seed corpus (tests/fuzz/corpus/NAME) in
# BUILD_DIR/corpus/NAME, so what it discovers is kept between runs but not
# committed. A crash leaves its input in BUILD_DIR/artifacts/ and fails;
# copy it into tests/fuzz/corpus/NAME with a fix so that make check replays
# it from then on. Prints execs and coverage for docs/security.md.
set -uo pipefail

BUILD=$1
SECS=$2
shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
status=0

mkdir -p "$BUILD/artifacts"
for name in "$@"; do
	exe="$BUILD/tests/fuzz/fuzz_$name"
	corpus="$BUILD/corpus/$name"
	mkdir -p "$corpus"
	cp -n "$ROOT/tests/fuzz/corpus/$name/"* "$corpus/" 2>/dev/null || true
	log="$BUILD/fuzz-$name.log"
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	"$exe" -max_total_time="$SECS" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$BUILD/artifacts/$name-" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
	cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' | awk '{print $2}')
	printf 'fuzz %-14s %4ss  execs %-9s cov %-6s %s\n' "$name" "$SECS" "${execs:-?}" \
		"${cov:-?}" "$([ $rc -eq 0 ] && echo ok || echo "FAILED (see $log)")"
	if [ $rc -ne 0 ]; then
		tail -40 "$log"
		status=1
	fi
done
exit $status
