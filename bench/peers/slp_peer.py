#!/usr/bin/python3
"""numpy peer of SLP-DNet (bench/slp.bench.ts), single-threaded, float32.

The same network as lib/papers/slp/network.ts (variant 'full', PReLU), in its layout: Ã [B, J, N]
(J = 2K constraints, N = 2M), the input map x [B, N, K, 1] (channels last), u⁰ [B, N]. Per
interior-point layer l = 0..L-1 (primal-dual Newton step, one step length for s and λ):
  PUM:  z = conv3x3_same(x) (1 -> 20 channels, bias), f = softplus(z) flattened (row, col, channel),
        o = f W + b [B, 2], σ = sigmoid(o0 + centering_l), γ = sigmoid(o1 + stepLogit_l);
  μ = mean_j λ_j s_j, r_c = λ∘s − σμ, r_d = 2u + Ãᵀλ, H = 2I + Ãᵀ diag(λ/s) Ã,
  du = H⁻¹(−r_d + Ãᵀ(r_c/s)) (ours: Jacobi-scaled before tfjs's unpivoted inverse; here LAPACK's solve), ds = −Ã du, dλ = (−r_c − λ∘ds)/s,
  rate = max(max_j relu(−ds)/s, max_j relu(−dλ)/λ), α = γ·0.99/max(rate, 0.99),
  u += α du, s = max(s + α ds, 1e-30), λ = max(λ + α dλ, 1e-30);
starting from u = u⁰(1 + δ)/2, s = δ, λ = λ⁰. Then the APM: conv3x3 (1 -> 16) -> batch norm ->
PReLU -> conv3x3 (16 -> 8) -> batch norm (those two convolutions without bias) -> PReLU -> conv3x3 (8 -> 2), mean over the N rows ->
[B, K, 2] = [B, J] log-corrections c, λ ← λ·exp(clip(c, −10, 10)); eq. (10) w = −½Ãᵀλ, the dual
g(λ) = Σλ − ‖w‖². Batch norm: running statistics in inference, batch statistics (biased variance)
in training, with the running update (momentum 0.1, unbiased variance) that tfjs makes.
The loss (lib/papers/slp/training.ts slpLoss): the mean of log(1 + relative duality gap),
mean_B log(1 + (‖u⁽ᴸ⁾‖² − g(λ))/max(‖u⁽ᴸ⁾‖², 1e-12)) + μ/L Σ‖θ‖² over every trainable parameter. Its
gradient w.r.t. every trainable parameter is written by hand (reverse mode through the L Newton layers: H⁻¹ by a second solve, the step length's max and
maximum as tfjs routes them: to every tied maximum, to the first argument on equality), then one
Adam step (tfjs's: bias-corrected moments, eps added to sqrt(v)). Convolutions are one BLAS product
each: of the 9 shifted views of the 1-channel input map (im2col, shared by the PUM convolutions and
the APM's first), or, for the many-channel APM inputs, 9 products of the input with each tap's
kernel added shifted (their backward: the views of the output gradient); all else is
vectorised over the batch (loops only over the L layers, the 9 taps and the parameters).

Verification: the bench writes the parameters, both batches and its own outputs: the inference
forward on the forward batch; the training-mode λ, loss and gradients on the training batch without
its near-singular channels (‖Ã‖_F > maxFrobenius; the thresholded check) and on the whole of it
(reported: float32 cannot reproduce the mean relative gap a few near-singular channels dominate);
the parameters after one Adam step. A float64 run of this file's code is the reference for tfjs
(float32) and for this peer's timed float32 form. The float64 backward pass itself is checked
against central finite differences on a few instances of the training batch. Timed (best of >= 5
after a warm-up call):
  forward: inference forward for B_f instances (w, λ, g, u), in blocks of 250 instances;
  train:   training forward + loss + backward + running-statistics update + one Adam update, B_t
           (the whole training batch, as the bench times it).
Prints one JSON object on stdout.

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/slp_peer.py <dir with meta.json and *.f64>
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

from peer_common import Adam, best_time, grad_errs, load_params, rel_err  # noqa: E402

STEP_FRACTION = 0.99  # fraction to the boundary
FLOOR = 1e-30  # floor of s and λ
CLIP = 10.0  # bound of the APM's log-correction


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------

def mv(a, v):
    """Ã v: a [B, J, N], v [B, N] -> [B, J]."""
    return np.matmul(a, v[:, :, None])[:, :, 0]


def mtv(at, v):
    """Ãᵀ v: at [B, N, J], v [B, J] -> [B, N]."""
    return np.matmul(at, v[:, :, None])[:, :, 0]


def softplus(z):
    out = np.abs(z)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(z, 0)
    return out


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def relu(z):
    return np.maximum(z, 0)


def im2col(x):
    """x [B, H, W, C] -> the 3x3 'same' (one zero each side) views [B·H·W, 9·C], (tap row, tap col, channel) order."""
    b, h, w, c = x.shape
    xp = np.zeros((b, h + 2, w + 2, c), x.dtype)
    xp[:, 1:-1, 1:-1] = x
    cols = np.empty((b, h, w, 9, c), x.dtype)
    for t in range(3):
        for u in range(3):
            cols[:, :, :, 3 * t + u] = xp[:, t:t + h, u:u + w]
    return cols.reshape(b * h * w, 9 * c)


def conv(cols, kernel, bias):
    """3x3 'same' convolution from the views: [B·H·W, 9·Cin] @ [9·Cin, Cout] + bias (the 1-channel input)."""
    y = cols @ kernel.reshape(-1, kernel.shape[-1])
    if bias is not None:
        y += bias
    return y


def conv_wide(x, kernel, bias):
    """3x3 'same' convolution of a many-channel x [B, H, W, C] (the APM's second and third): per tap
    one product z = x @ K[t, u] (no 9·C-wide views), added shifted: y[b, i, j] += z[b, i + t − 1,
    j + u − 1] (zeros outside). Returns [B·H·W, Cout]."""
    b, h, w, c = x.shape
    o = kernel.shape[-1]
    xf = x.reshape(-1, c)
    y = (xf @ kernel[1, 1]).reshape(b, h, w, o)
    if bias is not None:
        y += bias
    for t in range(3):
        for u in range(3):
            if t == 1 and u == 1:
                continue
            di, dj = t - 1, u - 1
            z = (xf @ kernel[t, u]).reshape(b, h, w, o)
            y[:, max(0, -di):h - max(0, di), max(0, -dj):w - max(0, dj)] += \
                z[:, max(0, di):h - max(0, -di), max(0, dj):w - max(0, -dj)]
    return y.reshape(-1, o)


def conv_wide_backward(gy, x, kernel):
    """Gradients of conv_wide w.r.t. its kernel, bias and input, from the views of the output's
    gradient gy [B, H, W, Cout] (taps reversed): gK[t, u] = Σ x[p]ᵀ gy[p − (t − 1, u − 1)],
    gx[p] = Σ_taps gy[p − (t − 1, u − 1)] K[t, u]ᵀ."""
    b, h, w, c = x.shape
    o = kernel.shape[-1]
    g9 = im2col(gy)  # [n, 9·Cout], tap' = 8 − tap
    gk = (x.reshape(-1, c).T @ g9).reshape(c, 9, o)[:, ::-1].transpose(1, 0, 2).reshape(kernel.shape)
    gx = g9 @ kernel.reshape(9, c, o)[::-1].transpose(0, 2, 1).reshape(9 * o, c)
    return gk, gy.reshape(-1, o).sum(axis=0), gx


def bn_forward(h, gamma, beta, rm, rv, eps, training):
    """Batch norm over the rows of h [n, C]; returns y and what backward and the running update need."""
    if training:
        m = h.mean(axis=0)
        xc = h - m
        v = np.einsum("nc,nc->c", xc, xc) / h.dtype.type(h.shape[0])
    else:
        m, v = rm, rv
        xc = h - m
    inv = 1 / np.sqrt(v + h.dtype.type(eps))
    xhat = xc
    xhat *= inv
    y = xhat * gamma
    y += beta
    return y, (xhat, inv, m, v)


def bn_backward(gy, gamma, cache):
    """Training-mode batch norm: gradients w.r.t. its input, γ and β."""
    xhat, inv, _, _ = cache
    n = gy.shape[0]
    g_gamma = np.einsum("nc,nc->c", gy, xhat)
    g_beta = gy.sum(axis=0)
    gx = gy * gamma
    gx -= (g_beta * gamma) / gy.dtype.type(n)
    gx -= xhat * ((g_gamma * gamma) / gy.dtype.type(n))
    gx *= inv
    return gx, g_gamma, g_beta


def prelu(y, alpha):
    return np.maximum(y, 0) + alpha * np.minimum(y, 0)


def prelu_backward(ga, y, alpha):
    neg = np.minimum(y, 0)
    g_alpha = np.einsum("nc,nc->c", ga, neg)
    gy = np.where(y > 0, ga, ga * alpha)
    return gy, g_alpha


# ---------------------------------------------------------------------------------------------
# the network
# ---------------------------------------------------------------------------------------------

class Cfg:
    def __init__(self, meta):
        self.K = meta["users"]
        self.M = meta["antennas"]
        self.L = meta["layers"]
        self.pum = meta["pumChannels"]
        self.apm = meta["apmChannels"]
        self.lam0 = meta["lambdaStart"]
        self.delta = meta["startSlack"]
        self.eps = meta["bnEpsilon"]
        self.momentum = meta["bnMomentum"]


def forward(P, cfg, a, x, u0, training=False, keep=False):
    """Outputs {w, lambda, dual, primal} and (with keep) the caches for backward."""
    dt = a.dtype.type
    b, j, n = a.shape
    at = np.ascontiguousarray(a.transpose(0, 2, 1))
    cx = im2col(x)  # [B·N·K, 9], shared by the PUM convolutions and the APM's first
    eye2 = 2 * np.eye(n, dtype=a.dtype)
    u = u0 * dt((1 + cfg.delta) / 2)
    s = np.full((b, j), cfg.delta, a.dtype)
    lam = np.full((b, j), cfg.lam0, a.dtype)
    layers = []
    for l in range(cfg.L):
        f = softplus(conv(cx, P[f"pum{l}/conv/kernel"], P[f"pum{l}/conv/bias"])).reshape(b, -1)
        o = f @ P[f"pum{l}/fc/kernel"] + P[f"pum{l}/fc/bias"]
        sigma = sigmoid(o[:, 0] + P["pum/centering"][l])
        gamma = sigmoid(o[:, 1] + P["pum/stepLogit"][l])
        p = lam * s
        mu = p.mean(axis=1)
        rc = p - (sigma * mu)[:, None]
        rd = 2 * u + mtv(at, lam)
        dg = lam / s
        hess = np.matmul(at, a * dg[:, :, None])
        hess += eye2
        q = rc / s
        rhs = mtv(at, q) - rd
        du = np.linalg.solve(hess, rhs[:, :, None])[:, :, 0]
        ds = -mv(a, du)
        dl = (-rc - lam * ds) / s
        rs_all = relu(-ds) / s
        rl_all = relu(-dl) / lam
        rs = rs_all.max(axis=1)
        rl = rl_all.max(axis=1)
        rate = np.maximum(rs, rl)
        m = np.maximum(rate, dt(STEP_FRACTION))
        alpha = gamma * dt(STEP_FRACTION) / m
        s_pre = s + alpha[:, None] * ds
        l_pre = lam + alpha[:, None] * dl
        if keep:
            layers.append(dict(u=u, s=s, lam=lam, f=f, sigma=sigma, gamma=gamma, mu=mu, rc=rc, dg=dg, hess=hess,
                               q=q, du=du, ds=ds, dl=dl, rs_all=rs_all, rl_all=rl_all, rs=rs, rl=rl, rate=rate, m=m,
                               alpha=alpha, s_pre=s_pre, l_pre=l_pre))
        u = u + alpha[:, None] * du
        s = np.maximum(s_pre, dt(FLOOR))
        lam = np.maximum(l_pre, dt(FLOOR))
    # APM
    shp = (b, n, cfg.K)
    c1, c2 = cfg.apm
    h1 = conv(cx, P["apm/conv1/kernel"], None)
    y1, bn1 = bn_forward(h1, P["apm/bn1/gamma"], P["apm/bn1/beta"], P["apm/bn1/runningMean"], P["apm/bn1/runningVar"], cfg.eps, training)
    a1 = prelu(y1, P["apm/act1/alpha"]).reshape(shp + (c1,))
    h2 = conv_wide(a1, P["apm/conv2/kernel"], None)
    y2, bn2 = bn_forward(h2, P["apm/bn2/gamma"], P["apm/bn2/beta"], P["apm/bn2/runningMean"], P["apm/bn2/runningVar"], cfg.eps, training)
    a2 = prelu(y2, P["apm/act2/alpha"]).reshape(shp + (c2,))
    h3 = conv_wide(a2, P["apm/conv3/kernel"], P["apm/conv3/bias"])
    corr = h3.reshape(shp + (2,)).mean(axis=1).reshape(b, j)
    e = np.exp(np.clip(corr, -CLIP, CLIP))
    lf = lam * e
    w = dt(-0.5) * mtv(at, lf)
    dual = lf.sum(axis=1) - np.einsum("bn,bn->b", w, w)
    out = dict(w=w, **{"lambda": lf}, dual=dual, primal=u)
    cache = None
    if keep:
        cache = dict(a=a, at=at, cx=cx, layers=layers, lam=lam, e=e, corr=corr, lf=lf, a1=a1, a2=a2,
                     y1=y1, y2=y2, bn1=bn1, bn2=bn2, n_bn=h1.shape[0])
    return out, cache


PU_FLOOR = 1e-12  # floor of ‖u‖² in the relative gap


def forward_blocks(P, cfg, a, x, u0, block=250):
    """The inference forward in blocks of `block` instances (cache-sized arrays: ~1.5x faster than one
    block of 2000 here; exact, inference treats every instance alone)."""
    outs = [forward(P, cfg, a[i:i + block], x[i:i + block], u0[i:i + block])[0] for i in range(0, a.shape[0], block)]
    return {k: np.concatenate([o[k] for o in outs]) for k in outs[0]}


def loss_of(P, cfg, trainable, out, wd):
    """mean_B log(1 + (‖u‖² − g(λ))/max(‖u‖², 1e-12)) + μ/L Σ‖θ‖²."""
    u = out["primal"]
    pu = np.einsum("bn,bn->b", u, u)
    rel = (pu - out["dual"]) / np.maximum(pu, u.dtype.type(PU_FLOOR))
    reg = sum(float(np.sum(P[k].astype(np.float64) ** 2)) for k in trainable)
    return float(np.mean(np.log1p(rel))) + wd / cfg.L * reg


def backward(P, cfg, trainable, out, cache, wd):
    """Gradients of the loss w.r.t. every trainable parameter (the hand-written reverse pass)."""
    G = {}
    a, at = cache["a"], cache["at"]
    dt = a.dtype.type
    b, j, n = a.shape
    K = cfg.K
    # loss = mean_B log(1 + r), r = (p − g)/max(p, floor), p = ‖u‖², g = Σλ − ‖w‖²
    u, w, lf = out["primal"], out["w"], out["lambda"]
    pu = np.einsum("bn,bn->b", u, u)
    den = np.maximum(pu, dt(PU_FLOOR))
    rel = (pu - out["dual"]) / den
    glog = 1 / ((1 + rel) * dt(b))  # d log(1 + r)/dr, with the mean's 1/B
    gpu = glog * (1 / den - rel / den * (pu >= dt(PU_FLOOR)))  # tfjs's maximum: to p on equality
    gdual = -glog / den
    gu = 2 * u * gpu[:, None]
    gw = -2 * w * gdual[:, None]
    glf = gdual[:, None] + dt(-0.5) * mv(a, gw)
    # λ_f = λ_L exp(clip(corr))
    gl = glf * cache["e"]
    corr = cache["corr"]
    gcorr = glf * lf * ((corr >= -CLIP) & (corr <= CLIP))
    # APM backward: corr = mean over the N rows of h3 [B, N, K, 2]
    gh3 = np.broadcast_to((gcorr.reshape(b, 1, K, 2) / dt(n)), (b, n, K, 2))
    c1, c2 = cfg.apm
    G["apm/conv3/kernel"], G["apm/conv3/bias"], ga2 = conv_wide_backward(gh3, cache["a2"], P["apm/conv3/kernel"])
    gy2, G["apm/act2/alpha"] = prelu_backward(ga2, cache["y2"], P["apm/act2/alpha"])
    gh2, G["apm/bn2/gamma"], G["apm/bn2/beta"] = bn_backward(gy2, P["apm/bn2/gamma"], cache["bn2"])
    G["apm/conv2/kernel"], _, ga1 = conv_wide_backward(gh2.reshape(b, n, K, c2), cache["a1"], P["apm/conv2/kernel"])
    gy1, G["apm/act1/alpha"] = prelu_backward(ga1, cache["y1"], P["apm/act1/alpha"])
    gh1, G["apm/bn1/gamma"], G["apm/bn1/beta"] = bn_backward(gy1, P["apm/bn1/gamma"], cache["bn1"])
    G["apm/conv1/kernel"] = (cache["cx"].T @ gh1).reshape(P["apm/conv1/kernel"].shape)
    # back through the interior-point layers; gs: gradient w.r.t. the current s (none after the last layer)
    gs = np.zeros_like(gl)
    g_cent = np.zeros(cfg.L, a.dtype)
    g_step = np.zeros(cfg.L, a.dtype)
    c099 = dt(STEP_FRACTION)
    for l in range(cfg.L - 1, -1, -1):
        c = cache["layers"][l]
        s, lam, du, ds, dl = c["s"], c["lam"], c["du"], c["ds"], c["dl"]
        alpha, gamma, sigma, m = c["alpha"], c["gamma"], c["sigma"], c["m"]
        gs = gs * (c["s_pre"] >= dt(FLOOR))  # tfjs's maximum: to the first argument on equality
        gl = gl * (c["l_pre"] >= dt(FLOOR))
        galpha = np.einsum("bn,bn->b", gu, du) + np.einsum("bj,bj->b", gs, ds) + np.einsum("bj,bj->b", gl, dl)
        gdu = alpha[:, None] * gu
        gds = alpha[:, None] * gs
        gdl = alpha[:, None] * gl
        gu_in, gs_in, gl_in = gu, gs.copy(), gl.copy()
        # α = γ·0.99/max(max(rs, rl), 0.99)
        ggamma = galpha * c099 / m
        grate = -galpha * gamma * c099 / (m * m) * (c["rate"] >= c099)
        rs, rl = c["rs"], c["rl"]
        first = rs >= rl
        grs = grate * first
        grl = grate * ~first
        # max over j: to every tied maximum; rs_all = relu(−ds)/s, rl_all = relu(−dλ)/λ
        gr = grs[:, None] * (c["rs_all"] == rs[:, None])
        gds -= gr * (ds < 0) / s
        gs_in -= gr * c["rs_all"] / s
        gr = grl[:, None] * (c["rl_all"] == rl[:, None])
        gdl -= gr * (dl < 0) / lam
        gl_in -= gr * c["rl_all"] / lam
        # dλ = (−r_c − λ∘ds)/s
        t = gdl / s
        grc = -t
        gl_in -= t * ds
        gds -= t * lam
        gs_in -= t * dl
        # ds = −Ã du
        gdu -= mtv(at, gds)
        # du = H⁻¹ rhs: g_rhs = H⁻ᵀ g_du; g_H = −g_rhs duᵀ, so g_dg_j = (Ã g_H Ãᵀ)_jj = (Ã g_rhs)_j · ds_j
        grhs = np.linalg.solve(c["hess"], gdu[:, :, None])[:, :, 0]
        agr = mv(a, grhs)
        gdg = agr * ds
        # rhs = Ãᵀ q − r_d, q = r_c/s, dg = λ/s
        grc += agr / s
        gs_in -= agr * c["q"] / s
        gl_in += gdg / s
        gs_in -= gdg * c["dg"] / s
        # r_d = 2u + Ãᵀλ
        gu_in = gu_in - 2 * grhs
        gl_in -= mv(a, grhs)
        # r_c = λ∘s − σμ, μ = mean λ∘s
        src = grc.sum(axis=1)
        gsigma = -src * c["mu"]
        gp = grc + (-sigma * src / dt(j))[:, None]
        gl_in += gp * s
        gs_in += gp * lam
        # σ = sigmoid(o0 + centering_l), γ = sigmoid(o1 + stepLogit_l)
        go = np.stack([gsigma * sigma * (1 - sigma), ggamma * gamma * (1 - gamma)], axis=1)
        g_cent[l] = go[:, 0].sum()
        g_step[l] = go[:, 1].sum()
        f = c["f"]
        wfc = P[f"pum{l}/fc/kernel"]
        G[f"pum{l}/fc/kernel"] = f.T @ go
        G[f"pum{l}/fc/bias"] = go.sum(axis=0)
        gz = (go @ wfc.T).reshape(-1, cfg.pum)
        gz *= 1 - np.exp(-f.reshape(-1, cfg.pum))  # softplus' = sigmoid(z) = 1 − exp(−softplus(z))
        G[f"pum{l}/conv/kernel"] = (cache["cx"].T @ gz).reshape(P[f"pum{l}/conv/kernel"].shape)
        G[f"pum{l}/conv/bias"] = gz.sum(axis=0)
        gu, gs, gl = gu_in, gs_in, gl_in
    G["pum/centering"] = g_cent
    G["pum/stepLogit"] = g_step
    coef = dt(2 * wd / cfg.L)
    for k in trainable:
        G[k] = (G[k] + coef * P[k]).astype(a.dtype)
    return G


def update_running(P, cfg, cache):
    """The running statistics' update of a training-mode forward (PyTorch's, as tfjs's batchNorm)."""
    n = cache["n_bn"]
    mom = cfg.momentum
    for name, bn in (("apm/bn1", cache["bn1"]), ("apm/bn2", cache["bn2"])):
        _, _, m, v = bn
        rm, rv = P[name + "/runningMean"], P[name + "/runningVar"]
        rm *= rm.dtype.type(1 - mom)
        rm += rm.dtype.type(mom) * m
        rv *= rv.dtype.type(1 - mom)
        rv += rv.dtype.type(mom * n / (n - 1)) * v


def loss_and_grads(P, cfg, trainable, a, x, u0, wd):
    out, cache = forward(P, cfg, a, x, u0, training=True, keep=True)
    loss = loss_of(P, cfg, trainable, out, wd)
    G = backward(P, cfg, trainable, out, cache, wd)
    return loss, G, out, cache


# ---------------------------------------------------------------------------------------------
# verification and timing
# ---------------------------------------------------------------------------------------------

def load(folder, name, shape):
    return np.fromfile(os.path.join(folder, name), dtype="<f8").reshape(shape)




def finite_differences(P, cfg, trainable, a, x, u0, wd, seed=7):
    """The float64 hand-written gradient vs central differences: per parameter, along the direction
    (ĝ + r̂)/‖ĝ + r̂‖ (r random) relative to the directional derivative, and at its largest and 6
    random entries relative to its largest gradient entry; the maximum of these errors."""
    gen = np.random.default_rng(seed)
    _, G, _, _ = loss_and_grads(P, cfg, trainable, a, x, u0, wd)

    def loss_at(name, delta):
        Q = dict(P)
        Q[name] = P[name] + delta
        out, _ = forward(Q, cfg, a, x, u0, training=True)
        return loss_of(Q, cfg, trainable, out, wd)

    per = {}
    h = 1e-5
    for name in trainable:
        g = G[name]
        gmax = float(np.abs(g).max())
        errs = []
        if gmax == 0:
            per[name] = math.inf
            continue
        r = gen.standard_normal(g.shape)
        d = g / np.linalg.norm(g) + r / np.linalg.norm(r)
        d /= np.linalg.norm(d)
        fd = (loss_at(name, h * d) - loss_at(name, -h * d)) / (2 * h)
        an = float(np.sum(g * d))
        errs.append(abs(fd - an) / abs(an))
        flat = [int(np.argmax(np.abs(g)))] + list(gen.choice(g.size, size=min(6, g.size), replace=False))
        for i in flat:
            e = np.zeros(g.size)
            e[i] = h
            e = e.reshape(g.shape)
            fd = (loss_at(name, e) - loss_at(name, -e)) / (2 * h)
            errs.append(abs(fd - g.flat[i]) / gmax)
        per[name] = max(errs)
    worst = max(per, key=lambda k: per[k])
    return {"batch": int(a.shape[0]), "max": per[worst], "worst": worst, "perParam": per}


def frobenius(a):
    """‖Ã‖_F per instance."""
    return np.sqrt(np.einsum("bjn,bjn->b", a, a))


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    cfg = Cfg(meta)
    params = meta["params"]
    names = [p["name"] for p in params]
    trainable = [p["name"] for p in params if p["trainable"]]
    tparams = [p for p in params if p["trainable"]]
    K, M = cfg.K, cfg.M
    J, N = 2 * K, 2 * M
    wd = meta["weightDecay"]
    P64 = load_params(folder, "params.f64", params)
    fw, tr = meta["forward"], meta["train"]
    bf, bt = fw["batch"], tr["batch"]
    kept = np.array(tr["kept"], dtype=np.int64)
    bk = kept.size

    def batch(tag, b):
        return (load(folder, f"{tag}_a.f64", [b, J, N]), load(folder, f"{tag}_x.f64", [b, N, K, 1]),
                load(folder, f"{tag}_u0.f64", [b, N]))

    af, xf, uf = batch("fwd", bf)
    at_, xt, ut = batch("train", bt)
    assert np.array_equal(kept, np.flatnonzero(frobenius(at_) <= meta["maxFrobenius"])), "kept instances"
    ak, xk, uk = at_[kept], xt[kept], ut[kept]
    fwd_kept = frobenius(af) <= meta["maxFrobenius"]
    ours_fwd = load(folder, "fwd_out.f64", [-1])
    sizes = {"w": bf * N, "lambda": bf * J, "dual": bf, "primal": bf * N}
    shapes = {"w": (bf, N), "lambda": (bf, J), "dual": (bf,), "primal": (bf, N)}
    ours_out, off = {}, 0
    for k in ("w", "lambda", "dual", "primal"):
        ours_out[k] = ours_fwd[off:off + sizes[k]].reshape(shapes[k])
        off += sizes[k]
    assert off == ours_fwd.size
    ours_lambda = {"kept": load(folder, "train_kept_lambda.f64", [bk, J]), "full": load(folder, "train_full_lambda.f64", [bt, J])}
    ours_grads = {"kept": load_params(folder, "train_kept_grads.f64", tparams), "full": load_params(folder, "train_full_grads.f64", tparams)}
    ours_loss = {"kept": tr["loss"], "full": tr["lossFull"]}
    ours_after = load_params(folder, "train_after.f64", tparams)

    # float64 reference
    ref_out, _ = forward(P64, cfg, af, xf, uf)
    ref = {"kept": loss_and_grads(P64, cfg, trainable, ak, xk, uk, wd), "full": loss_and_grads(P64, cfg, trainable, at_, xt, ut, wd)}
    W_after = {n: P64[n].copy() for n in trainable}
    Adam(W_after, trainable, tr["lr"], eps=meta["adamEpsilon"]).step(W_after, ref["kept"][1])
    ref_delta = np.concatenate([(W_after[n] - P64[n]).ravel() for n in trainable])
    ours_delta = np.concatenate([(ours_after[n] - P64[n]).ravel() for n in trainable])
    nfd = meta["fdBatch"]
    fd = finite_differences(P64, cfg, trainable, ak[:nfd], xk[:nfd], uk[:nfd], wd)

    def fwd_errs(out, mask=slice(None)):
        return {k: rel_err(out[k][mask], ref_out[k][mask]) for k in ("w", "lambda", "dual", "primal")}

    def worst_instance(w):
        return float(np.max(np.linalg.norm(w - ref_out["w"], axis=1) / np.linalg.norm(ref_out["w"], axis=1)))

    def check(out, lam, loss, grads):
        """Errors of forward outputs `out` and of the training-mode λ, loss and gradients (kept, full)."""
        c = {
            "forward": fwd_errs(out),
            "forwardKept": fwd_errs(out, fwd_kept),
            "forwardWorstInstance": worst_instance(out["w"]),
        }
        part = {}
        for tag in ("kept", "full"):
            r_loss, r_grads, r_out, _ = ref[tag]
            part[tag] = {"lambdaRelErr": rel_err(lam[tag], r_out["lambda"]), "lossRelErr": abs(loss[tag] - r_loss) / abs(r_loss),
                         "grads": grad_errs(grads[tag], r_grads, trainable)}
        c["trainLambdaRelErr"] = part["kept"]["lambdaRelErr"]
        c["lossRelErr"] = part["kept"]["lossRelErr"]
        c["grads"] = part["kept"]["grads"]
        c["full"] = part["full"]
        return c

    check_ours = check(ours_out, ours_lambda, ours_loss, ours_grads)
    check_ours["adamDeltaRelErr"] = rel_err(ours_delta, ref_delta)

    # the timed float32 form, checked against the same reference
    dt = np.float32
    P32 = {n: P64[n].astype(dt) for n in names}
    af32, xf32, uf32 = af.astype(dt), xf.astype(dt), uf.astype(dt)
    at32, xt32, ut32 = at_.astype(dt), xt.astype(dt), ut.astype(dt)
    out32 = forward_blocks(P32, cfg, af32, xf32, uf32)
    r32 = {"kept": loss_and_grads(P32, cfg, trainable, at32[kept], xt32[kept], ut32[kept], wd),
           "full": loss_and_grads(P32, cfg, trainable, at32, xt32, ut32, wd)}
    assert all(out32[k].dtype == dt for k in out32) and all(r32[t][1][n].dtype == dt for t in r32 for n in trainable), \
        ({k: str(v.dtype) for k, v in out32.items()}, {n: str(r32["full"][1][n].dtype) for n in trainable})
    check_peer = check(out32, {t: r32[t][2]["lambda"] for t in r32}, {t: r32[t][0] for t in r32}, {t: r32[t][1] for t in r32})

    def fwd():
        forward_blocks(P32, cfg, af32, xf32, uf32)

    Pt = {n: P32[n].copy() for n in names}
    opt = Adam(Pt, trainable, tr["lr"], eps=meta["adamEpsilon"])

    def step():
        _, grads, _, cache = loss_and_grads(Pt, cfg, trainable, at32, xt32, ut32, wd)
        update_running(Pt, cfg, cache)
        opt.step(Pt, grads)

    budget = float(meta.get("budget", 1.0))
    sec_f = best_time(fwd, budget=budget)
    sec_t = best_time(step, budget=budget)
    print(json.dumps({
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "threads": 1,
        "referenceLoss": ref["kept"][0],
        "referenceLossFull": ref["full"][0],
        "kept": {"forward": int(fwd_kept.sum()), "forwardBatch": bf, "train": int(bk), "trainBatch": bt, "maxFrobenius": meta["maxFrobenius"]},
        "check": {"ours": check_ours, "peerFloat32": check_peer},
        "finiteDifferences": fd,
        "forward": {"seconds": sec_f, "rate": bf / sec_f},
        "train": {"seconds": sec_t, "stepsPerSecond": 1 / sec_t, "rate": bt / sec_t},
    }))


if __name__ == "__main__":
    main()
