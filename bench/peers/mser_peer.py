#!/usr/bin/python3
"""numpy peer of one MSER GD iteration (bench/mser.bench.ts), single-threaded, float32 and float64.

Same maths as lib/papers/mser (Algorithm 1 of the MSER paper, lib/papers/mser/gd.ts gdIteration), in
the library's layout: h [B, K, N_r, N_t], theta_F [B, N_t, R_t], V [B, R_t, D], theta_U [B, K, R_r, N_r],
W [B, K, R_r, D_k], one symbol block S [D, J] shared by the batch (D = K D_k). With F = exp(j theta_F),
U_k = exp(j theta_U_k), G = stack_k W_k^H U_k H_k [B, D, N_t] and M = G F V [B, D, D]:
  Z = M S, a = Re Z * Re S / rho, c = Im Z * Im S / rho,
  g_Z = -(phi(a) Re S + j phi(c) Im S) / (J rho), g_M = g_Z S^H      (phi: standard normal density)
  g_V = F^H G^H g_M,  g_W_k = U_k H_k F V (g_M)_k^H,  g_U_k = W_k (g_M)_k V^H F^H H_k^H,  g_F = G^H g_M V^H,
  d/dtheta = Im(conj(X) * g_X) for X = U, F                             (lib/papers/mser/gradients.ts)
One iteration: V, W, theta_U, theta_F in that order, X <- X - mu_X g_X, each gradient at the blocks
already updated; then V <- sqrt(P_T/E_s)/||FV||_F V (26) and every combiner column
w_ik <- w_ik/||U_k^H w_ik|| (lib/papers/mser/gd.ts projectState). The objective (the Q-function sum)
is not part of the update and is not computed in the timed forms.

Three timed forms, float32 (complex64) and float64, one thread; the fastest float32 form is the peer's figure:
  'library': a transcription of the library: every block recomputes F, U_k H_k, G, M from the state;
             complex matmuls (numpy's stacked matmul on complex arrays).
  'reuse':   what a numpy programmer would write: each block recomputes only what its predecessor
             changed (G F for V; H_k F V for W and theta_U; U_k H_k and G after theta_U for theta_F),
             and the two KDE products Z = M S and g_M = g_Z S^H are real matmuls of stacked operands
             ([Re M, -Im M; Im M, Re M] [Re S; Im S], and [P; Q] [Re S^T, Im S^T]).
  'reuse+floor': 'reuse' with the exponent -a^2/2 of phi floored at FLOOR = -80, so that no
             float32 subnormal enters exp and the sgemm of g_Z S^H (about 3x faster on the bench's
             data at B = 100; see FLOOR).
Each timed call is one iteration on the whole batch from the same start, inputs already float32 on
the peer's side (best of >= 5 after a warm-up call, ~1 s per form).

Verification: the bench writes h, S, the start state, the settings and the library's state after
1 and after 5 iterations (float32 values, stored as float64). A float64 run of the 'library' form is
the reference: relative errors ||ours - ref||_F / ||ref||_F of every block (V, W, theta_U, theta_F)
after 1 and 5 iterations, and of every block's change from the start, ||d_ours - d_ref|| / ||d_ref||
(at B = 100 the phases move by ~1e-6 rad rms, median 2e-8, per iteration: at or below the float32
spacing of theta ~ 2, 2.4e-7, so that error is large and only reported). The float32 timed forms are checked against the same reference. Also the
reference's mean objective P~ (15) at the start and after 1 and 5 iterations.
Prints one JSON object on stdout.

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/mser_peer.py <dir with meta.json and *.f64>
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import math  # noqa: E402

import numpy as np  # noqa: E402

from peer_common import best_time, run_cases  # noqa: E402

COMPLEX = {np.float32: np.complex64, np.float64: np.complex128}
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
BLOCKS = ("v", "w", "thetaU", "thetaF")
# The 'reuse+floor' form floors the exponent -a^2/2 of the normal density at -80 (phi(a) >= 1.8e-35/sqrt(2 pi)):
# with the bench's margins (median |a| ~ 19), a few % of exp(-a^2/2) are float32 subnormals, which make
# exp and the sgemm of g_Z S^H several times slower. Each floored entry adds < 1e-37 to a sum of J
# terms of g_M, far below float32's resolution of any gradient that moves the state.
FLOOR = -80.0


# ---------------------------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------------------------

def adj(x):
    """Conjugate transpose of the last two axes."""
    return np.conj(np.swapaxes(x, -1, -2))


def analog(theta):
    """exp(j theta) element-wise, in theta's precision."""
    out = np.empty(theta.shape, dtype=COMPLEX[theta.dtype.type])
    out.real = np.cos(theta)
    out.imag = np.sin(theta)
    return out


