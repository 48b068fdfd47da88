#!/usr/bin/env bash
# Runs one notebook through real Jupyter (nbconvert --execute) with the tslab kernel: the path users take.
# Installs Jupyter from Debian packages when missing and apt-get is available (CI, Debian/Ubuntu as root).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
# the Python that has Jupyter: Debian's (/usr/bin/python3) first, then whatever python3 is on PATH
find_py() {
  for py in /usr/bin/python3 "$(command -v python3 || true)"; do
    if [ -n "$py" ] && "$py" -c 'import nbconvert, ipykernel' >/dev/null 2>&1; then echo "$py"; return 0; fi
  done
  return 1
}
if ! PY="$(find_py)"; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jupyter-notebook jupyter-nbconvert python3-ipykernel >/dev/null
    PY=/usr/bin/python3
  else
    echo "jupyter-check: Jupyter is not installed (see README, 'Open the notebooks in Jupyter')" >&2
    exit 1
  fi
fi
tslab install --python="$PY" >/dev/null
book="${1:-notebooks/00-getting-started.ipynb}"
out="$(mktemp -d)"
( cd "$(dirname "$book")" && PRECODING_RESULTS_DIR="$out" "$PY" -m nbconvert --to notebook --execute "$(basename "$book")" \
    --output "$out/executed.ipynb" --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=900 )
# nbconvert stops on a failing cell; also make sure rich outputs came back through the kernel
python3 - "$out/executed.ipynb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
outs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
errors = [o for o in outs if o["output_type"] == "error"]
displays = [o for o in outs if o["output_type"] == "display_data"]
assert not errors, f"errors in Jupyter run: {errors[0]}"
assert displays, "no rich (display_data) output came back from the tslab kernel"
print(f"jupyter-check: {sys.argv[1]}: {len(displays)} rich outputs, no errors")
PY
