#!/usr/bin/python3
"""numpy peer of the GNN quantised precoder (bench/gnn.bench.ts), single-threaded, float32.

The same network as lib/papers/gnn/model.ts (gnn-quantized-precoding SIV-C) in the project's layout
(h [B, K, M], s [B, K, T], edges [B, T, K, M, d], antennas [B, T, M, d], users [B, T, K, d]; the
first layer's edges and antennas [B, 1, ...] broadcast over the T symbol vectors):
  inputs (27)-(29): edge = [Re h, Im h], antenna = 0, user = [Re s, Im s];
  per layer (22)-(26), no biases, weights in the row-vector convention (x @ W):
    e = sigma(edge W_edge + antenna W_bs + user W_ue)                 [B, T, K, M, d]
    a = sigma(antenna W_self_bs + mean_K(e) W_neigh_bs)               [B, T, M, d]
    u = sigma(user W_self_ue + mean_M(e) W_neigh_ue)                  [B, T, K, d]
  sigma = leaky ReLU (slope 0.01) on every layer but the output layer, which is linear and
  updates antennas only: logits [B, T, M, 2, L]. (Being linear, its mean over K is taken before
  W_edge, W_ue: the same numbers, K times fewer products; K = 1 in the bench anyway.)
Then the precoder (lib/papers/gnn/precoder.ts): inference argmax -> DAC level; training
straight-through Gumbel-softmax (forward one-hot of argmax(a + g), backward through
softmax((a + g)/tau)); levels; power normalisation (15) per channel over T. The loss
(lib/papers/gnn/loss.ts, sumRateSnidr in lib/phy/metrics.ts): Bussgang G = Y S^H / T, q = Y - G S,
SNIDR_k = |h_k g_k|^2 / (sum_{k' != k} |h_k g_k'|^2 + (1/T) sum_t |(h q)_{k,t}|^2 + sigma^2),
loss = -mean_B sum_k log2(1 + SNIDR_k). The backward pass is written by hand (complex gradients
as dL/dRe + i dL/dIm), then one Adam step (tfjs's: bias-corrected moments, eps added to sqrt(v)).
Matrix products are 2-D BLAS calls on the flattened leading axes; no Python loops over symbols,
antennas or users (only over the N_h + 2 layers and the parameters).

Verification: the bench writes the weights, inputs, Gumbel noise and its own logits, loss,
gradients and post-Adam weights; a float64 run of this file's code is the reference for both tfjs
(float32) and this peer's timed float32 form. Timed (best of >= 5 after a warm-up call):
  forward: h, s -> normalised y (argmax, levels, (15)) for B_f channels x T_f symbol vectors;
  train:   Gumbel noise drawn (numpy Generator) + forward + loss + backward + one Adam update.
Prints one JSON object on stdout.

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/gnn_peer.py <dir with meta.json and *.f64>
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

from peer_common import Adam, best_time, grad_errs, load_params, rel_err  # noqa: E402

COMPLEX = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------

def lin(x, w):
    """x [..., din] @ w [din, dout] as one 2-D product on the flattened leading axes."""
    x2 = np.ascontiguousarray(x).reshape(-1, x.shape[-1])
    return (x2 @ w).reshape(x.shape[:-1] + (w.shape[1],))


def reduce_to(g, shape):
    """Sum g over the axes where `shape` (same rank) has size 1 and g does not (broadcast gradient)."""
    axes = tuple(i for i, (a, b) in enumerate(zip(shape, g.shape)) if a == 1 and b != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


def wgrad(x, g):
    """Gradient of x @ W w.r.t. W when x broadcasts against the product's shape: x^T g."""
    g = reduce_to(g, x.shape[:-1] + (g.shape[-1],))
    x2 = np.ascontiguousarray(x).reshape(-1, x.shape[-1])
    g2 = np.ascontiguousarray(g).reshape(-1, g.shape[-1])
    return x2.T @ g2


def add_(x, y):
    """x + y, in place in x when the broadcast shape is x's."""
    if np.broadcast_shapes(x.shape, y.shape) == x.shape:
        x += y
        return x
    return x + y


