/**
 * The five papers' committed `reproduce` runs, read once: each through its paper's reader (schema and
 * checkpoints checked, or a clear error naming the file), then kept as plain JSON for `Traced` paths.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../kit/paths';
import * as c2po from '../papers/c2po';
import * as gnn from '../papers/gnn';
import * as mser from '../papers/mser';
import * as slp from '../papers/slp';
import * as wmmse from '../papers/wmmse';
import { indexWhere, traced, Traced } from './trace';

export type PaperId = 'unfolded-wmmse' | 'nno-c2po' | 'gnn-quantized-precoding' | 'slp-quantized-nn-weights' | 'mser-hybrid-beamforming';

export const PAPERS: readonly PaperId[] = ['unfolded-wmmse', 'nno-c2po', 'gnn-quantized-precoding', 'slp-quantized-nn-weights', 'mser-hybrid-beamforming'];

/** A committed run as JSON, with its file relative to the repository root. */
export interface CommittedRun {
  paper: PaperId;
  json: unknown;
  file: string;
}

export type CommittedRuns = Record<PaperId, CommittedRun>;

const READERS: Record<PaperId, { file: (preset: string) => string; read: (file: string) => unknown }> = {
  'unfolded-wmmse': { file: wmmse.savedRunFile, read: wmmse.readWmmseRun },
  'nno-c2po': { file: c2po.savedRunFile, read: c2po.readC2poRun },
  'gnn-quantized-precoding': { file: gnn.savedRunFile, read: gnn.readGnnRun },
  'slp-quantized-nn-weights': { file: slp.savedRunFile, read: slp.readSlpRun },
  'mser-hybrid-beamforming': { file: mser.savedRunFile, read: mser.readMserRun },
};

/** One paper's committed run of `preset` (default 'reproduce'). */
export function committedRun(paper: PaperId, preset = 'reproduce'): CommittedRun {
  const r = READERS[paper];
  if (!r) throw new Error(`committedRun(paper): one of ${PAPERS.join(', ')}; got ${String(paper)}`);
  const file = r.file(preset);
  r.read(file);
  return { paper, json: JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, file: path.relative(PROJECT_ROOT, file) };
}

/** All five committed runs (≈ 1 s: the MSER run is 20 MB). */
export function committedRuns(preset = 'reproduce'): CommittedRuns {
  return Object.fromEntries(PAPERS.map((p) => [p, committedRun(p, preset)])) as CommittedRuns;
}

/** The number (or `{ mean, se }`) at `p` in a committed run. */
export function at(r: CommittedRun, p: string): Traced {
  return traced(r.json, r.file, p);
}

/** The index in `nets` of the saved network whose meta has every field of `want` (and none of `absent`). */
export function netIndex(r: CommittedRun, want: Record<string, unknown>, absent: string[] = []): number {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return indexWhere<{ meta: Record<string, unknown> }>(
    r.json, 'nets',
    (n) => Object.entries(want).every(([k, v]) => same(n.meta[k], v)) && absent.every((k) => n.meta[k] === undefined || n.meta[k] === null),
    `a network with ${JSON.stringify(want)}${absent.length ? ` and no ${absent.join(', ')}` : ''}`,
  );
}
