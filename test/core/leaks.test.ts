/**
 * No leaks outside `tf.tidy`: every exported tensor function of lib/core and lib/phy, called with no
 * tidy around it, grows `tf.memory().numTensors` by exactly the number of tensors it returns (as
 * tfjs's own ops do), and returns new tensors, not its arguments. The exports are enumerated from
 * the files themselves, so a new export without a case in leakCases.ts (or a reason below) fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { backendTest } from '../helpers';
import { CASES, Call } from './leakCases';

const LIB = path.resolve(__dirname, '..', '..', 'lib');

/** Files with no tensor function at all: backend selection, files and the event loop, float64 special functions, SIGINT. */
const TENSOR_FREE_FILES = new Set(['core/backend', 'core/io', 'core/special', 'core/interrupt',
  // float64 JavaScript on ComplexBatchF64 throughout: linear algebra, exact SER, hybrid baselines
  'core/linalgF64', 'phy/conditionalSer', 'phy/hybrid/omp', 'phy/hybrid/altMin', 'phy/transceivers']);

/** Exports of the other files that make or take no tensors (numbers, arrays, option checks), or only free them. */
const NOT_TENSOR_FUNCTIONS = new Set([
  // shapes and scopes: read shapes only / return or free the tensors they are given
  'core/complex#batchShape', 'core/complex#dispose', 'core/complex#parts',
  // channel-file readers: bytes in, float64 arrays out (the tensors are made by loadChannels)
  'phy/channels/boundedJson#parseBoundedJson', 'phy/channels/matV5#readMatV5', 'phy/channels/matV73#isMatV73', 'phy/channels/matV73#readMatV73',
  // option checks (no tensor data)
  'core/validate#checkBatchShape', 'core/validate#checkComplex', 'core/validate#checkFinite', 'core/validate#checkFiniteNamed',
  'core/validate#checkMatrixBatch', 'core/validate#checkOptionalPositiveInt', 'core/validate#checkPositiveInt',
  // float64 JavaScript: eigendecomposition, ray angles, path sums, scenario defaults
  'core/linalg#eighHermitian', 'core/complexF64#toComplexBatchF64', 'core/complexF64#checkComplexBatchF64', 'phy/channels/clustered#angleOffsets', 'phy/channels/ula#superposePaths',
  'phy/channels/ula#ulaPhaseStep', 'phy/channels/geometric#geometricScenario',
  // constellation and quantiser constructors (plain numbers) and closed forms
  'phy/constellation#constellation', 'phy/constellation#qam', 'phy/constellation#psk', 'phy/constellation#qpsk',
  'phy/constellation#awgnErrorRate', 'phy/constellation#qpskBerAwgn', 'phy/constellation#qpskSerAwgn', 'phy/constellation#qamSerAwgn',
  'phy/constellation#qamBerAwgnApprox', 'phy/constellation#pskSerAwgn', 'phy/constellation#pskBerAwgnApprox',
  'phy/quantizer#oneBit', 'phy/quantizer#uniform', 'phy/quantizer#lloydMax', 'phy/quantizer#checkQuantizer', 'phy/quantizer#mse',
  'phy/quantizer#bussgangGain', 'phy/quantizer#distortionVariance',
  // error-rate bookkeeping
  'phy/errorRate#wilsonInterval', 'phy/errorRate#batchRng',
]);

/** Functions that may return (some of) the tensors they are given: the Complex constructor wraps them. */
const PASS_THROUGH = new Set(['core/complex#complex']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `file#export` of every exported function (and class) of lib/core and lib/phy; index files only re-export. */
function exportedFunctions(): string[] {
  const keys: string[] = [];
  for (const file of [...sources(path.join(LIB, 'core')), ...sources(path.join(LIB, 'phy'))]) {
    const rel = path.relative(LIB, file).replace(/\.ts$/, '').split(path.sep).join('/');
    if (rel.endsWith('/index') || TENSOR_FREE_FILES.has(rel)) continue;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod: Record<string, unknown> = require(file);
    for (const [name, v] of Object.entries(mod)) if (typeof v === 'function') keys.push(`${rel}#${name}`);
  }
  return keys.sort();
}

/** Distinct tensors reachable from a result (arrays, plain objects, Complex pairs). */
function tensorsIn(x: unknown, seen = new Set<unknown>(), out = new Set<tf.Tensor>()): Set<tf.Tensor> {
  if (x instanceof tf.Tensor) out.add(x);
  else if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x) && !seen.has(x)) {
    seen.add(x);
    for (const v of Array.isArray(x) ? x : Object.values(x as Record<string, unknown>)) tensorsIn(v, seen, out);
  }
  return out;
}

/** Run the call outside any tidy: growth of numTensors, tensors returned, and how many of those are new. */
async function measure(call: Call): Promise<{ grew: number; returned: number; fresh: number }> {
  const mark = tf.scalar(0);
  const firstNew = mark.id + 1;
  mark.dispose();
  const before = tf.memory().numTensors;
  const out = await call();
  const grew = tf.memory().numTensors - before;
  const ts = [...tensorsIn(out)];
  const fresh = ts.filter((t) => t.id >= firstNew).length;
  tf.dispose(ts.filter((t) => t.id >= firstNew));
  return { grew, returned: ts.length, fresh };
}

test('every exported function of lib/core and lib/phy has a leak case or a stated reason not to', () => {
  const keys = exportedFunctions();
  assert.ok(keys.length > 80, `found ${keys.length} exports`);
  const missing = keys.filter((k) => !(k in CASES) && !NOT_TENSOR_FUNCTIONS.has(k));
  assert.deepEqual(missing, [], 'exported functions without a case in test/core/leakCases.ts');
  const stale = [...Object.keys(CASES), ...NOT_TENSOR_FUNCTIONS].filter((k) => !keys.includes(k));
  assert.deepEqual(stale, [], 'cases or reasons for functions that are not exported (any more)');
});

backendTest('outside tf.tidy, each tensor function leaves exactly the tensors it returns, all new', async () => {
  assert.equal(tf.engine().state.scopeStack.length, 0, 'the test runs outside any tidy');
  const problems: string[] = [];
  for (const [key, build] of Object.entries(CASES)) {
    const { grew, returned, fresh } = await measure(build());
    if (grew !== fresh) problems.push(`${key}: numTensors grew by ${grew}, returned ${fresh} new tensors (${grew - fresh} leaked)`);
    if (fresh !== returned && !PASS_THROUGH.has(key)) problems.push(`${key}: returned ${returned - fresh} of its argument tensors`);
  }
  assert.deepEqual(problems, []);
});