def leaky_(x, alpha):
    """max(x, alpha x) in place (the leaky ReLU for 0 <= alpha < 1)."""
    np.maximum(x, x * x.dtype.type(alpha), out=x)
    return x


def dleaky(g, out, alpha):
    """g * sigma'(pre), read from the output's sign (leaky ReLU keeps it; sigma'(0) = alpha as tfjs).
    As g * (alpha + (1 - alpha) [out > 0]): ~5x faster than np.where(out > 0, g, alpha g)."""
    t = g.dtype.type
    slope = (out > 0).astype(g.dtype)
    slope *= t(1 - alpha)
    slope += t(alpha)
    slope *= g
    return slope


def mean_axis(x, axis):
    """Mean over one axis; a view when that axis has size 1."""
    if x.shape[axis] == 1:
        return np.squeeze(x, axis)
    return x.mean(axis=axis)


# ---------------------------------------------------------------------------------------------
# the network
# ---------------------------------------------------------------------------------------------

def inputs(h, s, dt):
    """(27)-(29): edge [B, 1, K, M, 2], antenna zeros [B, 1, M, 2], user [B, T, K, 2]."""
    b, k, m = h.shape
    edge = np.stack([h.real, h.imag], -1).astype(dt)[:, None]
    ant = np.zeros((b, 1, m, 2), dt)
    st = s.transpose(0, 2, 1)
    user = np.stack([st.real, st.imag], -1).astype(dt)
    return edge, ant, user


def network(W, layers, leak, h, s, keep=False):
    """logits [B, T, M, 2L] (before the reshape to [.., 2, L]); with keep, the caches for backward."""
    dt = W[layers[0] + "/W_edge"].dtype
    edge, ant, user = inputs(h, s, dt)
    cache = []
    for name in layers[:-1]:
        w = lambda n: W[name + "/" + n]  # noqa: E731
        e = lin(edge, w("W_edge"))
        e = add_(e, lin(ant, w("W_bs"))[:, :, None])
        e = add_(e, lin(user, w("W_ue"))[:, :, :, None])
        leaky_(e, leak)
        m_a = mean_axis(e, -3)
        m_u = mean_axis(e, -2)
        a = leaky_(add_(lin(ant, w("W_self_bs")), lin(m_a, w("W_neigh_bs"))), leak)
        u = leaky_(add_(lin(user, w("W_self_ue")), lin(m_u, w("W_neigh_ue"))), leak)
        if keep:
            cache.append((edge, ant, user, e, m_a, m_u, a, u))
        edge, ant, user = e, a, u
    name = layers[-1]
    w = lambda n: W[name + "/" + n]  # noqa: E731
    e_k = mean_axis(edge, -3)  # linear output layer: mean over K first
    u_k = mean_axis(user, -2)
    m_a = lin(e_k, w("W_edge"))
    m_a = add_(m_a, lin(ant, w("W_bs")))
    m_a = add_(m_a, lin(u_k, w("W_ue"))[:, :, None])
    out = add_(lin(ant, w("W_self_bs")), lin(m_a, w("W_neigh_bs")))
    if keep:
        cache.append((edge, ant, user, e_k, u_k, m_a))
    return out, cache


