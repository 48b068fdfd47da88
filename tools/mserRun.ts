/**
 * The MSER notebook's reproduce run in worker processes (how data/mser-hybrid-beamforming/reproduce.json
 * is made; wasm runs one thread per process):
 *
 *   npx tsx tools/mserRun.ts calibrate reproduce <cal.json>                        # N_C and δ (first)
 *   npx tsx tools/mserRun.ts train reproduce <cal.json> <out.json> <key> [<key> …] [--from=<nets.json> …]
 *                                          # these networks (--from: restore networks they start from, e.g. transfer@5's unfolded@5)
 *   npx tsx tools/mserRun.ts baselines reproduce <cal.json> <out.json> <snr> [<snr> …]
 *   npx tsx tools/mserRun.ts studies reproduce <cal.json> <out.json> [<part> …]     # Tables II–III, Figs. 9–11: non-learned schemes (parts: table2 fig9 fig10 fig11)
 *   npx tsx tools/mserRun.ts keys reproduce                                        # every network key
 *   npx tsx tools/mserRun.ts merge reproduce <cal.json> <in.json> [<in.json> …]    # the saved run
 *
 * Every draw flows from the preset's seed and a network's key or an SNR, so the split changes no number.
 */
import * as fs from 'node:fs';
import { initBackend } from '../lib/core/backend';
import { writeFileAtomic } from '../lib/core/io';
import { terminalProgress } from '../lib/notebook/display';
import { Checkpoint, checkpointFromJson } from '../lib/train/checkpoint';
import { BaselinePoint, baselinesAt, Calibration, calibrateChannel, MserScheme, SchemeSer } from '../lib/papers/mser/experiments';
import { disposeNets, mserNets, netKey, netToCheckpoint, presetNets, specOfMeta } from '../lib/papers/mser/nets';
import { mserPreset, MserPreset, withChannel } from '../lib/papers/mser/presets';
import { mergeRun } from '../lib/papers/mser/saved';
import { mergeStudyBaselines, StudyBaselines, studyBaselines, StudyPart } from '../lib/papers/mser/studies';

type BaselineJson = { snrDb: number; ourSnrDb: number; schemes: (Omit<SchemeSer, 'ser'> & { ser: number[] })[] };

function readCalibration(file: string): Calibration {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Calibration;
}

function calibrated(p: MserPreset, calFile: string | undefined): MserPreset {
  if (!calFile) throw new Error('needs the calibration file <cal.json> (run `calibrate` first)');
  return withChannel(p, readCalibration(calFile).chosen);
}