def phase_grad(x, g):
    """Im(conj(X) * g_X) = Re X Im g - Im X Re g."""
    return x.real * g.imag - x.imag * g.real


def project(st, power_per_symbol):
    """(26) and the combiner normalisation (lib/papers/mser/gd.ts projectState); returns a new state."""
    th_f, v, th_u, w = st["thetaF"], st["v"], st["thetaU"], st["w"]
    fv = analog(th_f) @ v
    p = np.sum(fv.real ** 2 + fv.imag ** 2, axis=(-2, -1))
    f = np.sqrt(power_per_symbol / np.maximum(p, 1e-30)).astype(p.dtype)
    uw = adj(analog(th_u)) @ w  # [B, K, N_r, D_k]
    n = np.sqrt(np.sum(uw.real ** 2 + uw.imag ** 2, axis=-2, keepdims=True))
    return {"thetaF": th_f, "v": v * f[:, None, None], "thetaU": th_u, "w": w / np.maximum(n, 1e-30).astype(n.dtype)}


# ---------------------------------------------------------------------------------------------
# 'library' form (and, in float64, the reference)
# ---------------------------------------------------------------------------------------------

def kde_grad_complex(m, sym):
    """g_M [B, D, D] from M [B, D, D] (complex matmuls), as lib/papers/mser/gradients.ts."""
    b, d, _ = m.shape
    s, sh, j, rho = sym["s"], sym["sH"], sym["j"], sym["rho"]
    z = (m.reshape(b * d, d) @ s).reshape(b, d, j)
    a = z.real * s.real / rho
    c = z.imag * s.imag / rho
    k = -1.0 / (j * rho)
    gz = np.empty(z.shape, dtype=z.dtype)
    gz.real = np.exp(-0.5 * a * a) * (INV_SQRT_2PI * k) * s.real
    gz.imag = np.exp(-0.5 * c * c) * (INV_SQRT_2PI * k) * s.imag
    return (gz.reshape(b * d, j) @ sh).reshape(b, d, d)


def block_grad(h, st, sym, block, dims):
    """The gradient of one block at the state `st`, every product recomputed (lib blockGradient)."""
    b, k, dk, nt = dims["b"], dims["k"], dims["dk"], dims["nt"]
    f = analog(st["thetaF"])
    u = analog(st["thetaU"])
    a = u @ h  # U_k H_k [B, K, R_r, N_t]
    g = (adj(st["w"]) @ a).reshape(b, k * dk, nt)  # G [B, D, N_t]
    gm = kde_grad_complex(g @ (f @ st["v"]), sym)
    if block == "v":
        return adj(f) @ (adj(g) @ gm)
    gm_vh = gm @ adj(st["v"])  # [B, D, R_t]
    if block == "thetaF":
        return phase_grad(f, adj(g) @ gm_vh)
    gg = (gm_vh @ adj(f)).reshape(b, k, dk, nt)  # (g_M V^H F^H)_k
    if block == "w":
        return a @ adj(gg)
    return phase_grad(u, (st["w"] @ gg) @ adj(h))


