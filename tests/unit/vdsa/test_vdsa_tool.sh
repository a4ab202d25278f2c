#!/bin/sh
# The vdsa tool against an emulated DSA served over vfio-user: every
# operation in both modes through both portals, verified by the tool, and
# the page-fault check. The tool's exit status is the verdict.
set -u
server=$1
vdsa=$2
dir=$(mktemp -d)
"$server" > "$dir/path" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT

i=0
while [ ! -s "$dir/path" ] && [ $i -lt 1000 ]; do
	sleep 0.01
	i=$((i + 1))
done
sock=$(cat "$dir/path")
[ -S "$sock" ] || { echo "no socket"; exit 1; }

# Run the tool; exit status 3 (device busy: the previous client's session
# is still being closed by the server) is retried a few times.
run() {
	n=0
	while :; do
		"$vdsa" --socket "$sock" "$@"
		rc=$?
		[ $rc -eq 3 ] && [ $n -lt 50 ] || return $rc
		n=$((n + 1))
		sleep 0.02
	done
}

run --op all --mode both --portal both --size 8192 --iterations 20 || exit 1
run --op crc --mode poll --portal mmap --size 65536 --iterations 5 || exit 1
run --bad-address --size 4096 || exit 1
# Usage errors exit 2 without touching the device.
"$vdsa" --socket "$sock" --op bogus >/dev/null 2>&1
[ $? -eq 2 ] || exit 1
# A size beyond what the tool may use is refused up front.
"$vdsa" --socket "$sock" --size 0 >/dev/null 2>&1
[ $? -eq 2 ] || exit 1
exit 0
