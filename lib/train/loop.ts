/**
 * A training loop for unfolded networks and small neural nets: Adam (default) or plain SGD,
 * minibatches, epochs, learning-rate schedules, validation, early stopping with best-parameter
 * restore, optional gradient clipping, and a loss history returned as data. It knows nothing of any
 * paper: a paper supplies the trainable variables, a batch source and a loss.
 *
 * Memory: every step runs inside `tf.tidy`; batches returned by `batch()` are disposed after their
 * step. `history.numTensors` records `tf.memory().numTensors` at each epoch end so leaks show up.
 */
import * as tf from '@tensorflow/tfjs';
import { yieldToEventLoop } from '../core/io';
import { InterruptedError, InterruptScope } from '../core/interrupt';
import { checkOptionalPositiveInt, checkPositiveInt } from '../core/validate';
import { Progress, silentProgress, Ticker } from './progress';

export interface TrainConfig<B> {
  /** the trainable parameters */
  variables: tf.Variable[];
  /**
   * state that is not trained but belongs to the parameters (e.g. batch-norm running statistics):
   * snapshotted and restored with them when the best validated parameters are kept
   */
  state?: tf.Variable[];
  /** a minibatch for (epoch, step within the epoch); any tensors in it are disposed after the step */
  batch: (epoch: number, step: number) => B;
  /** scalar loss to minimise on a batch */
  loss: (batch: B) => tf.Scalar;
  epochs: number;
  stepsPerEpoch: number;
  /** learning rate, or a schedule of the global step (read before each step, for either optimiser) */
  learningRate: number | ((globalStep: number) => number);
  /**
   * 'adam' (default) or 'sgd': plain gradient descent x ← x − η_t ∇f (tf.train.sgd, no momentum), e.g.
   * the MSER paper's Algorithm 2 with η_t = 0.02·0.5^⌊t/10⌋
   */
  optimizer?: 'adam' | 'sgd';
  /** Adam β1, β2, ε (tfjs defaults 0.9, 0.999, 1e-8 unless given); only with optimizer 'adam' */
  adam?: { beta1?: number; beta2?: number; epsilon?: number };
  /** validation loss (lower is better), run every `validateEvery` epochs; read once */
  validate?: () => number;
  validateEvery?: number;
  /**
   * Also validate the starting parameters (recorded as epoch −1) and keep them as a candidate for
   * the best: the returned parameters are then never worse on validation than where training began
   * (a warm start from a trained network). Needs `validate`.
   */
  validateAtStart?: boolean;
  /** stop after this many validations without improvement; restores the best parameters */
  patience?: number;
  /** clip gradients by global norm */
  clipNorm?: number;
  /** what to do with a non-finite loss: throw (default) or skip the update */
  onNonFinite?: 'throw' | 'skip';
  progress?: Progress;
  /** label for progress output */
  phase?: string;
}

export interface TrainHistory {
  /** global step index of each recorded loss */
  step: number[];
  epoch: number[];
  loss: number[];
  validation: { epoch: number; loss: number }[];
  /** tf.memory().numTensors at the end of each epoch */
  numTensors: number[];
  bestValidation?: { epoch: number; loss: number };
  stoppedEarly: boolean;
  skippedSteps: number;
  seconds: number;
}

/** Disposes every tensor reachable in a batch object (arrays, plain objects, Complex pairs). */
export function disposeBatch(b: unknown): void {
  if (b instanceof tf.Tensor) b.dispose();
  else if (Array.isArray(b)) b.forEach(disposeBatch);
  else if (b !== null && typeof b === 'object') Object.values(b as Record<string, unknown>).forEach(disposeBatch);
}

/** Scale all gradients by min(1, clipNorm/‖g‖) where ‖g‖ is the global norm over all of them. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
    const factor = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    const out: tf.NamedTensorMap = {};
    for (const n of names) out[n] = tf.mul(grads[n], factor);
    return out;
  });
}

/**
 * Train `variables` to minimise `loss` with Adam (or plain SGD, `optimizer: 'sgd'`). Returns the
 * loss history as data. Async only so that progress reaches a Jupyter cell while it runs (it yields
 * to the event loop every ~100 ms). An interrupt (SIGINT) stops it at the next step with `InterruptedError` ("training interrupted at
 * step n/N"): the variables keep the values of the last step, nothing is restored.
 */