async function main(): Promise<void> {
  const [mode, presetName, ...rest] = process.argv.slice(2);
  await initBackend();
  const base = mserPreset(presetName ?? '');
  const progress = terminalProgress();
  const t0 = Date.now();
  if (mode === 'calibrate') {
    const [out] = rest;
    if (!out) throw new Error('usage: calibrate <preset> <cal.json>');
    const cal = await calibrateChannel(base, { progress });
    writeFileAtomic(out, JSON.stringify(cal));
    for (const c of cal.curves) console.log(`N_C = ${c.clusters}: ${c.curve.map((q) => `${q.snrDb} dB ${q.ser.toExponential(2)}`).join(', ')}; δ ${c.fit?.offsetDb ?? 'n/a'} dB, residual ${c.fit?.residual.toFixed(3) ?? 'n/a'}`);
    console.log(`chosen: N_C = ${cal.chosen.clusters}, δ = ${cal.chosen.snrOffsetDb} dB (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  } else if (mode === 'keys') {
    console.log(presetNets(base).map(netKey).join(' '));
  } else if (mode === 'train') {
    const [calFile, out, ...args] = rest;
    const keys = args.filter((a) => !a.startsWith('--from='));
    if (!out || keys.length === 0) throw new Error('usage: train <preset> <cal.json> <out.json> <key> [<key> …] [--from=<nets.json> …]');
    const p = calibrated(base, calFile);
    // sources restored from earlier workers' files (not trained, not written again)
    const saved = new Map<string, Checkpoint>();
    const sources: string[] = [];
    for (const f of args.filter((a) => a.startsWith('--from=')).map((a) => a.slice('--from='.length))) {
      ((JSON.parse(fs.readFileSync(f, 'utf8')) as { nets?: unknown[] }).nets ?? []).forEach((c, i) => {
        const ck = checkpointFromJson(c, `${f}: nets[${i}]`) as Checkpoint;
        const key = netKey(specOfMeta(ck.meta as Record<string, unknown>, `${f}: nets[${i}]`));
        if (!keys.includes(key)) (saved.set(key, ck), sources.push(key));
      });
    }
    const all = await mserNets(p, { only: [...keys, ...sources], saved, savedFrom: 'the --from files', progress });
    const missing = keys.filter((k) => !all.has(k));
    if (missing.length > 0) throw new Error(`no network ${missing.join(', ')} in preset ${p.name}`);
    const nets = new Map([...all].filter(([k]) => keys.includes(k)));
    writeFileAtomic(out, JSON.stringify({ seconds: (Date.now() - t0) / 1000, nets: [...nets.values()].map((n) => netToCheckpoint(n, p)) }));
    disposeNets(new Map([...all].filter(([k]) => !keys.includes(k))));
    for (const n of nets.values()) console.log(`${n.key}: validation SER ${n.validation.start.toExponential(3)} → ${n.validation.end.toExponential(3)} (${n.seconds.toFixed(0)} s)`);
    disposeNets(nets);
  } else if (mode === 'baselines') {
    const [calFile, out, ...snrs] = rest;
    if (!out || snrs.length === 0) throw new Error('usage: baselines <preset> <cal.json> <out.json> <snr> [<snr> …]');
    const p = calibrated(base, calFile);
    const points: BaselineJson[] = [];
    for (const s of snrs.map(Number)) {
      const b = await baselinesAt(p, s, { progress });
      points.push({ ...b, schemes: b.schemes.map((x) => ({ ...x, ser: Array.from(x.ser) })) });
      console.log(`${s} dB: ${b.schemes.map((x) => `${x.scheme} ${(x.ser.reduce((a, v) => a + v, 0) / x.ser.length).toExponential(2)}`).join(', ')}`);
    }
    writeFileAtomic(out, JSON.stringify({ seconds: (Date.now() - t0) / 1000, baselines: points }));
  } else if (mode === 'studies') {
    const [calFile, out, ...parts] = rest;
    if (!out) throw new Error('usage: studies <preset> <cal.json> <out.json> [table2|fig9|fig10|fig11 …]');
    const p = calibrated(base, calFile);
    const studies = await studyBaselines(p, { progress, parts: parts.length ? (parts as StudyPart[]) : undefined });
    writeFileAtomic(out, JSON.stringify({ seconds: (Date.now() - t0) / 1000, studies }));
    for (const r of studies.table2) console.log(`K = ${r.users}, R_r = ${r.rxRf}: ${r.schemes.map((x) => `${x.scheme} ${(x.ser.reduce((a, v) => a + v, 0) / x.ser.length).toExponential(2)}`).join(', ')}`);
  } else if (mode === 'merge') {
    const [calFile, ...files] = rest;
    const p = calibrated(base, calFile);
    const saved = new Map<string, Checkpoint>();
    const baselines: BaselinePoint[] = [];
    let seconds = 0;
    let studies: StudyBaselines | null = null;
    for (const f of files) {
      const j = JSON.parse(fs.readFileSync(f, 'utf8')) as { seconds: number; nets?: unknown[]; baselines?: BaselineJson[]; studies?: StudyBaselines };
      seconds += j.seconds;
      if (j.studies) studies = studies ? mergeStudyBaselines(studies, j.studies, f) : j.studies;
      (j.nets ?? []).forEach((c, i) => {
        const ck = checkpointFromJson(c, `${f}: nets[${i}]`) as Checkpoint;
        const key = netKey(specOfMeta(ck.meta as Record<string, unknown>, `${f}: nets[${i}]`));
        if (saved.has(key)) throw new Error(`${f}: nets[${i}] (${key}) is also in an earlier file`);
        saved.set(key, ck);
      });
      for (const b of j.baselines ?? []) {
        if (baselines.some((x) => x.snrDb === b.snrDb)) throw new Error(`${f}: the baselines at ${b.snrDb} dB are also in an earlier file`);
        baselines.push({ ...b, schemes: b.schemes.map((x) => ({ ...x, scheme: x.scheme as MserScheme, ser: Float64Array.from(x.ser) })) });
      }
    }
    baselines.sort((a, b) => a.snrDb - b.snrDb);
    await mergeRun(p, { saved, baselines, calibration: readCalibration(calFile), studies, seconds }, files);
  } else {
    throw new Error('usage: tools/mserRun.ts calibrate|keys|train|baselines|studies|merge <preset> …');
  }
}

main().catch((e: Error) => {
  console.error(`mserRun: ${e.message}`);
  process.exit(1);
});
