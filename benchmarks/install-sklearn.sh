#!/usr/bin/env bash
# Installs what the end-to-end comparison with scikit-learn needs
# (benchmarks/sklearn/fit.py, BenchmarkEndToEnd): Debian's scikit-learn,
# NumPy and SciPy, for the system's python3. Run as root. Idempotent.
#
# The repository's .python-version says "system", so that where pyenv
# manages python3, python3 inside the repository is the system one that
# these packages install into.
set -euo pipefail
cd "$(dirname "$0")"
if python3 -c 'import sklearn, numpy' 2>/dev/null; then
	exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-sklearn python3-numpy python3-scipy
if ! python3 -c 'import sklearn, numpy'; then
	echo "install-sklearn: scikit-learn is installed for /usr/bin/python3, but python3 here is $(command -v python3)" >&2
	exit 1
fi
