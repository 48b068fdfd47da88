#!/usr/bin/env bash
# Regenerate QuaDRiGa "Berlin UMa" channel sets with tools/quadriga/generate.m.
#
#   QUADRIGA_PATH=/path/to/QuaDRiGa/quadriga_src bash tools/quadriga/run_all.sh           # NNO-C2PO's sets
#   QUADRIGA_PATH=/path/to/QuaDRiGa/quadriga_src bash tools/quadriga/run_all.sh compare   # the other sizes
#
# Sets:
#   nno-c2po (default)  data/nno-c2po/quadriga_{los,nlos}_{train,eval,val}.mat: B = 128, U = 8.
#                       ~80 min for the 3000 samples (1.4-1.9 s per sample here).
#   compare             data/compare/quadriga/quadriga_{los,nlos}_B<B>_U<U>.mat for the cross-paper
#                       generalisation map: the same scenario, geometry and normalisation, only B and U
#                       differ. ~25 min for the four sets.
# Environment:
#   QUADRIGA_PATH  QuaDRiGa 2.8.1's quadriga_src folder (default /opt/quadriga/quadriga_src)
#   QD_ENGINE      octave (default when `octave` is on PATH) or matlab (`matlab -batch`)
#   QD_OUT         output folder (default the set's folder in this repository)
# Runs one Octave process at a time on one core (niced); tools/quadriga/README.md has the measured times.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export QUADRIGA_PATH="${QUADRIGA_PATH:-/opt/quadriga/quadriga_src}"
set_name="${1:-nno-c2po}"

# name                  scenario count seed B   U
case "$set_name" in
  nno-c2po)
    out="${QD_OUT:-$repo/data/nno-c2po}"
    jobs=(
      "quadriga_los_train   los  500  1001 128 8"
      "quadriga_los_eval    los  1000 1002 128 8"
      "quadriga_nlos_train  nlos 500  2001 128 8"
      "quadriga_nlos_eval   nlos 1000 2002 128 8"
      "quadriga_los_val     los  250  1003 128 8"
      "quadriga_nlos_val    nlos 250  2003 128 8"
    ) ;;
  compare)
    out="${QD_OUT:-$repo/data/compare/quadriga}"
    jobs=(
      "quadriga_los_B4_U4   los  1000 3001 4   4"
      "quadriga_nlos_B4_U4  nlos 1000 3002 4   4"
      "quadriga_los_B32_U1  los  300  3003 32  1"
      "quadriga_nlos_B32_U1 nlos 300  3004 32  1"
    ) ;;
  *) echo "usage: run_all.sh [nno-c2po|compare]; got '$set_name'" >&2; exit 2 ;;
esac
mkdir -p "$out"

if [ -z "${QD_ENGINE:-}" ]; then
  if command -v octave >/dev/null 2>&1; then QD_ENGINE=octave; else QD_ENGINE=matlab; fi
fi

for j in "${jobs[@]}"; do
  read -r name scen count seed nb nu <<<"$j"
  call="addpath('$here'); generate('$scen', $count, $seed, '$out/$name.mat', getenv('QUADRIGA_PATH'), $nb, $nu)"
  echo "== $name: scenario $scen, $count samples, seed $seed, B = $nb, U = $nu"
  start=$(date +%s)
  case "$QD_ENGINE" in
    octave) OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 octave --no-gui --no-window-system -q --eval "$call" ;;
    matlab) nice -n 10 matlab -singleCompThread -batch "$call" ;;
    *) echo "QD_ENGINE must be octave or matlab" >&2; exit 2 ;;
  esac
  echo "== $name: $(( $(date +%s) - start )) s"
done
ls -l "$out"/quadriga_*.mat
