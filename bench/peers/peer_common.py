"""What the numpy peers of bench/ share: best-of timing, relative errors, tfjs's Adam, per-parameter
gradient errors and the JSON report of case-based peers. Each peer pins BLAS to one thread before it
imports numpy (and this module)."""
import json
import math
import os
import sys
import time

import numpy as np


def best_time(fn, min_reps=5, budget=1.0):
    """Best (minimum) seconds of fn over >= min_reps calls and ~budget s, after one warm-up call."""
    fn()
    times = []
    stop = time.perf_counter() + budget
    while len(times) < min_reps or time.perf_counter() < stop:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def rel_err(a, b):
    """‖a − b‖/‖b‖ in float64 (0 when both are 0, inf when only b is)."""
    nb = float(np.linalg.norm(b))
    d = float(np.linalg.norm(np.asarray(a, dtype=np.float64) - b))
    if nb == 0:
        return 0.0 if d == 0 else math.inf
    return d / nb


def load_params(folder, file, params):
    """The parameters [{name, shape}] the bench wrote, in order, as float64 arrays from one file."""
    raw = np.fromfile(os.path.join(folder, file), dtype="<f8")
    out, off = {}, 0
    for p in params:
        n = int(np.prod(p["shape"]))
        out[p["name"]] = raw[off:off + n].reshape(p["shape"])
        off += n
    assert off == raw.size, (file, off, raw.size)
    return out


def grad_errs(ours, ref, names):
    """Relative errors in norm per parameter and over all."""
    flat_o = np.concatenate([np.asarray(ours[n], dtype=np.float64).ravel() for n in names])
    flat_r = np.concatenate([ref[n].ravel() for n in names])
    per = {n: rel_err(ours[n], ref[n]) for n in names}
    worst = max(per, key=lambda n: per[n])
    return {"max": per[worst], "worst": worst, "global": rel_err(flat_o, flat_r), "perParam": per}


class Adam:
    """tfjs's Adam: m, v moments; w -= lr m_hat / (sqrt(v_hat) + eps)."""

    def __init__(self, W, names, lr, beta1=0.9, beta2=0.999, eps=1e-7):
        self.names, self.lr, self.b1, self.b2, self.eps = names, lr, beta1, beta2, eps
        self.m = {n: np.zeros_like(W[n]) for n in names}
        self.v = {n: np.zeros_like(W[n]) for n in names}
        self.acc1, self.acc2 = beta1, beta2

    def step(self, W, grads):
        c1, c2 = 1 - self.acc1, 1 - self.acc2
        for n in self.names:
            g, m, v = grads[n], self.m[n], self.v[n]
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            W[n] -= (self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)).astype(W[n].dtype)
        self.acc1 *= self.b1
        self.acc2 *= self.b2


def run_cases(run_case):
    """main() of a case-based peer: meta.json of the folder in argv[1] names the cases; prints the JSON report."""
    folder = sys.argv[1]
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    cases = {name: run_case(folder, meta, name) for name in meta["cases"]}
    print(json.dumps({"numpy": np.__version__, "python": sys.version.split()[0], "threads": 1, "cases": cases}))