def iterate_library(h, st, sym, prm):
    cur = dict(st)
    for blk in BLOCKS:
        cur[blk] = cur[blk] - prm["mu"][blk] * block_grad(h, cur, sym, blk, prm["dims"])
    return project(cur, prm["pps"])


# ---------------------------------------------------------------------------------------------
# 'reuse' form
# ---------------------------------------------------------------------------------------------

def kde_grad_real(m, sym, floor=None):
    """g_M from M with the two KDE products as real matmuls of stacked operands; with `floor`, the
    exponent -a^2/2 is floored there (see FLOOR)."""
    b, d, _ = m.shape
    mr = m.reshape(b * d, d)
    lhs = np.empty((2 * b * d, 2 * d), dtype=sym["sr"].dtype)
    lhs[: b * d, :d] = mr.real
    lhs[: b * d, d:] = -mr.imag
    lhs[b * d:, :d] = mr.imag
    lhs[b * d:, d:] = mr.real
    y = lhs @ sym["sStack"]  # [Re Z; Im Z] [2BD, J]
    y *= sym["sSignOverRho"]  # [a; c]: margins (S has entries +-1 per axis)
    np.square(y, out=y)
    y *= -0.5
    if floor is not None:
        np.maximum(y, floor, out=y)
    np.exp(y, out=y)
    y *= sym["sScaled"]  # [phi(a) Re S; phi(c) Im S] * (-1/(J rho))
    q = y @ sym["sHStack"]  # [P; Q] [Re S^T, Im S^T]: [2BD, 2D]
    p_re, p_im = q[: b * d, :d], q[: b * d, d:]
    q_re, q_im = q[b * d:, :d], q[b * d:, d:]
    gm = np.empty((b * d, d), dtype=m.dtype)
    gm.real = p_re + q_im  # (P + jQ)(Re S^T - j Im S^T)
    gm.imag = q_re - p_im
    return gm.reshape(b, d, d)


def iterate_reuse(h, st, sym, prm, floor=None):
    dims, mu = prm["dims"], prm["mu"]
    b, k, dk, nt = dims["b"], dims["k"], dims["dk"], dims["nt"]
    th_f, v, th_u, w = st["thetaF"], st["v"], st["thetaU"], st["w"]
    f = analog(th_f)
    u = analog(th_u)
    # V: M = (G F) V, g_V = (G F)^H g_M
    g = (adj(w) @ (u @ h)).reshape(b, k * dk, nt)
    gf = g @ f  # [B, D, R_t]
    v = v - mu["v"] * (adj(gf) @ kde_grad_real(gf @ v, sym, floor))
    # W: M_k = W_k^H U_k H_k F V, g_W_k = U_k H_k F V (g_M)_k^H
    fv = f @ v  # [B, N_t, D]
    hfv = h @ fv[:, None]  # H_k F V [B, K, N_r, D]
    afv = u @ hfv  # [B, K, R_r, D]
    gm = kde_grad_real((adj(w) @ afv).reshape(b, k * dk, k * dk), sym, floor).reshape(b, k, dk, k * dk)
    w = w - mu["w"] * (afv @ adj(gm))
    # theta_U: g_U_k = W_k (g_M)_k (H_k F V)^H
    gm = kde_grad_real((adj(w) @ afv).reshape(b, k * dk, k * dk), sym, floor).reshape(b, k, dk, k * dk)
    th_u = th_u - mu["thetaU"] * phase_grad(u, (w @ gm) @ adj(hfv))
    u = analog(th_u)
    # theta_F: g_F = G^H g_M V^H with G after theta_U
    g = (adj(w) @ (u @ h)).reshape(b, k * dk, nt)
    gm = kde_grad_real(g @ fv, sym, floor)
    th_f = th_f - mu["thetaF"] * phase_grad(f, adj(g) @ (gm @ adj(v)))
    return project({"thetaF": th_f, "v": v, "thetaU": th_u, "w": w}, prm["pps"])