export async function train<B>(cfg: TrainConfig<B>): Promise<TrainHistory> {
  checkPositiveInt('train', 'epochs', cfg.epochs);
  checkPositiveInt('train', 'stepsPerEpoch', cfg.stepsPerEpoch);
  if (cfg.variables.length === 0) throw new Error('variables: nothing to train (empty list)');
  const lr0 = typeof cfg.learningRate === 'number' ? cfg.learningRate : cfg.learningRate(0);
  if (!(lr0 > 0) || !Number.isFinite(lr0)) throw new Error(`learningRate must be a finite number > 0; got ${lr0}`);
  if (cfg.clipNorm !== undefined && !(cfg.clipNorm > 0)) throw new Error(`clipNorm must be > 0; got ${cfg.clipNorm}`);
  const validateEvery = cfg.validateEvery ?? 1;
  checkPositiveInt('train', 'validateEvery', validateEvery);
  checkOptionalPositiveInt('train', 'patience', cfg.patience);

  const kind = cfg.optimizer ?? 'adam';
  if (kind !== 'adam' && kind !== 'sgd') throw new Error(`train: optimizer must be 'adam' or 'sgd'; got ${JSON.stringify(kind)}`);
  if (kind === 'sgd' && cfg.adam !== undefined) throw new Error("train: adam options need optimizer 'adam'; got optimizer 'sgd'");
  const sgd = kind === 'sgd' ? tf.train.sgd(lr0) : undefined;
  const optimizer: tf.Optimizer = sgd ?? tf.train.adam(lr0, cfg.adam?.beta1, cfg.adam?.beta2, cfg.adam?.epsilon);
  // A schedule updates the rate before each step. Adam reads its protected `learningRate` field at
  // every step; SGD multiplies by a kept scalar −η that only `setLearningRate` replaces.
  let lrNow = lr0;
  const setLr = (lr: number) => {
    if (lr === lrNow) return;
    lrNow = lr;
    if (sgd) sgd.setLearningRate(lr);
    else (optimizer as unknown as { learningRate: number }).learningRate = lr;
  };
  const history: TrainHistory = {
    step: [], epoch: [], loss: [], validation: [], numTensors: [], stoppedEarly: false, skippedSteps: 0, seconds: 0,
  };
  const progress = cfg.progress ?? silentProgress;
  const total = cfg.epochs * cfg.stepsPerEpoch;
  const ticker = new Ticker(progress, cfg.phase ?? 'train', total);
  let best: { epoch: number; loss: number; values: tf.Tensor[] } | undefined;
  const kept = [...cfg.variables, ...(cfg.state ?? [])];
  let sinceBest = 0;
  let globalStep = 0;
  if (cfg.validateAtStart) {
    if (!cfg.validate) throw new Error('train: validateAtStart needs validate');
    const v0 = cfg.validate();
    history.validation.push({ epoch: -1, loss: v0 });
    if (Number.isFinite(v0)) best = { epoch: -1, loss: v0, values: kept.map((v) => tf.clone(v)) };
  }
  // SIGINT (Jupyter's ■, Ctrl-C) stops training at the next step: "training interrupted at step n/N"
  const interrupt = new InterruptScope('training');
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      let epochLoss = 0;
      for (let s = 0; s < cfg.stepsPerEpoch; s++, globalStep++) {
        if (typeof cfg.learningRate === 'function') setLr(cfg.learningRate(globalStep));
        const batch = cfg.batch(epoch, s);
        let lossValue: number;
        try {
          lossValue = tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => cfg.loss(batch), cfg.variables);
            const v = value.dataSync()[0];
            if (Number.isFinite(v)) {
              const g = cfg.clipNorm ? clipByGlobalNorm(grads, cfg.clipNorm) : grads;
              optimizer.applyGradients(g as Parameters<typeof optimizer.applyGradients>[0]);
            }
            return v;
          });
        } finally {
          disposeBatch(batch);
        }
        if (!Number.isFinite(lossValue)) {
          if (cfg.onNonFinite === 'skip') {
            history.skippedSteps++;
            continue;
          }
          throw new Error(`loss is ${lossValue} at epoch ${epoch}, step ${s}: check the learning rate and input scaling`);
        }
        history.step.push(globalStep);
        history.epoch.push(epoch);
        history.loss.push(lossValue);
        epochLoss += lossValue;
        ticker.tick(globalStep + 1, { epoch, loss: lossValue });
        await yieldToEventLoop();
        interrupt.check(globalStep + 1, total);
      }
      const values: Record<string, number> = { 'epoch loss': epochLoss / cfg.stepsPerEpoch };
      if (cfg.validate && ((epoch + 1) % validateEvery === 0 || epoch === cfg.epochs - 1)) {
        const vl = cfg.validate();
        history.validation.push({ epoch, loss: vl });
        values['val loss'] = vl;
        // a non-finite validation (NaN, ±∞) is never the best one: it counts against patience
        if (Number.isFinite(vl) && (!best || vl < best.loss)) {
          best?.values.forEach((t) => t.dispose());
          best = { epoch, loss: vl, values: kept.map((v) => tf.clone(v)) };
          sinceBest = 0;
        } else {
          sinceBest++;
        }
      }
      history.numTensors.push(tf.memory().numTensors);
      ticker.tick(globalStep, { epoch, values });
      if (cfg.patience !== undefined && sinceBest >= cfg.patience) {
        history.stoppedEarly = true;
        break;
      }
    }
    if (best) {
      // restore the best validated parameters
      kept.forEach((v, i) => v.assign(best!.values[i]));
      history.bestValidation = { epoch: best.epoch, loss: best.loss };
    }
  } catch (e) {
    // the progress display shows where it stopped; the error ends the caller's cell
    if (e instanceof InterruptedError) ticker.end({ message: e.message, interrupted: true });
    throw e;
  } finally {
    interrupt.dispose();
    best?.values.forEach((t) => t.dispose());
    optimizer.dispose();
  }
  history.seconds = ticker.elapsedSec();
  ticker.end({ loss: history.loss[history.loss.length - 1], message: history.stoppedEarly ? 'early stop' : undefined });
  return history;
}