def network_backward(W, layers, leak, cache, g_out):
    """Gradients of every weight from g_out = dL/dlogits [B, T, M, 2L]."""
    grads = {}
    name = layers[-1]
    w = lambda n: W[name + "/" + n]  # noqa: E731
    edge, ant, user, e_k, u_k, m_a = cache[-1]
    k, m = edge.shape[-3], edge.shape[-2]
    grads[name + "/W_self_bs"] = wgrad(ant, g_out)
    grads[name + "/W_neigh_bs"] = wgrad(m_a, g_out)
    g_ma = lin(g_out, w("W_neigh_bs").T)
    g_ant = add_(lin(g_out, w("W_self_bs").T), lin(g_ma, w("W_bs").T))
    grads[name + "/W_bs"] = wgrad(ant, g_ma)
    grads[name + "/W_edge"] = wgrad(e_k, g_ma)
    g_ma_m = g_ma.sum(axis=-2)  # [B, T, d]
    grads[name + "/W_ue"] = wgrad(u_k, g_ma_m)
    # gradients into the previous layer's outputs (the means over K spread back as 1/K)
    g_edge = np.broadcast_to((lin(g_ma, w("W_edge").T) / k)[:, :, None], edge.shape)
    g_user = np.broadcast_to((lin(g_ma_m, w("W_ue").T) / k)[:, :, None], user.shape)
    for li in range(len(layers) - 2, -1, -1):
        name = layers[li]
        w = lambda n: W[name + "/" + n]  # noqa: E731
        edge, ant, user, e, m_a, m_u, a, u = cache[li]
        k, m = e.shape[-3], e.shape[-2]
        ga = dleaky(g_ant, a, leak)
        gu = dleaky(g_user, u, leak)
        grads[name + "/W_self_bs"] = wgrad(ant, ga)
        grads[name + "/W_neigh_bs"] = wgrad(m_a, ga)
        grads[name + "/W_self_ue"] = wgrad(user, gu)
        grads[name + "/W_neigh_ue"] = wgrad(m_u, gu)
        g_ma = lin(ga, w("W_neigh_bs").T)
        g_mu = lin(gu, w("W_neigh_ue").T)
        ge = g_edge + (g_ma / e.dtype.type(k))[:, :, None]
        ge += (g_mu / e.dtype.type(m))[:, :, :, None]
        gp = dleaky(ge, e, leak)
        grads[name + "/W_edge"] = wgrad(edge, gp)
        g_pa = gp.sum(axis=-3)  # [B, T, M, d]
        g_pu = gp.sum(axis=-2)  # [B, T, K, d]
        grads[name + "/W_bs"] = wgrad(ant, g_pa)
        grads[name + "/W_ue"] = wgrad(user, g_pu)
        if li > 0:
            g_edge = lin(gp, w("W_edge").T)
            g_ant = add_(lin(ga, w("W_self_bs").T), lin(g_pa, w("W_bs").T))
            g_user = add_(lin(gu, w("W_self_ue").T), lin(g_pu, w("W_ue").T))
    return grads


# ---------------------------------------------------------------------------------------------
# precoder, loss
# ---------------------------------------------------------------------------------------------

def normalise(v, power):
    """(15): v [B, T, M, 2] level values -> v * sqrt(P_T / mean_t ||y_t||^2) per channel; scale [B]."""
    t = v.shape[1]
    mp = np.einsum("btmc,btmc->b", v, v) / v.dtype.type(t)
    scale = np.sqrt(v.dtype.type(power) / mp)
    return v * scale[:, None, None, None], scale, mp


def to_complex(v):
    """[B, T, M, 2] real -> y [B, M, T] complex."""
    return (v[..., 0] + 1j * v[..., 1]).transpose(0, 2, 1)


def precode(W, layers, leak, levels, power, h, s):
    """Inference (argmax, eq. 18) -> y [B, M, T] complex with mean power P_T per channel."""
    b, t, m = h.shape[0], s.shape[2], h.shape[2]
    lv = len(levels)
    out, _ = network(W, layers, leak, h, s)
    idx = out.reshape(b, t, m, 2, lv).argmax(-1)
    v = levels[idx]
    vn, _, _ = normalise(v, power)
    return to_complex(vn), out


def softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def sum_rate_and_grad(h, y, s, noise):
    """Loss -mean_B sum_k log2(1 + SNIDR_k) and dL/dY (dL/dRe + i dL/dIm). y [B, M, T]."""
    b, _, t = y.shape
    sh = s.conj().transpose(0, 2, 1)
    hh = h.conj().transpose(0, 2, 1)
    g = (y @ sh) / t  # [B, M, K]
    q = y - g @ s  # [B, M, T]
    a = h @ g  # [B, K, K]
    hq = h @ q  # [B, K, T]
    p = a.real ** 2 + a.imag ** 2
    sig = np.einsum("bkk->bk", p)
    dist = (hq.real ** 2 + hq.imag ** 2).sum(-1) / t
    den = p.sum(-1) - sig + noise + dist
    gamma = sig / den
    loss = -np.log1p(gamma).sum(-1).mean() / math.log(2)
    dgamma = -1.0 / (b * math.log(2) * (1 + gamma))
    dsig = dgamma / den
    dden = -dgamma * sig / den ** 2
    kk = p.shape[-1]
    eye = np.eye(kk, dtype=bool)
    wgt = np.where(eye, dsig[:, :, None], dden[:, :, None])  # d/d|A_kj|^2
    g_a = 2 * a * wgt
    g_hq = 2 * hq * (dden / t)[:, :, None]
    g_q = hh @ g_hq
    g_g = hh @ g_a - g_q @ sh
    g_y = g_q + (g_g @ s) / t
    return loss, g_y.astype(y.dtype)


