/** The README's prose about the committed reproduce run is exactly what its saved results generate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runSummaries, updatedReadme } from '../../../tools/readmeRuns';

test("the README's run summary is generated from the committed run (no hand-typed numbers)", () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  assert.equal(updatedReadme(readme, runSummaries()), readme, 'README.md is stale: run npm run readme-runs');
  assert.throws(() => updatedReadme('no markers', runSummaries()), /README\.md has no block <!-- run-summary:unfolded-wmmse\/reproduce -->/);
});
