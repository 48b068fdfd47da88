/**
 * Backend selection: the fastest tfjs backend present, an override, and a report for results files.
 *
 * Order: `@tensorflow/tfjs-node` ("node", native libtensorflow), else `@tensorflow/tfjs-backend-wasm`
 * ("wasm"), else the pure-JS "cpu" backend. `PRECODING_BACKEND=cpu|wasm|node` (or the `prefer`
 * argument) overrides the choice; asking for a backend that is not installed is an error.
 *
 * The wasm backend lacks some kernels that training needs (e.g. `Conv2DBackpropFilter`, the gradient
 * of conv2d, and `UnsortedSegmentSum`, the gradient of gather). `fillWasmKernelGaps` registers, for
 * every real-valued kernel the cpu backend has and wasm lacks, a kernel that runs the cpu
 * implementation on copies of the inputs and writes the result back into wasm memory. Results are
 * bit-identical to the cpu backend's; the copy costs one read and one write per call.
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'node' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['node', 'wasm', 'cpu'];

/** What ran: stored in every results file. */
export interface BackendInfo {
  /** our name for it */
  name: BackendName;
  /** tfjs's own backend name (`tensorflow`, `wasm`, `cpu`) */
  tfjsBackend: string;
  /** version of @tensorflow/tfjs-core */
  tfjsVersion: string;
  /** why this one: override or automatic choice */
  chosenBy: 'override' | 'automatic';
  /** kernels wasm lacks that run through the cpu fallback (empty elsewhere) */
  cpuFallbackKernels: string[];
}

const TFJS_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

/** Kernels we never route through the cpu fallback: complex dtype, strings, ragged, drawing. */
const NO_FALLBACK = new Set([
  'Complex', 'ComplexAbs', 'Real', 'Imag', 'FFT', 'IFFT', 'RFFT', 'IRFFT', 'Draw',
  'StaticRegexReplace', 'StringNGrams', 'StringSplit', 'StringToHashBucketFast',
  'RaggedGather', 'RaggedRange', 'RaggedTensorToTensor',
]);

let current: BackendInfo | undefined;
let fallbackKernels: string[] = [];
let wasmGapsFilled = false;

function tryRequire(mod: string): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require(mod);
    return true;
  } catch {
    return false;
  }
}

/** Is the named backend installed and registrable here? Loads its package as a side effect. */
export function isAvailable(name: BackendName): boolean {
  switch (name) {
    case 'cpu':
      return true;
    case 'wasm':
      return tryRequire('@tensorflow/tfjs-backend-wasm');
    case 'node':
      return tryRequire('@tensorflow/tfjs-node');
  }
}

function parseOverride(value: string | undefined, source: string): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(`${source} must be one of ${BACKEND_NAMES.join(', ')}; got "${value}"`);
}

/**
 * Run the cpu implementation of a kernel for the wasm backend: copy inputs to cpu, run, copy back.
 * Every intermediate cpu buffer is released before returning.
 */
function cpuFallback(kernel: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend: target, attrs }) => {
    const backend = target as tf.KernelBackend;
    const cpu = tf.findBackend('cpu');
    if (!cpu) throw new Error('cpu backend missing: cannot run fallback for ' + kernel.kernelName);
    const owned: tf.DataId[] = [];
    const cpuInputs: tf.NamedTensorInfoMap = {};
    for (const [key, t] of Object.entries(inputs)) {
      if (t === undefined) continue;
      const id = cpu.write(backend.readSync(t.dataId), t.shape, t.dtype);
      owned.push(id);
      cpuInputs[key] = { dataId: id, shape: t.shape, dtype: t.dtype };
    }
    try {
      const out = kernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
      const outs = Array.isArray(out) ? out : [out];
      const moved = outs.map((o) => {
        const id = backend.write(cpu.readSync(o.dataId), o.shape, o.dtype);
        owned.push(o.dataId);
        return { dataId: id, shape: o.shape, dtype: o.dtype };
      });
      return Array.isArray(out) ? moved : moved[0];
    } finally {
      for (const id of owned) cpu.disposeData(id);
    }
  };
}

/**
 * Register a cpu-fallback kernel on wasm for every real-valued kernel cpu has and wasm lacks.
 * Returns the kernel names filled. Idempotent.
 */
