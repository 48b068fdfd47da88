#!/usr/bin/env bash
# Installs what the real-Jupyter checks (tools/jupyter-check.sh, test/jupyter/) need, idempotently:
#   - Debian: classic Notebook 6, nbconvert, ipykernel, Chromium, python3-venv (apt-get, when root);
#   - a venv with Notebook 7 and JupyterLab 4, in a cache folder outside the repo (reused when present);
#   - the tslab kernelspec for Debian's /usr/bin/python3 and for the venv.
# Prints what it did; exits non-zero, saying what to run, when it cannot.
# Env: PRECODING_JUPYTER_VENV (the venv's folder), PIP_INDEX_URL (as for any pip).
# Prints `JUPYTER_VENV=<path>` as its last line, for scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="${PRECODING_JUPYTER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/precoding-workbook/jupyter-venv}"
TSLAB="$ROOT/node_modules/.bin/tslab"
APT_PACKAGES=(jupyter-notebook jupyter-nbconvert python3-ipykernel python3-jupyter-client python3-venv chromium)

say() { echo "jupyter-env: $*"; }
die() { echo "jupyter-env: $*" >&2; exit 1; }

[ -x "$TSLAB" ] || die "$TSLAB is missing: run 'npm ci' first"

# 1. Debian packages -----------------------------------------------------------------------------
debian_ok() {
  [ -x /usr/bin/jupyter-notebook ] && [ -x /usr/bin/chromium ] &&
    /usr/bin/python3 -c 'import notebook, nbconvert, ipykernel, jupyter_client, venv, ensurepip' >/dev/null 2>&1
}
if debian_ok; then
  say "Debian packages present (Notebook $(/usr/bin/python3 -c 'import notebook; print(notebook.__version__)'), $(/usr/bin/chromium --version 2>/dev/null | head -1))"
elif command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  say "installing Debian packages: ${APT_PACKAGES[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
  debian_ok || die "apt-get installed ${APT_PACKAGES[*]}, but /usr/bin/jupyter-notebook, /usr/bin/chromium or a Python module is still missing"
  say "installed Debian packages (Notebook $(/usr/bin/python3 -c 'import notebook; print(notebook.__version__)'))"
else
  die "classic Jupyter Notebook 6 and Chromium from Debian are missing; run as root:
  apt-get install -y ${APT_PACKAGES[*]}"
fi

# 2. the venv with Notebook 7 and JupyterLab 4 -----------------------------------------------------
venv_ok() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - >/dev/null 2>&1 <<'PY'
import notebook, jupyterlab, ipykernel, jupyter_client
assert int(notebook.__version__.split(".")[0]) == 7 and int(jupyterlab.__version__.split(".")[0]) == 4
PY
}
if venv_ok; then
  say "venv present: $VENV"
else
  say "creating venv $VENV with notebook 7 and jupyterlab 4"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  /usr/bin/python3 -m venv "$VENV" || die "could not create the venv $VENV (Debian: apt-get install -y python3-venv)"
  # a local PyPI mirror, where the machine has one and no index is chosen already
  if [ -z "${PIP_INDEX_URL:-}" ] && [ -d /opt/pypi/simple ]; then export PIP_INDEX_URL=file:///opt/pypi/simple; fi
  log="$(mktemp)"
  "$VENV/bin/pip" install --disable-pip-version-check "notebook>=7,<8" "jupyterlab>=4,<5" >"$log" 2>&1 ||
    { tail -n 30 "$log" >&2; rm -rf "$VENV" "$log"; die "pip could not install notebook 7 and jupyterlab 4 into $VENV"; }
  rm -f "$log"
  venv_ok || die "the venv $VENV lacks notebook 7 / jupyterlab 4 after pip install"
  say "installed $("$VENV/bin/python" -c 'import notebook, jupyterlab; print(f"notebook {notebook.__version__}, jupyterlab {jupyterlab.__version__}")')"
fi

# 3. the tslab kernelspec for both Pythons -----------------------------------------------------------
tslab_spec() { # python → the resource dir of its tslab kernelspec, or nothing
  "$1" -c 'from jupyter_client.kernelspec import KernelSpecManager as K; print(K().get_kernel_spec("tslab").resource_dir)' 2>/dev/null || true
}
register() { # python, extra tslab-install options
  local py="$1"; shift
  local dir; dir="$(tslab_spec "$py")"
  if [ -n "$dir" ]; then say "tslab kernelspec for $py: $dir"; return; fi
  "$TSLAB" install --python="$py" "$@" >/dev/null || die "'tslab install --python=$py $*' failed"
  dir="$(tslab_spec "$py")"
  [ -n "$dir" ] || die "tslab install ran, but $py's Jupyter does not see a tslab kernelspec"
  say "registered the tslab kernel for $py: $dir"
}
register /usr/bin/python3
register "$VENV/bin/python" --sys-prefix
echo "JUPYTER_VENV=$VENV"
