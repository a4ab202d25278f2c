#!/bin/sh
# Install the Debian packages siovd needs to build, test and run its demo.
# Idempotent: only missing packages are installed. As root it uses apt-get;
# otherwise it prints the command to run and fails.
set -eu

PKGS="gcc make meson ninja-build pkg-config \
libjson-c-dev libisal-dev libcmocka-dev uuid-dev linux-libc-dev \
accel-config accel-config-test \
clang libclang-rt-14-dev \
fuse3 libfuse3-dev mdevctl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "siovd: missing Debian packages:$missing" >&2
	echo "siovd: run as root: apt-get install -y$missing" >&2
	exit 1
fi

echo "siovd: installing$missing"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends $missing; then
	apt-get update
	apt-get install -y --no-install-recommends $missing
fi
