/**
 * What a long computation reports (phase, step, loss, ETA), not how it is shown.
 *
 * Loops take a `Progress`; `lib/notebook/display.ts` supplies renderers for the terminal and for a
 * Jupyter cell. A `Ticker` turns "step i of n" into elapsed time and an ETA.
 */

export interface ProgressEvent {
  /** what is running, e.g. "train L=3" or "BER 10 dB" */
  phase: string;
  kind: 'start' | 'update' | 'end';
  /** steps done and planned (total may be an upper bound when early stopping can end sooner) */
  done: number;
  total: number;
  epoch?: number;
  loss?: number;
  /** further numbers to show, e.g. validation loss or BER so far */
  values?: Record<string, number>;
  elapsedSec: number;
  /** undefined until at least one step is done */
  etaSec?: number;
  message?: string;
  /** on an 'end' event: the loop was interrupted rather than finished */
  interrupted?: boolean;
}

export interface Progress {
  report(event: ProgressEvent): void;
}

/** Shows nothing (tests, nested loops). */
export const silentProgress: Progress = { report: () => undefined };

/** Collects events (tests; or to keep a log as data). */
export class RecordingProgress implements Progress {
  readonly events: ProgressEvent[] = [];
  report(event: ProgressEvent): void {
    this.events.push({ ...event, values: event.values ? { ...event.values } : undefined });
  }
}

/** Fan one event out to several renderers. */
export function combineProgress(...ps: Progress[]): Progress {
  return { report: (e) => ps.forEach((p) => p.report(e)) };
}

/** Elapsed time and ETA for `total` steps of one phase. */
export class Ticker {
  private readonly t0 = Date.now();
  private lastDone = 0;

  constructor(
    private readonly progress: Progress,
    readonly phase: string,
    readonly total: number,
  ) {
    if (!(total >= 0) || !Number.isFinite(total)) throw new Error(`Ticker(total): must be a finite number >= 0; got ${total}`);
    progress.report({ phase, kind: 'start', done: 0, total, elapsedSec: 0 });
  }

  elapsedSec(): number {
    return (Date.now() - this.t0) / 1000;
  }

  /** Report that `done` of `total` steps are finished. */
  tick(done: number, fields: Pick<ProgressEvent, 'epoch' | 'loss' | 'values' | 'message'> = {}): void {
    this.lastDone = done;
    const elapsedSec = this.elapsedSec();
    const etaSec = done > 0 ? (elapsedSec / done) * Math.max(0, this.total - done) : undefined;
    this.progress.report({ phase: this.phase, kind: 'update', done, total: this.total, elapsedSec, etaSec, ...fields });
  }

  end(fields: Pick<ProgressEvent, 'epoch' | 'loss' | 'values' | 'message' | 'interrupted'> = {}): void {
    this.progress.report({
      phase: this.phase,
      kind: 'end',
      done: this.lastDone,
      total: this.total,
      elapsedSec: this.elapsedSec(),
      etaSec: 0,
      ...fields,
    });
  }
}

/** "1m05s", "3.2s" */
export function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  const sec = Math.round(s - 60 * m);
  if (m < 60) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One line of text for an event: "train L=3 [#####.....] 50/100 epoch 2 loss 1.2345 · 3.2s, ETA 3.1s" */
export function formatEvent(e: ProgressEvent, width = 20): string {
  const frac = e.total > 0 ? Math.min(1, e.done / e.total) : 1;
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const parts = [`${e.phase} [${bar}] ${e.done}/${e.total}`];
  if (e.epoch !== undefined) parts.push(`epoch ${e.epoch}`);
  if (e.loss !== undefined) parts.push(`loss ${formatNumber(e.loss)}`);
  for (const [k, v] of Object.entries(e.values ?? {})) parts.push(`${k} ${formatNumber(v)}`);
  if (e.message) parts.push(e.message);
  const time =
    e.kind !== 'end' ? `${formatSeconds(e.elapsedSec)}, ETA ${formatSeconds(e.etaSec)}` : `${e.interrupted ? 'stopped after' : 'done in'} ${formatSeconds(e.elapsedSec)}`;
  return `${parts.join(' ')} · ${time}`;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}