# ---------------------------------------------------------------------------------------------
# objective (reference only)
# ---------------------------------------------------------------------------------------------

_ERFC = np.frompyfunc(math.erfc, 1, 1)


def objective(h, st, sym, dims):
    """Mean over the batch of P~ (15): sum over streams of (1/J) sum_j Q(a) + Q(c), float64."""
    b, k, dk, nt = dims["b"], dims["k"], dims["dk"], dims["nt"]
    g = (adj(st["w"]) @ (analog(st["thetaU"]) @ h)).reshape(b, k * dk, nt)
    m = g @ (analog(st["thetaF"]) @ st["v"])
    z = (m.reshape(b * k * dk, k * dk) @ sym["s"]).reshape(b, k * dk, sym["j"])
    a = z.real * sym["s"].real / sym["rho"]
    c = z.imag * sym["s"].imag / sym["rho"]
    q = 0.5 * (_ERFC(a * math.sqrt(0.5)).astype(np.float64) + _ERFC(c * math.sqrt(0.5)).astype(np.float64))
    return float(np.mean(np.sum(q, axis=(1, 2)) / sym["j"]))


# ---------------------------------------------------------------------------------------------
# I/O, timing, checks
# ---------------------------------------------------------------------------------------------

def load_raw(folder, name):
    return np.fromfile(os.path.join(folder, name), dtype="<f8")


def load_complex(folder, name, shape):
    raw = load_raw(folder, name)
    half = raw.size // 2
    return (raw[:half] + 1j * raw[half:]).reshape(shape)


def load_state(folder, name, shapes):
    """thetaF, then Re V, Im V, then thetaU, then Re W, Im W (the bench's order)."""
    raw = load_raw(folder, name)
    out, off = {}, 0

    def take(shape):
        nonlocal off
        n = int(np.prod(shape))
        x = raw[off:off + n].reshape(shape)
        off += n
        return x

    out["thetaF"] = take(shapes["thetaF"])
    out["v"] = take(shapes["v"]) + 1j * take(shapes["v"])
    out["thetaU"] = take(shapes["thetaU"])
    out["w"] = take(shapes["w"]) + 1j * take(shapes["w"])
    assert off == raw.size, (name, off, raw.size)
    return out


def rel(a, b):
    den = np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / den) if den > 0 else float(np.linalg.norm(a - b))


def compare(ours, ref, start):
    """Relative errors of every block of the state, and of every block's change from the start."""
    return {
        "state": {blk: rel(ours[blk], ref[blk]) for blk in BLOCKS},
        "change": {blk: rel(ours[blk] - start[blk], ref[blk] - start[blk]) for blk in BLOCKS},
    }


def make_symbols(s, rho, dtype):
    """The symbol block and its derived operands in `dtype` (float32 or float64)."""
    cd = COMPLEX[dtype]
    s = s.astype(cd)
    sr, si = s.real.copy(), s.imag.copy()
    j = s.shape[1]
    rho = dtype(rho)
    k = dtype(-INV_SQRT_2PI / (j * float(rho)))
    return {
        "s": s, "sH": np.ascontiguousarray(adj(s)), "j": j, "rho": rho, "sr": sr,
        "sStack": np.ascontiguousarray(np.concatenate([sr, si], axis=0)),  # [2D, J]
        "sSignOverRho": np.concatenate([sr, si], axis=0) / rho,  # [2D, J], tiled over the batch by tile_for_batch
        "sScaled": np.concatenate([sr, si], axis=0) * k,
        "sHStack": np.ascontiguousarray(np.concatenate([sr.T, si.T], axis=1)),  # [J, 2D]
    }


