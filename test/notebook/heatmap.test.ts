/**
 * Heatmaps in a figure spec: plotly heatmap traces centred on zmid with cell labels, switched with the
 * series by the same slider (visibility arrays cover series, heatmaps, reference lines in that order),
 * and shape or group errors named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureText, toPlotly, FigureSpec, Heatmap } from '../../lib/notebook/figure';

const models = ['Rayleigh', 'LoS'];
const map = (g: string, k: number): Heatmap => ({
  name: `gain ${g}`, group: g, x: [-10, 0, 10], y: ['0', '0.1'], zLabel: 'gain (dB)',
  z: [[1 + k, 0, -1], [0.5, null, NaN]], text: [['+1', '0', '−1'], ['+0.5', '', '']],
});
const spec: FigureSpec = {
  title: 'generalisation', xLabel: 'SNR offset (dB)', yLabel: 'σ²', series: [],
  heatmaps: models.map(map), switcher: { label: 'channel model', values: models, initial: 'LoS' },
};

test('heatmap traces: z with gaps for null and non-finite cells, centred colour scale, labels, visibility by group', () => {
  const fig = toPlotly(spec);
  assert.equal(fig.data.length, 2);
  const t = fig.data[1] as Record<string, unknown>;
  assert.equal(t.type, 'heatmap');
  assert.deepEqual(t.z, [[2, 0, -1], [0.5, null, null]]);
  assert.equal(t.zmid, 0);
  assert.equal(t.reversescale, true, 'red below zmid, blue above');
  assert.equal(fig.layout.yaxis?.type, 'category', 'string row labels: evenly spaced rows');
  assert.equal(fig.layout.xaxis?.type, 'linear', 'numeric column labels');
  assert.equal(t.texttemplate, '%{text}');
  assert.deepEqual(fig.data.map((d) => d.visible), [false, true], 'initial: LoS');
  const steps = (fig.layout.sliders as { steps: { args: [{ visible: boolean[] }] }[] }[])[0].steps;
  assert.deepEqual(steps.map((s) => s.args[0].visible), [[true, false], [false, true]]);
  assert.match(figureText(spec), /gain Rayleigh \(heatmap\)/);
});

test('heatmaps beside series: the visibility arrays list series, then heatmaps, then reference lines', () => {
  const mixed: FigureSpec = { ...spec, series: [{ name: 'curve', x: [0, 1], y: [1, 2], group: 'LoS' }], hlines: [{ y: 0, name: 'zero' }] };
  const steps = (toPlotly(mixed).layout.sliders as { steps: { args: [{ visible: boolean[] }] }[] }[])[0].steps;
  assert.deepEqual(steps.map((s) => s.args[0].visible), [[false, true, false, true], [true, false, true, true]]);
});

test('heatmap errors name the heatmap and the rule', () => {
  assert.throws(() => toPlotly({ ...spec, heatmaps: [{ ...map('LoS', 0), z: [[1, 2, 3]] }] }), /heatmap "gain LoS": z has 1 rows, y has 2 labels/);
  assert.throws(() => toPlotly({ ...spec, heatmaps: [{ ...map('LoS', 0), z: [[1, 2], [3, 4]] }] }), /z\[0\] must have x\.length = 3 values/);
  assert.throws(() => toPlotly({ ...spec, heatmaps: [{ ...map('LoS', 0), text: [['a']] }] }), /text must have the shape of z/);
  assert.throws(() => toPlotly({ ...spec, heatmaps: [map('AWGN', 0)] }), /heatmap "gain AWGN": group "AWGN" is not one of switcher\.values/);
  assert.throws(() => toPlotly({ ...spec, switcher: undefined }), /heatmap "gain Rayleigh": has group/);
});