export function fillWasmKernelGaps(): string[] {
  if (wasmGapsFilled) return fallbackKernels;
  const wasmKernels = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  const filled: string[] = [];
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (wasmKernels.has(k.kernelName) || NO_FALLBACK.has(k.kernelName)) continue;
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'wasm', kernelFunc: cpuFallback(k) });
    filled.push(k.kernelName);
  }
  fallbackKernels = filled.sort();
  wasmGapsFilled = true;
  return fallbackKernels;
}

/**
 * The selection rule, without side effects: the forced backend if it is installed (else an error
 * naming its package and the installed ones), otherwise the first installed of node > wasm > cpu.
 */
export function chooseBackend(forced: BackendName | undefined, installed: (b: BackendName) => boolean): BackendName {
  if (forced) {
    if (!installed(forced)) {
      throw new Error(
        `PRECODING_BACKEND=${forced} was requested but its package is not installed ` +
          `(${forced === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-backend-wasm'}); ` +
          `available: ${BACKEND_NAMES.filter((b) => b !== forced && installed(b)).join(', ')}`,
      );
    }
    return forced;
  }
  return BACKEND_NAMES.find((b) => installed(b)) ?? 'cpu';
}

/**
 * Select and initialise a backend. `prefer` (else `PRECODING_BACKEND`) forces one; otherwise the
 * fastest installed one wins. Safe to call again: switching is allowed, the info is refreshed.
 */
export async function initBackend(prefer?: BackendName | string): Promise<BackendInfo> {
  const forced =
    parseOverride(prefer, 'initBackend(prefer)') ??
    parseOverride(process.env.PRECODING_BACKEND, 'PRECODING_BACKEND');
  let name = chooseBackend(forced, isAvailable);
  if (name === 'wasm') fillWasmKernelGaps();
  const ok = await tf.setBackend(TFJS_NAME[name]);
  if (!ok) {
    if (forced) throw new Error(`PRECODING_BACKEND=${forced}: tfjs could not initialise it`);
    // automatic choice failed to initialise: fall back down the list
    const rest = BACKEND_NAMES.slice(BACKEND_NAMES.indexOf(name) + 1);
    for (const b of rest) {
      if (isAvailable(b) && (await tf.setBackend(TFJS_NAME[b]))) {
        name = b;
        break;
      }
    }
  }
  await tf.ready();
  current = {
    name,
    tfjsBackend: tf.getBackend(),
    tfjsVersion: tf.version_core,
    chosenBy: forced ? 'override' : 'automatic',
    cpuFallbackKernels: name === 'wasm' ? [...fallbackKernels] : [],
  };
  return current;
}

/**
 * Make `info` (a result of `initBackend` or `backendInfo`) the active backend again, as it was
 * reported then (e.g. after a test switched backends). Its package must still be installed.
 */
export async function restoreBackend(info: BackendInfo): Promise<BackendInfo> {
  if (!BACKEND_NAMES.includes(info.name) || !isAvailable(info.name)) {
    throw new Error(`restoreBackend(info): info.name must be an installed backend (${BACKEND_NAMES.filter((b) => isAvailable(b)).join(', ')}); got ${String(info.name)}`);
  }
  if (info.name === 'wasm') fillWasmKernelGaps();
  if (!(await tf.setBackend(TFJS_NAME[info.name]))) throw new Error(`restoreBackend(info): tfjs could not initialise ${info.name}`);
  await tf.ready();
  current = { ...info, tfjsBackend: tf.getBackend(), cpuFallbackKernels: [...info.cpuFallbackKernels] };
  return backendInfo();
}

/** The active backend, as stored in results files. Throws if `initBackend` was not awaited. */
export function backendInfo(): BackendInfo {
  if (!current || tf.getBackend() !== current.tfjsBackend) {
    throw new Error('no backend initialised: call `await initBackend()` first');
  }
  return { ...current, cpuFallbackKernels: [...current.cpuFallbackKernels] };
}

/** One line for logs and notebook headers. */
export function describeBackend(info: BackendInfo = backendInfo()): string {
  const fb = info.cpuFallbackKernels.length ? `, ${info.cpuFallbackKernels.length} kernels via cpu fallback` : '';
  return `tfjs ${info.tfjsVersion} on ${info.name} (${info.tfjsBackend}, ${info.chosenBy}${fb})`;
}
