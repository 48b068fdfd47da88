"""Drive a real tslab kernel through jupyter_client: interrupt a training cell, then look at what follows;
run a cell out of order.

Prints one JSON object of observations on stdout; test/jupyter/interrupt.e2e.ts makes the assertions.
Usage: python3 interrupt_kernel.py <notebooks-dir>
"""
import json
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager

cwd = sys.argv[1]
km = KernelManager(kernel_name="tslab")
km.start_kernel(cwd=cwd)
kc = km.client()
kc.start_channels()
obs = {"events": []}


def drain(seconds):
    """Every iopub message arriving within `seconds`, as (parent msg_id, type, content)."""
    out = []
    end = time.time() + seconds
    while True:
        left = end - time.time()
        if left <= 0:
            return out
        try:
            m = kc.get_iopub_msg(timeout=left)
        except Empty:
            return out
        out.append((m["parent_header"].get("msg_id"), m["header"]["msg_type"], m["content"]))


def text_of(msgs):
    parts = []
    for _, kind, c in msgs:
        if kind == "stream":
            parts.append(c["text"])
        elif kind in ("display_data", "update_display_data", "execute_result"):
            parts.append(" ".join(str(v) for v in c.get("data", {}).values()))
        elif kind == "error":
            parts.append(c.get("ename", "") + ": " + c.get("evalue", ""))
    return "".join(parts)


def reply_for(msg_id, timeout):
    """The execute_reply of one request (other shell messages are skipped)."""
    end = time.time() + timeout
    while True:
        m = kc.get_shell_msg(timeout=max(0.1, end - time.time()))
        if m["parent_header"].get("msg_id") == msg_id and m["header"]["msg_type"] == "execute_reply":
            return m


def run(code, timeout=120):
    msg_id = kc.execute(code)
    reply = reply_for(msg_id, timeout)
    msgs = drain(0.5)
    return msg_id, reply["content"]["status"], msgs


try:
    kc.wait_for_ready(timeout=120)
    _, status, msgs = run(
        'import { initBackend, train, jupyterProgress } from "@precoding-workbook/lib";\n'
        'import * as tf from "@tensorflow/tfjs";\n'
        "await initBackend();\n"
        'let r = "before";\n'
        "let steps = 0;\n"
        "const w = tf.variable(tf.zeros([64]));\n"
        "const base = tf.memory().numTensors;"
    )
    obs["setup"] = {"status": status, "text": text_of(msgs)}

    # the training cell: 100 000 steps of ~2 ms; interrupted after about a second
    train_id = kc.execute(
        "const history = await train({ variables: [w], epochs: 1, stepsPerEpoch: 100000, learningRate: 0.01,\n"
        "  batch: () => tf.ones([64]),\n"
        "  loss: (b) => { steps++; const t0 = Date.now(); while (Date.now() - t0 < 2); return tf.sum(tf.square(tf.sub(w, b))); },\n"
        "  progress: jupyterProgress({ intervalSec: 0.1 }) });\n"
        'console.log("training finished");\n'
        'r = "after";\n'
    )
    before = drain(1.5)
    obs["progressBeforeInterrupt"] = any(k == "display_data" and p == train_id for p, k, _ in before)
    t_int = time.time()
    km.interrupt_kernel()
    reply = reply_for(train_id, 60)
    obs["trainReply"] = {"status": reply["content"]["status"], "seconds": time.time() - t_int}
    after = drain(2.0)
    time.sleep(0.5)
    obs["trainCellText"] = text_of([m for m in before + after if m[0] == train_id])
    obs["interruptMessage"] = [
        str(c.get("data", {}).get("text/html", ""))
        for p, k, c in after
        if k == "update_display_data"
    ]

    probe = 'console.log(JSON.stringify({ r: r, steps: steps, leaked: tf.memory().numTensors - base }))'
    id1, status1, m1 = run(probe)
    time.sleep(1.5)
    id2, status2, m2 = run(probe)
    obs["probe1"] = {"status": status1, "text": text_of([m for m in m1 if m[0] == id1]),
                     "other": text_of([m for m in m1 if m[0] not in (id1, None)])}
    obs["probe2"] = {"status": status2, "text": text_of([m for m in m2 if m[0] == id2]),
                     "other": text_of([m for m in m2 if m[0] not in (id2, None)])}

    # interrupting a synchronous cell keeps working (tslab's breakOnSigint)
    sync_id = kc.execute("const t1 = Date.now(); while (Date.now() - t1 < 60000) {}")
    time.sleep(1.0)
    t_int = time.time()
    km.interrupt_kernel()
    reply = reply_for(sync_id, 60)
    obs["syncReply"] = {"status": reply["content"]["status"], "seconds": time.time() - t_int}
    time.sleep(0.5)  # tslab drops requests queued within 200 ms of a failed cell
    _, status3, m3 = run("1 + 1")
    obs["afterSync"] = {"status": status3, "text": text_of(m3)}

    # a cell run before the cells it depends on: one message naming them, not one line per use
    _, status4, m4 = run('import { setupNotebook } from "@precoding-workbook/lib";\nsetupNotebook();')
    obs["setupNotebook"] = {"status": status4, "mimes": [sorted(c.get("data", {}).keys()) for _, k, c in m4 if k == "display_data"]}
    _, status5, m5 = run("const fig4 = await wmmse.wsrVsLayers(p, p.snrFig4, seed, {});\nwsrFigure(fig4, 'x');\nconsole.log(wsrTable(fig4));")
    obs["outOfOrder"] = {"status": status5, "text": text_of(m5)}
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(obs))
