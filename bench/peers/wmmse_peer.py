#!/usr/bin/python3
"""numpy peer of the WMMSE hot paths (bench/wmmse.bench.ts), single-threaded, float64/complex128.

Same work as lib/papers/wmmse: the unfolded forward (WMMSE paper, Alg. 1 / eq. (12): w (5a), u (5b),
A of (6), B, K projected-gradient steps with the projection (13) written as in §VI-A) and classic
WMMSE truncated at L iterations (§III: (5a)-(5c), eigendecomposition of A and bisection on (8) with
the same bracket [0, sqrt(sum Phi / P)], the same stopping rule P - Tr(VV^H) <= powerTol and at most
200 steps). Reads the channels and our WSRs written by the bench, checks that it computes the same
numbers (mean |WSR_ours - WSR_peer|), times each case and prints one JSON object on stdout.

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/wmmse_peer.py <dir with meta.json and h.f64>
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

BISECTION_MAX_STEPS = 200


def matched_filter(h, power):
    """v = a H^H with Tr(V V^H) = P (SVI-A)."""
    norm2 = np.sum(np.abs(h) ** 2, axis=(1, 2))
    a = np.where(norm2 > 0, np.sqrt(power / np.maximum(norm2, 1e-300)), 0.0)
    return h.conj().transpose(0, 2, 1) * a[:, None, None]


def weights_gains(h, v, noise):
    """(5a) w = 1 + SINR, (5b) u = g_ii / (sum_j |g_ij|^2 + sigma^2)."""
    g = h @ v
    total = np.sum(np.abs(g) ** 2, axis=-1) + noise
    d = np.diagonal(g, axis1=1, axis2=2)
    w = total / np.maximum(total - np.abs(d) ** 2, 1e-18)
    return w, d / total


def wsr(h, v, noise, alpha):
    w, _ = weights_gains(h, v, noise)
    return np.sum(alpha * np.log(w), axis=-1) / np.log(2)


def unfolded(h, layers, steps, power, noise, alpha, gamma=1.0):
    """Unfolded WMMSE forward with gamma = 1 everywhere: V after each layer."""
    hh = h.conj().transpose(0, 2, 1)
    sqrt_p = np.sqrt(power)
    v = matched_filter(h, power)
    out = []
    for _ in range(layers):
        w, u = weights_gains(h, v, noise)
        aw = alpha * w
        a = (hh * (aw * np.abs(u) ** 2)[:, None, :]) @ h  # A = H^H diag(a w |u|^2) H  (6)
        b = hh * (aw * u)[:, None, :]  # B = H^H diag(a w u)
        for _ in range(steps):
            v = v - gamma * (2.0 * (a @ v - b))  # (12)
            norm = np.sqrt(np.sum(v.real ** 2 + v.imag ** 2, axis=(1, 2)) + 1e-30)
            v = v * (sqrt_p / (np.maximum(norm - sqrt_p, 0.0) + sqrt_p))[:, None, None]  # (13)
        out.append(v)
    return out


def power_at(lam, phi, mu):
    """sum_j Phi_jj / (lam_j + mu)^2 of (8), inf where lam + mu = 0 < Phi."""
    d = lam + mu[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(phi > 0, np.where(d > 0, phi / (d * d), np.inf), 0.0)
    return np.sum(t, axis=-1)


def classic(h, iterations, power, noise, alpha, power_tol, trace=False):
    """Classic WMMSE truncated at `iterations` (tol = 0): same steps as lib/papers/wmmse/wmmse.ts."""
    hh = h.conj().transpose(0, 2, 1)
    v = matched_filter(h, power)
    traces = [wsr(h, v, noise, alpha)] if trace else []
    for _ in range(iterations):
        w, u = weights_gains(h, v, noise)
        aw = alpha * w
        ca = aw * np.abs(u) ** 2
        a = (hh * ca[:, None, :]) @ h
        bm = (hh * (ca * aw)[:, None, :]) @ h
        rhs = hh * (aw * u)[:, None, :]
        lam, vec = np.linalg.eigh(a)
        lam = np.maximum(lam, 0.0)
        vh = vec.conj().transpose(0, 2, 1)
        phi = np.maximum(np.real(np.einsum("bjp,bpq,bqj->bj", vh, bm, vec)), 0.0)
        need = ~(power_at(lam, phi, np.zeros(len(h))) <= power)
        lo = np.zeros(len(h))
        hi = np.sqrt(np.sum(phi, axis=-1) / power)
        p_hi = power_at(lam, phi, hi)
        active = need.copy()
        for _ in range(BISECTION_MAX_STEPS):
            if not active.any():
                break
            mid = 0.5 * (lo + hi)
            p_mid = power_at(lam, phi, mid)
            down = active & (p_mid > power)
            up = active & ~(p_mid > power)
            lo = np.where(down, mid, lo)
            hi = np.where(up, mid, hi)
            p_hi = np.where(up, p_mid, p_hi)
            active = active & ~(power - p_hi <= power_tol)
        mu = np.where(need, hi, 0.0)
        d = lam + mu[:, None]
        with np.errstate(divide="ignore"):
            f = np.where(d > 0, 1.0 / np.where(d > 0, d, 1.0), 0.0)
        v = vec @ ((vh @ rhs) * f[:, :, None])  # (5c)
        if trace:
            traces.append(wsr(h, v, noise, alpha))
    return v, traces


def median_time(fn, budget=1.5, min_reps=3):
    fn()
    times = []
    stop = time.perf_counter() + budget
    while time.perf_counter() < stop or len(times) < min_reps:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    b, n, m = meta["batch"], meta["users"], meta["antennas"]
    raw = np.fromfile(os.path.join(folder, "h.f64"), dtype="<f8")
    h = (raw[: b * n * m] + 1j * raw[b * n * m:]).reshape(b, n, m)
    p, s2, alpha = meta["power"], meta["noiseVar"], np.array(meta["alpha"], dtype=float)
    k, layers, power_tol = meta["pgdSteps"], meta["layers"], meta["powerTol"]
    l_max = max(layers)
    # verification: the same numbers as ours (per layer / iteration, every channel)
    outs = unfolded(h, l_max, k, p, s2, alpha)
    ours_u = np.array(meta["oursUnfoldedWsr"])
    diff_u = [float(np.mean(np.abs(wsr(h, outs[l], s2, alpha) - ours_u[l]))) for l in range(l_max)]
    _, tr = classic(h, l_max, p, s2, alpha, power_tol, trace=True)
    ours_c = np.array(meta["oursClassicWsr"])
    diff_c = [float(np.mean(np.abs(tr[l] - ours_c[l]))) for l in range(l_max + 1)]
    rows = []
    for L in layers:
        tu = median_time(lambda: unfolded(h, L, k, p, s2, alpha))
        tc = median_time(lambda: classic(h, L, p, s2, alpha, power_tol))
        rows.append({"L": L, "unfolded": b / tu, "classic": b / tc})
    print(json.dumps({
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "threads": 1,
        "rows": rows,
        "meanAbsDiffUnfolded": diff_u,
        "meanAbsDiffClassic": diff_c,
    }))


if __name__ == "__main__":
    main()
