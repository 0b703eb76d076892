#!/usr/bin/env bash
# Run the CUDA-simulator suites N times in a row beside a CPU hog (a loaded machine is
# where simulator races show); one line per run, and the output of any failed run kept.
#   scripts/simulator_stability.sh [N=20] [LOG=simulator_stability.log]
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
log=${2:-simulator_stability.log}
python -c 'while 1: pass' &
hog=$!
trap 'kill $hog' EXIT
: > "$log"
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  out=$(python -m pytest -q -p no:randomly -p no:cacheprovider \
        tests/test_kernels_cuda.py tests/test_cuda_training.py 2>&1)
  rc=$?
  echo "run $i: exit $rc, $(( $(date +%s) - start )) s" | tee -a "$log"
  if [ $rc -ne 0 ]; then
    echo "$out" > "$log.run$i.txt"
  fi
done