def gumbel(gen, shape, dt):
    u = np.clip(gen.random(shape, dtype=np.float32), 1e-7, 1 - 1e-7).astype(dt)
    return -np.log(-np.log(u))


def loss_and_grads(W, layers, leak, levels, power, noise, tau, h, s, gnoise):
    """Forward + hand-written backward: loss, logits [B, T, M, 2, L], grads, one-hot choices."""
    b, t, m = h.shape[0], s.shape[2], h.shape[2]
    lv = len(levels)
    out, cache = network(W, layers, leak, h, s, keep=True)
    logits = out.reshape(b, t, m, 2, lv)
    pert = logits + gnoise
    idx = pert.argmax(-1)
    soft = softmax(pert / pert.dtype.type(tau))
    v = levels[idx]  # one-hot . levels
    vn, scale, mp = normalise(v, power)
    y = to_complex(vn)
    loss, g_y = sum_rate_and_grad(h.astype(y.dtype), y, s.astype(y.dtype), noise)
    g_vn = np.stack([g_y.real, g_y.imag], -1).transpose(0, 2, 1, 3)  # [B, T, M, 2]
    # back through (15): vn = v sqrt(P / mp), mp = (1/T) sum v^2
    corr = np.einsum("btmc,btmc->b", g_vn, v) / (t * mp)
    g_v = scale[:, None, None, None] * (g_vn - v * corr[:, None, None, None])
    g_onehot = g_v[..., None] * levels  # [B, T, M, 2, L]
    # straight-through: d onehot -> d soft, then softmax((a + g)/tau)
    g_z = soft * (g_onehot - (g_onehot * soft).sum(-1, keepdims=True)) / soft.dtype.type(tau)
    grads = network_backward(W, layers, leak, cache, g_z.reshape(out.shape))
    return loss, logits, grads, idx


# ---------------------------------------------------------------------------------------------
# verification and timing
# ---------------------------------------------------------------------------------------------

def load(folder, name, shape, complex_=False):
    raw = np.fromfile(os.path.join(folder, name), dtype="<f8")
    if complex_:
        half = raw.size // 2
        raw = raw[:half] + 1j * raw[half:]
    return raw.reshape(shape)




