/**
 * Interrupts (SIGINT: Ctrl-C in a terminal, the ■ button in Jupyter) that stop long loops at their
 * next step.
 *
 * A long loop (training, a Monte Carlo run) opens an `InterruptScope`, calls `scope.check(done, total)`
 * after each step it yields to the event loop on, and disposes the scope when it ends. A SIGINT marks
 * the *execution* that was running when it arrived; `check` then throws `InterruptedError`
 * ("training interrupted at step 12/400"), so the loop stops, its `finally` blocks free its tensors,
 * and the code after the `await` (figures, tables, assignments) never runs.
 *
 * What an execution is comes from a pluggable token: in a Jupyter kernel, one cell execution
 * (`lib/notebook/display` registers tslab's per-request hook), so an interrupt stops the loops of the
 * interrupted cell and nothing that runs later; in a script, the whole process. In a script the
 * handler is installed only while a scope is open (Ctrl-C elsewhere keeps Node's default), and a
 * second Ctrl-C while a loop is still winding down exits at once with code 130. A host that has no
 * SIGINT handler of its own (the headless runner's worker) keeps Node's default: the signal ends it.
 *
 * Note: Node's `vm` (`breakOnSigint`, used by tslab for a cell's synchronous part) removes every SIGINT
 * listener while that part runs and puts back the ones it saw; a listener added meanwhile stays.
 */

/** Thrown by `InterruptScope.check` after an interrupt. */
export class InterruptedError extends Error {
  constructor(
    readonly what: string,
    readonly step: number,
    readonly total: number,
  ) {
    super(`${what} interrupted at step ${step}/${total}`);
    this.name = 'InterruptedError';
  }
}

type TokenProvider = () => unknown;

const PROCESS_TOKEN = Symbol('process');
let tokenProvider: TokenProvider | undefined;

/** executions that were interrupted (weak: a finished cell's token is garbage like any other) */
let interrupted = new WeakSet<object>();
let processInterrupted = false;
const open = new Set<InterruptScope>();
let listening = false;

function tokenKey(t: unknown): object | typeof PROCESS_TOKEN {
  return typeof t === 'object' || typeof t === 'function' ? (t as object) : PROCESS_TOKEN;
}

function onSigint(): void {
  const hostHandles = process.listeners('SIGINT').some((l) => l !== onSigint);
  const token = tokenKey(tokenProvider?.());
  if (token !== PROCESS_TOKEN) {
    interrupted.add(token);
    if (!hostHandles) {
      // nobody else keeps the process alive on SIGINT: Node's default, end by the signal
      process.off('SIGINT', onSigint);
      listening = false;
      process.kill(process.pid, 'SIGINT');
    }
    return;
  }
  // second Ctrl-C while the loop winds down: leave now
  if (processInterrupted && !hostHandles) process.exit(130);
  processInterrupted = true;
}

function updateListener(): void {
  const want = tokenProvider !== undefined || open.size > 0;
  if (want && !listening) process.on('SIGINT', onSigint);
  if (!want && listening) process.off('SIGINT', onSigint);
  listening = want;
}

/**
 * Tell the interrupt machinery what "one execution" is (a Jupyter cell: a new object per execution).
 * From then on it listens to SIGINT all the time.
 */
export function setExecutionToken(provider: TokenProvider): void {
  tokenProvider = provider;
  updateListener();
}

/** Back to the default: one execution per process, SIGINT handled only while a loop runs (tests). */
export function resetInterrupts(): void {
  interrupted = new WeakSet<object>();
  processInterrupted = false;
  tokenProvider = undefined;
  updateListener();
}

/** A long loop's view of interrupts: `check` after each step, `dispose` at the end (in `finally`). */
export class InterruptScope {
  private readonly token: object | typeof PROCESS_TOKEN;
  private disposed = false;

  /** `what` names the loop in the message: "training", "simulation", … */
  constructor(readonly what: string) {
    this.token = tokenKey(tokenProvider?.());
    open.add(this);
    updateListener();
  }

  /** True once the execution this scope belongs to was interrupted. */
  get requested(): boolean {
    return this.token === PROCESS_TOKEN ? processInterrupted : interrupted.has(this.token);
  }

  /** Throw `InterruptedError` when interrupted; `step` of `total` says where. */
  check(step: number, total: number): void {
    if (this.requested) throw new InterruptedError(this.what, step, total);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    open.delete(this);
    if (open.size === 0) processInterrupted = false;
    updateListener();
  }
}
