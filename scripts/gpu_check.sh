#!/usr/bin/env bash
# Check and time nnlite's cuda backend on a GPU (see scripts/gpu_check.py).
#   scripts/gpu_check.sh           on a machine with a CUDA GPU (2-5 minutes)
#   scripts/gpu_check.sh --smoke   tiny sizes under the CUDA simulator (no GPU needed)
# Without a GPU (and without --smoke) it prints "no GPU: skipped" and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if [[ " $* " == *" --smoke "* ]]; then
    export NUMBA_ENABLE_CUDASIM=1
fi
exec python scripts/gpu_check.py "$@"
