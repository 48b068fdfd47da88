/** Messages between the headless runner and its worker, and the nbformat output types it writes. */

export type CellOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, string>; metadata: Record<string, unknown>; displayId?: string }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export type WorkerRequest = { kind: 'execute'; index: number; source: string } | { kind: 'close' };

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'result'; index: number; ok: boolean; outputs: CellOutput[]; seconds: number; stderr: string }
  | { kind: 'update'; displayId: string; output: CellOutput }
  /** an exception from a timer or promise a cell started, thrown after that cell had finished */
  | { kind: 'late-error'; index: number; message: string; stack: string }
  /** the worker drained its pending timers and is about to exit */
  | { kind: 'closed' };
