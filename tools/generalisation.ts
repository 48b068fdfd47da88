/**
 * Compute the generalisation map of issue 21 (part 3) and write data/compare/generalisation.json
 * atomically (lib/compare/generalisation). One process, the installed backend (wasm: one thread).
 *
 *   npm run generalisation                     # the committed map (size 'full', seed 21)
 *   npm run generalisation -- quick /tmp/g.json  # a tiny map to another file
 */
import * as path from 'node:path';
import { initBackend } from '../lib/core/backend';
import { generalisationFindings, generalisationMap, GENERALISATION_FILE, GENERALISATION_SIZES, GeneralisationSize, writeGeneralisation } from '../lib/compare/generalisation';
import { terminalProgress } from '../lib/notebook/display';

async function main(): Promise<void> {
  const [sizeArg, outArg] = process.argv.slice(2);
  const size = (sizeArg ?? 'full') as GeneralisationSize;
  if (!GENERALISATION_SIZES.includes(size)) throw new Error(`usage: npm run generalisation -- [${GENERALISATION_SIZES.join('|')}] [out.json]; got size ${JSON.stringify(sizeArg)}`);
  const out = outArg ? path.resolve(outArg) : GENERALISATION_FILE;
  const info = await initBackend();
  console.log(`generalisation map (${size}) on ${info.name} → ${out}`);
  const t0 = Date.now();
  const map = await generalisationMap({ size, progress: terminalProgress() });
  writeGeneralisation(map, out);
  for (const p of map.papers) console.log(`${p.paper}: ${p.cells.length} cells in ${p.seconds.toFixed(1)} s`);
  for (const s of generalisationFindings(map)) console.log(`\n${s}`);
  console.log(`\nwrote ${out}; ${((Date.now() - t0) / 1000).toFixed(1)} s in total`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