def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    params = meta["params"]
    names = [p["name"] for p in params]
    layers = meta["layers"]
    leak, tau, power, noise = meta["leak"], meta["tau"], meta["power"], meta["noiseVar"]
    levels64 = np.array(meta["levels"], dtype=np.float64)
    K, M = meta["users"], meta["antennas"]
    L = len(levels64)
    W64 = load_params(folder, "weights.f64", params)
    fw, tr = meta["forward"], meta["train"]
    hf = load(folder, "fwd_h.f64", [fw["batch"], K, M], True)
    sf = load(folder, "fwd_s.f64", [fw["batch"], K, fw["T"]], True)
    ht = load(folder, "train_h.f64", [tr["batch"], K, M], True)
    st = load(folder, "train_s.f64", [tr["batch"], K, tr["T"]], True)
    gshape = [tr["batch"], tr["T"], M, 2, L]
    gn = load(folder, "train_gumbel.f64", gshape)
    ours_fwd_logits = load(folder, "fwd_logits.f64", [fw["batch"], fw["T"], M, 2, L])
    ours_fwd_y = load(folder, "fwd_y.f64", [fw["batch"], M, fw["T"]], True)
    ours_tr_logits = load(folder, "train_logits.f64", gshape)
    ours_grads = load_params(folder, "train_grads.f64", params)
    ours_after = load_params(folder, "train_after.f64", params)
    ours_loss = tr["loss"]

    # float64 reference
    ref_y, ref_fwd_out = precode(W64, layers, leak, levels64, power, hf, sf)
    ref_loss, ref_logits, ref_grads, ref_idx = loss_and_grads(W64, layers, leak, levels64, power, noise, tau, ht, st, gn)
    ours_idx = (ours_tr_logits + gn).argmax(-1)
    W_after = {n: W64[n].copy() for n in names}
    Adam(W_after, names, tr["lr"], eps=meta["adamEpsilon"]).step(W_after, ref_grads)
    ref_delta = {n: W_after[n] - W64[n] for n in names}
    ours_delta = {n: ours_after[n] - W64[n] for n in names}

    def y_agree(y):
        return float(np.mean(np.isclose(y, ref_y, rtol=1e-3, atol=1e-3)))

    check_ours = {
        "fwdLogitsRelErr": rel_err(ours_fwd_logits, ref_fwd_out.reshape(ours_fwd_logits.shape)),
        "fwdYEqual": y_agree(ours_fwd_y),
        "trainLogitsRelErr": rel_err(ours_tr_logits, ref_logits),
        "lossRelErr": abs(ours_loss - ref_loss) / abs(ref_loss),
        "choicesDiffer": int(np.sum(ours_idx != ref_idx)),
        "grads": grad_errs(ours_grads, ref_grads, names),
        "adamDeltaRelErr": rel_err(np.concatenate([ours_delta[n].ravel() for n in names]),
                                   np.concatenate([ref_delta[n].ravel() for n in names])),
    }

    # the timed float32 form, checked against the same reference
    dt = np.float32
    W32 = {n: W64[n].astype(dt) for n in names}
    lev32 = levels64.astype(dt)
    hf32, sf32 = hf.astype(np.complex64), sf.astype(np.complex64)
    ht32, st32 = ht.astype(np.complex64), st.astype(np.complex64)
    y32, out32 = precode(W32, layers, leak, lev32, power, hf32, sf32)
    loss32, logits32, grads32, idx32 = loss_and_grads(W32, layers, leak, lev32, power, noise, tau, ht32, st32, gn.astype(dt))
    assert logits32.dtype == dt and y32.dtype == np.complex64 and all(grads32[n].dtype == dt for n in names)
    check_peer = {
        "fwdLogitsRelErr": rel_err(out32, ref_fwd_out),
        "fwdYEqual": y_agree(y32),
        "trainLogitsRelErr": rel_err(logits32, ref_logits),
        "lossRelErr": abs(float(loss32) - ref_loss) / abs(ref_loss),
        "choicesDiffer": int(np.sum(idx32 != ref_idx)),
        "grads": grad_errs(grads32, ref_grads, names),
    }

    def fwd():
        precode(W32, layers, leak, lev32, power, hf32, sf32)

    Wt = {n: W32[n].copy() for n in names}
    opt = Adam(Wt, names, tr["lr"], eps=meta["adamEpsilon"])
    gen = np.random.default_rng(1)

    def step():
        g = gumbel(gen, gshape, dt)
        _, _, grads, _ = loss_and_grads(Wt, layers, leak, lev32, power, noise, tau, ht32, st32, g)
        opt.step(Wt, grads)

    budget = float(meta.get("budget", 1.0))
    sec_f = best_time(fwd, budget=budget)
    sec_t = best_time(step, budget=budget)
    print(json.dumps({
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "threads": 1,
        "referenceLoss": ref_loss,
        "check": {"ours": check_ours, "peerFloat32": check_peer},
        "forward": {"seconds": sec_f, "rate": fw["batch"] * fw["T"] / sec_f},
        "train": {"seconds": sec_t, "stepsPerSecond": 1 / sec_t, "rate": tr["batch"] * tr["T"] / sec_t},
    }))


if __name__ == "__main__":
    main()
