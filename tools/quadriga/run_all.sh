#!/usr/bin/env bash
# Regenerate the four QuaDRiGa "Berlin UMa" channel sets of the NNO-C2PO notebook
# (data/nno-c2po/quadriga_{los,nlos}_{train,eval,val}.mat) with tools/quadriga/generate.m.
#
#   QUADRIGA_PATH=/path/to/QuaDRiGa/quadriga_src bash tools/quadriga/run_all.sh
#
# Environment:
#   QUADRIGA_PATH  QuaDRiGa 2.8.1's quadriga_src folder (default /opt/quadriga/quadriga_src)
#   QD_ENGINE      octave (default when `octave` is on PATH) or matlab (`matlab -batch`)
#   QD_OUT         output folder (default data/nno-c2po in this repository)
# Runs on one core (niced): 1.4-1.9 s per sample here, ~80 min for the 3000 samples.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export QUADRIGA_PATH="${QUADRIGA_PATH:-/opt/quadriga/quadriga_src}"
out="${QD_OUT:-$repo/data/nno-c2po}"
mkdir -p "$out"

if [ -z "${QD_ENGINE:-}" ]; then
  if command -v octave >/dev/null 2>&1; then QD_ENGINE=octave; else QD_ENGINE=matlab; fi
fi

# name            scenario count seed
jobs=(
  "quadriga_los_train  los  500  1001"
  "quadriga_los_eval   los  1000 1002"
  "quadriga_nlos_train nlos 500  2001"
  "quadriga_nlos_eval  nlos 1000 2002"
  "quadriga_los_val    los  250  1003"
  "quadriga_nlos_val   nlos 250  2003"
)

for j in "${jobs[@]}"; do
  read -r name scen count seed <<<"$j"
  call="addpath('$here'); generate('$scen', $count, $seed, '$out/$name.mat', getenv('QUADRIGA_PATH'))"
  echo "== $name: scenario $scen, $count samples, seed $seed"
  start=$(date +%s)
  case "$QD_ENGINE" in
    octave) OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 octave --no-gui --no-window-system -q --eval "$call" ;;
    matlab) nice -n 10 matlab -singleCompThread -batch "$call" ;;
    *) echo "QD_ENGINE must be octave or matlab" >&2; exit 2 ;;
  esac
  echo "== $name: $(( $(date +%s) - start )) s"
done
ls -l "$out"/quadriga_*.mat