def tile_for_batch(sym, b):
    """The element-wise operands of kde_grad_real tiled to [2BD, J] (Re rows of every channel, then Im rows)."""
    out = dict(sym)
    d = sym["sr"].shape[0]
    for key in ("sSignOverRho", "sScaled"):
        x = sym[key]
        out[key] = np.ascontiguousarray(np.concatenate([np.tile(x[:d], (b, 1)), np.tile(x[d:], (b, 1))], axis=0))
    return out


def cast_state(st, dtype):
    cd = COMPLEX[dtype]
    return {"thetaF": st["thetaF"].astype(dtype), "v": st["v"].astype(cd), "thetaU": st["thetaU"].astype(dtype), "w": st["w"].astype(cd)}


def run_case(folder, meta, name):
    c = meta["cases"][name]
    b = c["batch"]
    sysm = meta["system"]
    k, nr, nt, rt, rr, dk = sysm["users"], sysm["rxAntennas"], sysm["txAntennas"], sysm["txRf"], sysm["rxRf"], sysm["streams"]
    d = k * dk
    shapes = {"thetaF": (b, nt, rt), "v": (b, rt, d), "thetaU": (b, k, rr, nr), "w": (b, k, rr, dk)}
    h = load_complex(folder, c["prefix"] + "h.f64", (b, k, nr, nt))
    s = load_complex(folder, c["prefix"] + "s.f64", (d, meta["count"]))
    start = load_state(folder, c["prefix"] + "start.f64", shapes)
    ours = {t: load_state(folder, f"{c['prefix']}after{t}.f64", shapes) for t in meta["iterations"]}
    prm = {
        "mu": meta["steps"], "pps": meta["power"] / meta["symbolEnergy"],
        "dims": {"b": b, "k": k, "dk": dk, "nt": nt},
    }
    # float64 reference: the library's form
    sym64 = make_symbols(s, meta["rho"], np.float64)
    ref, st = {}, start
    objective_ref = {"0": objective(h, start, sym64, prm["dims"])}
    for t in range(1, max(meta["iterations"]) + 1):
        st = iterate_library(h, st, sym64, prm)
        if t in meta["iterations"]:
            ref[t] = st
            objective_ref[str(t)] = objective(h, st, sym64, prm["dims"])
    check = {str(t): compare(ours[t], ref[t], start) for t in meta["iterations"]}
    # the reuse form in float64 must be the same iteration
    st64 = iterate_reuse(h, start, tile_for_batch(sym64, b), prm)
    reuse64 = compare(st64, ref[1], start)["state"]
    # timed forms
    rows = []
    for dt in (np.float32, np.float64):
        cd = COMPLEX[dt]
        hd = h.astype(cd)
        sd = make_symbols(s, meta["rho"], dt)
        sdt = tile_for_batch(sd, b)
        std = cast_state(start, dt)
        prm_d = dict(prm, mu={blk: dt(v) for blk, v in prm["mu"].items()}, pps=dt(prm["pps"]))
        fns = {
            "library": lambda: iterate_library(hd, std, sd, prm_d),
            "reuse": lambda: iterate_reuse(hd, std, sdt, prm_d),
            "reuse+floor": lambda: iterate_reuse(hd, std, sdt, prm_d, FLOOR),
        }
        forms = {}
        for form, fn in fns.items():
            out = fn()
            assert out["v"].dtype == cd and out["thetaF"].dtype == dt, (form, out["v"].dtype, out["thetaF"].dtype)
            sec = best_time(fn, budget=meta["budget"])
            err = compare(out, ref[1], start)["state"]
            forms[form] = {"seconds": sec, "relErr": err}
        best = min(forms, key=lambda f: forms[f]["seconds"])
        rows.append({"dtype": np.dtype(dt).name, "best": best, "seconds": forms[best]["seconds"], "forms": forms})
    return {"batch": b, "check": check, "reuseFloat64RelErr": reuse64, "objective": objective_ref, "rows": rows}


if __name__ == "__main__":
    run_cases(run_case)
