#!/usr/bin/python3
"""numpy peer of C2PO (bench/c2po.bench.ts), single-threaded, float32 and float64.

Same maths as lib/papers/c2po/c2po.ts (NNO-C2PO paper, Algorithm 1): x(0) = H^H s, then t_max times
z = x - tau A^H A x with A^H A x = H^H (Hx - s (s^H H x)/||s||^2) (A^H A never formed: two products
with H per step), x = clip(rho z, -xi, xi) per real dimension, and finally x_Q = xi sign(x) per real
dimension with sign(0) = +1. Both layouts, vectorised as numpy does them best:
  perSample: h [n, U, B], s [n, U]: batched matmul (numpy's stacked matmul, one BLAS call per matrix);
  shared:    h [U, B], s [U, T] as columns: one big matmul per product for the whole block.
Each is timed in two forms, 'complex' (complex64/complex128 arithmetic, the clip on the float view of
the complex array) and 'real' (the real embedding E = [[Re H, -Im H], [Im H, Re H]] of the library),
each in float32 and float64; the timed call starts from complex h, s of that precision and includes
the preparation (embedding, ||s||^2, H^H), x(0) and the quantisation, as c2po() does. The clip is
np.maximum/np.minimum in place (np.clip is several times slower in numpy 1.x).

Verification: the library's x(t_max) and x_Q for the same inputs (written by the bench) against a
float64 reference: fraction of equal signs of x_Q and relative error ||x_ours - x_ref|| / ||x_ref||;
every timed form is also checked against the reference, so none is fast by being wrong.
Prints one JSON object on stdout.

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/c2po_peer.py <dir with meta.json and *.f64>
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"


import numpy as np  # noqa: E402

from peer_common import best_time, rel_err, run_cases  # noqa: E402

COMPLEX = {np.float32: np.complex64, np.float64: np.complex128}


def safe_inv(n2):
    """1/||s||^2, 0 where s = 0 (the library's safeDiv)."""
    return np.where(n2 > 0, 1.0 / np.where(n2 > 0, n2, 1.0), 0.0).astype(n2.dtype)


def clip_(v, xi):
    """clip(v, -xi, xi) in place on a real array (np.maximum/np.minimum: the fast path)."""
    np.maximum(v, -xi, out=v)
    np.minimum(v, xi, out=v)
    return v


def quantize(v, xi):
    """xi sign(v) per real entry, sign(0) = +1."""
    return np.where(v >= 0, xi, -xi).astype(v.dtype)


def embed(h):
    """E = [[Re H, -Im H], [Im H, Re H]] on the last two axes: [..., 2U, 2B]."""
    top = np.concatenate([h.real, -h.imag], axis=-1)
    bottom = np.concatenate([h.imag, h.real], axis=-1)
    return np.concatenate([top, bottom], axis=-2)


def per_sample_complex(h, s, iters, tau, rho, xi):
    """h [n, U, B], s [n, U] complex -> x [n, B] complex, x_Q as the float view [n, 2B] (Re, Im interleaved)."""
    hh = h.conj().transpose(0, 2, 1)
    sc = s[:, :, None]
    sh = s.conj()[:, None, :]  # s^H: [n, 1, U]
    ss = sc * safe_inv(np.sum(s.real ** 2 + s.imag ** 2, axis=-1))[:, None, None]
    x = hh @ sc  # x(0) = H^H s: [n, B, 1]
    for t in range(iters):
        y = h @ x  # Hx
        y -= ss * (sh @ y)  # P y = y - s (s^H y)/||s||^2
        g = hh @ y  # A^H A x
        x *= rho[t]
        g *= rho[t] * tau[t]
        x -= g
        clip_(x.view(x.real.dtype), xi)
    x = x[:, :, 0]
    return x, quantize(x.view(x.real.dtype), xi)


def per_sample_real(h, s, iters, tau, rho, xi):
    """The library's form: E [n, 2U, 2B], columns [Re s; Im s] -> x [n, 2B] real ([Re x; Im x])."""
    e = embed(h)
    et = e.transpose(0, 2, 1)
    sr = np.concatenate([s.real, s.imag], axis=-1)[:, :, None]
    js = np.concatenate([-s.imag, s.real], axis=-1)[:, :, None]
    inv = safe_inv(np.sum(sr * sr, axis=-2, keepdims=True))
    ss, jss = sr * inv, js * inv
    x = et @ sr
    for t in range(iters):
        y = e @ x
        a = np.sum(sr * y, axis=-2, keepdims=True)  # Re(s^H y)
        b = np.sum(js * y, axis=-2, keepdims=True)  # Im(s^H y)
        y -= ss * a
        y -= jss * b
        g = et @ y
        x *= rho[t]
        g *= rho[t] * tau[t]
        x -= g
        clip_(x, xi)
    x = x[:, :, 0]
    return x, quantize(x, xi)


def shared_complex(h, s, iters, tau, rho, xi):
    """h [U, B], s [U, T] complex -> x [B, T] complex, x_Q as the float view [B, 2T]."""
    hh = np.ascontiguousarray(h.conj().T)
    sh = s.conj()
    ss = s * safe_inv(np.sum(s.real ** 2 + s.imag ** 2, axis=0))[None, :]
    x = hh @ s
    for t in range(iters):
        y = h @ x
        y -= ss * np.sum(sh * y, axis=0)
        g = hh @ y
        x *= rho[t]
        g *= rho[t] * tau[t]
        x -= g
        clip_(x.view(x.real.dtype), xi)
    return x, quantize(x.view(x.real.dtype), xi)


def shared_real(h, s, iters, tau, rho, xi):
    """The library's form: E [2U, 2B], columns [2U, T] -> x [2B, T] real."""
    e = embed(h)
    et = np.ascontiguousarray(e.T)
    sr = np.concatenate([s.real, s.imag], axis=0)
    js = np.concatenate([-s.imag, s.real], axis=0)
    inv = safe_inv(np.sum(sr * sr, axis=0, keepdims=True))
    ss, jss = sr * inv, js * inv
    x = et @ sr
    for t in range(iters):
        y = e @ x
        a = np.einsum("ut,ut->t", sr, y)
        b = np.einsum("ut,ut->t", js, y)
        y -= ss * a
        y -= jss * b
        g = et @ y
        x *= rho[t]
        g *= rho[t] * tau[t]
        x -= g
        clip_(x, xi)
    return x, quantize(x, xi)


FORMS = {
    "perSample": {"complex": per_sample_complex, "real": per_sample_real},
    "shared": {"complex": shared_complex, "real": shared_real},
}


def as_columns(layout, form, x):
    """Any form's x (complex or real embedding) as real [Re; Im] in the library's order: perSample
    [n, 2B] (Re block, Im block), shared [2B, T]."""
    if form == "complex":
        axis = -1 if layout == "perSample" else 0
        return np.concatenate([x.real, x.imag], axis=axis)
    return x


def load(folder, name, shape):
    raw = np.fromfile(os.path.join(folder, name), dtype="<f8")
    half = raw.size // 2
    return (raw[:half] + 1j * raw[half:]).reshape(shape)


def sign_agreement(a, b):
    return float(np.mean((a >= 0) == (b >= 0)))


def run_case(folder, meta, case):
    c = meta["cases"][case]
    u, b = meta["users"], meta["antennas"]
    iters, xi = meta["iterations"], meta["xi"]
    tau = [meta["tau"]] * iters
    rho = [meta["rho"]] * iters
    h = load(folder, c["prefix"] + "h.f64", c["hShape"])
    s = load(folder, c["prefix"] + "s.f64", c["sShape"])
    ours_x = as_columns(case, "complex", load(folder, c["prefix"] + "x.f64", c["xShape"]))
    ours_xq = as_columns(case, "complex", load(folder, c["prefix"] + "xq.f64", c["xShape"]))
    ref_x, _ = FORMS[case]["real"](h, s, iters, tau, rho, xi)  # float64 reference
    check = {
        "xqSignAgreement": sign_agreement(ours_xq, ref_x),
        "xRelErr": rel_err(ours_x, ref_x),
        "clippedFraction": float(np.mean(np.abs(ref_x) >= xi * (1 - 1e-12))),
    }
    rows = []
    for dt in (np.float32, np.float64):
        hd, sd = h.astype(COMPLEX[dt]), s.astype(COMPLEX[dt])
        forms = {}
        for form, fn in FORMS[case].items():
            x, _ = fn(hd, sd, iters, tau, rho, xi)
            x = as_columns(case, form, x)
            assert x.shape == ref_x.shape, (case, form, x.shape, ref_x.shape)
            sec = best_time(lambda: fn(hd, sd, iters, tau, rho, xi))
            forms[form] = {"rate": c["count"] / sec, "signAgreement": sign_agreement(x, ref_x), "xRelErr": rel_err(x, ref_x)}
        best = max(forms, key=lambda f: forms[f]["rate"])
        rows.append({"dtype": np.dtype(dt).name, "best": best, "rate": forms[best]["rate"], "forms": forms})
    return {"check": check, "rows": rows}


if __name__ == "__main__":
    run_cases(run_case)
