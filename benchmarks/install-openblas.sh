#!/usr/bin/env bash
# install-openblas.sh installs OpenBLAS with its CBLAS header (Debian and
# Ubuntu: libopenblas-dev), which the openblas build tag of the benchmarks
# needs:
#
#   bash benchmarks/install-openblas.sh
#   OPENBLAS_NUM_THREADS=1 go test -tags openblas ./benchmarks -run '^$' -bench OpenBLAS
#
# It does nothing if the library is already there. It needs apt-get, and
# root or sudo; elsewhere it says what to install instead.
set -euo pipefail

have() {
	# The header and the link library, found the way cgo will find them.
	printf '#include <cblas.h>\nint main(void){return 0;}\n' |
		${CC:-cc} -x c - -o /dev/null -lopenblas >/dev/null 2>&1
}

if have; then
	echo "OpenBLAS is installed (cblas.h and -lopenblas found)."
	exit 0
fi

if ! command -v apt-get >/dev/null; then
	echo "install-openblas.sh: no apt-get here. Install OpenBLAS with its cblas.h" >&2
	echo "by hand (Fedora: dnf install openblas-devel; macOS: brew install openblas," >&2
	echo "then set CGO_CFLAGS=-I... and CGO_LDFLAGS=-L...)." >&2
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null; then
	sudo=(sudo)
else
	echo "install-openblas.sh: not root and no sudo; run as root:" >&2
	echo "  apt-get update && apt-get install -y libopenblas-dev" >&2
	exit 1
fi

echo "installing libopenblas-dev with apt-get" >&2
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y libopenblas-dev

if ! have; then
	echo "install-openblas.sh: libopenblas-dev is installed, but a C compiler" >&2
	echo "(${CC:-cc}) cannot build against <cblas.h> and -lopenblas; cgo needs both" >&2
	echo "(apt-get install -y gcc)." >&2
	exit 1
fi
echo "OpenBLAS is installed."
