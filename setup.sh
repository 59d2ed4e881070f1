#!/bin/sh
# Install what the build and the tests need (Debian), bootstrap, configure
# and build.  Safe to run again: it installs only what is missing.
# Arguments go to configure (and reconfigure an already configured tree):
# .ci/run uses `sh ./setup.sh --enable-werror`.
set -e
cd "$(dirname "$0")"
packages="autoconf automake make gcc libc6-dev linux-libc-dev binutils gdb valgrind lldb time nasm"
missing=""
for p in $packages; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup.sh: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
[ -x configure ] || autoreconf -fi
if [ $# -gt 0 ] || [ ! -f Makefile ]; then ./configure --quiet "$@"; fi
make -j"$(nproc)" --no-print-directory
