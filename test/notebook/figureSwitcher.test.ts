import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureBundle, figureHtml, figureText, toPlotly, FigureSpec, Series } from '../../lib/notebook/figure';
import { checkPlotSpec } from '../../tools/report';

interface Step {
  label: string;
  method: string;
  args: [{ visible: boolean[] }];
}
interface SliderOut {
  active: number;
  steps: Step[];
  currentvalue: { prefix: string };
}
interface MenuOut {
  type: string;
  active: number;
  buttons: Step[];
}

const snrs = ['0', '10', '20'];
/** Two grouped curves per SNR, interleaved with one ungrouped curve, plus a reference line. */
function sweep(): Series[] {
  const out: Series[] = [{ name: 'bound', x: [1, 4], y: [12, 12] }];
  snrs.forEach((g, k) => {
    out.push({ name: `ZF ${g}`, x: [1, 2, 3], y: [1 + k, 2 + k, 3 + k], group: g });
    out.push({ name: `WMMSE ${g}`, x: [1, 2, 3], y: [2 + k, 3 + k, 4 + k], group: g, dash: 'dash' });
  });
  return out;
}
const spec: FigureSpec = {
  title: 'WSR vs L',
  xLabel: 'layers L',
  yLabel: 'WSR',
  series: sweep(),
  hlines: [{ y: 2, name: 'baseline' }],
  switcher: { label: 'SNR (dB)', values: snrs },
};
const nTraces = spec.series.length + 1;

function sliderOf(s: FigureSpec): SliderOut {
  const sliders = toPlotly(s).layout.sliders as unknown as SliderOut[] | undefined;
  assert.ok(sliders && sliders.length === 1, 'one slider');
  return sliders[0];
}
function menuOf(s: FigureSpec): MenuOut {
  const menus = toPlotly(s).layout.updatemenus as unknown as MenuOut[] | undefined;
  assert.ok(Array.isArray(menus) && menus.length === 1, 'one dropdown');
  return menus[0];
}
/** The visibility each step sets, by its value. */
function visibilityByValue(steps: Step[]): Map<string, boolean[]> {
  return new Map(steps.map((st) => [st.label, st.args[0].visible]));
}

test('slider: one restyle step per value, in order; each shows exactly its group, ungrouped traces and reference lines', () => {
  const sl = sliderOf(spec);
  assert.deepEqual(sl.steps.map((s) => s.label), snrs);
  assert.ok(sl.steps.every((s) => s.method === 'restyle' && s.args.length === 1));
  assert.equal(sl.active, 0);
  assert.match(sl.currentvalue.prefix, /^SNR \(dB\)/);
  const groups = spec.series.map((s) => s.group).concat([undefined]); // + hline
  for (const st of sl.steps) {
    assert.equal(st.args[0].visible.length, nTraces, 'covers every trace');
    assert.deepEqual(st.args[0].visible, groups.map((g) => g === undefined || g === st.label));
  }
  // ungrouped series (index 0) and the reference line (last) are visible in every step
  for (const st of sl.steps) assert.ok(st.args[0].visible[0] && st.args[0].visible[nTraces - 1]);
});

test('identity: for each step, the traces made visible are the series of that group plus the ungrouped ones', () => {
  const fig = toPlotly(spec);
  const byValue = visibilityByValue(sliderOf(spec).steps);
  for (const v of snrs) {
    const shown = fig.data.filter((_, i) => byValue.get(v)![i]).map((t) => t.name);
    const expected = spec.series.filter((s) => s.group === v || s.group === undefined).map((s) => s.name).concat(['baseline']);
    assert.deepEqual(shown.sort(), expected.sort(), `value ${v}`);
    const grouped = fig.data.filter((_, i) => byValue.get(v)![i] && i < spec.series.length && spec.series[i].group !== undefined);
    assert.deepEqual(grouped.map((t) => t.name), [`ZF ${v}`, `WMMSE ${v}`]);
  }
  // the steps partition the grouped series: each is shown by exactly one step
  spec.series.forEach((s, i) => {
    const n = snrs.filter((v) => byValue.get(v)![i]).length;
    assert.equal(n, s.group === undefined ? snrs.length : 1, `series ${s.name}`);
  });
});

test('initial visibility: grouped traces of the initial value only (default values[0]); ungrouped traces carry no visible key', () => {
  const vis = (s: FigureSpec) => toPlotly(s).data.map((t) => t.visible);
  assert.deepEqual(vis(spec), [undefined, true, true, false, false, false, false, undefined]);
  const at10: FigureSpec = { ...spec, switcher: { ...spec.switcher!, initial: '10' } };
  assert.deepEqual(vis(at10), [undefined, false, false, true, true, false, false, undefined]);
  assert.equal(sliderOf(at10).active, 1);
  // and what is drawn first equals what the active step sets
  const first = toPlotly(at10).data.map((t) => t.visible !== false);
  assert.deepEqual(first, sliderOf(at10).steps[1].args[0].visible);
});

test('slider leaves room under the plot: a larger bottom margin, and a taller default figure (an explicit height is kept)', () => {
  const plain = toPlotly({ ...spec, series: spec.series.map(({ group: _g, ...s }) => s), switcher: undefined }).layout;
  const sw = toPlotly(spec).layout;
  assert.ok((sw.margin!.b as number) >= (plain.margin!.b as number) + 80, `margin.b ${sw.margin!.b}`);
  assert.equal((sw.height as number) - (plain.height as number), (sw.margin!.b as number) - (plain.margin!.b as number));
  assert.equal(toPlotly({ ...spec, height: 500 }).layout.height, 500);
  assert.equal(plain.sliders, undefined);
  assert.equal(plain.updatemenus, undefined);
});

test('dropdown: updatemenus with one restyle button per value, the same visibility as the slider, no slider', () => {
  const dd: FigureSpec = { ...spec, switcher: { ...spec.switcher!, kind: 'dropdown', initial: '20' } };
  const fig = toPlotly(dd);
  assert.equal(fig.layout.sliders, undefined);
  const m = menuOf(dd);
  assert.equal(m.type, 'dropdown');
  assert.equal(m.active, 2);
  assert.deepEqual(m.buttons.map((b) => b.label), ['SNR (dB): 0', 'SNR (dB): 10', 'SNR (dB): 20']);
  assert.ok(m.buttons.every((b) => b.method === 'restyle'));
  const slider = sliderOf(spec).steps.map((s) => s.args[0].visible);
  assert.deepEqual(m.buttons.map((b) => b.args[0].visible), slider);
  assert.deepEqual(fig.data.map((t) => t.visible !== false), slider[2]);
  assert.ok((fig.layout.margin!.t as number) > 50, 'room above the plot for the dropdown');
});

test('switcher errors name the field and the allowed values', () => {
  const sw = spec.switcher!;
  assert.throws(() => toPlotly({ ...spec, switcher: { ...sw, values: [] } }), /figure "WSR vs L", switcher\.values: must be a non-empty array/);
  assert.throws(() => toPlotly({ ...spec, switcher: { ...sw, values: ['0', '10', '0', '20'] } }), /switcher\.values: "0" appears more than once/);
  assert.throws(
    () => toPlotly({ ...spec, switcher: { ...sw, values: ['0', '10'] } }),
    /figure "WSR vs L", series "ZF 20": group "20" is not one of switcher\.values \{0, 10\}/,
  );
  assert.throws(() => toPlotly({ ...spec, switcher: { ...sw, initial: '5' } }), /switcher\.initial: "5" is not one of switcher\.values \{0, 10, 20\}/);
  assert.throws(() => toPlotly({ ...spec, switcher: undefined }), /series "ZF 0": has group "0" but the figure has no switcher/);
  assert.throws(() => toPlotly({ ...spec, switcher: { ...sw, kind: 'radio' as 'slider' } }), /switcher\.kind: must be 'slider' or 'dropdown'; got "radio"/);
  assert.throws(() => toPlotly({ ...spec, switcher: { ...sw, values: [0, 10, 20] as unknown as string[] } }), /switcher\.values: must be strings; got number 0/);
  // the same checks guard the HTML, the bundle and the text line's producers
  assert.throws(() => figureHtml({ ...spec, switcher: { ...sw, initial: '5' } }), /switcher\.initial/);
  assert.throws(() => figureBundle({ ...spec, switcher: undefined }), /has no switcher/);
  // a value without series of its own is allowed (the step shows the ungrouped traces only)
  const sl = sliderOf({ ...spec, switcher: { ...sw, values: [...snrs, '30'] } });
  assert.deepEqual(sl.steps[3].args[0].visible, spec.series.map((s) => s.group === undefined).concat([true]));
});

test('figure HTML and bundle carry the slider in their plotly spec; the report keeps it; the text line names the switch', () => {
  const html = figureHtml(spec, { id: 'sw1' });
  const m = html.match(/<script type="application\/json" class="pw-figure-spec" data-for="sw1">(.*?)<\/script>/s);
  assert.ok(m);
  const embedded = JSON.parse(m![1]) as { data: { visible?: boolean }[]; layout: { sliders: SliderOut[] } };
  assert.deepEqual(embedded.layout.sliders, JSON.parse(JSON.stringify(toPlotly(spec).layout.sliders)));
  assert.deepEqual(embedded.data.map((t) => t.visible), [undefined, true, true, false, false, false, false, undefined]);
  const bundle = figureBundle(spec, { id: 'sw1' });
  const plotly = bundle['application/vnd.plotly.v1+json'] as { layout: { sliders: SliderOut[] } };
  assert.equal(plotly.layout.sliders[0].steps.length, 3);
  // the report exporter rebuilds figures from either spec through checkPlotSpec: sliders and menus survive
  const kept = checkPlotSpec(m![1]);
  assert.deepEqual(kept.layout.sliders, embedded.layout.sliders);
  const dd = checkPlotSpec(JSON.stringify(toPlotly({ ...spec, switcher: { ...spec.switcher!, kind: 'dropdown' } })));
  assert.equal((dd.layout.updatemenus as unknown as MenuOut[])[0].buttons.length, 3);
  assert.equal(
    figureText(spec),
    'Figure: WSR vs L (WSR vs layers L; 8 series: bound, ZF 0, WMMSE 0, ZF 10, WMMSE 10, ZF 20, WMMSE 20, baseline; switch: SNR (dB) ∈ {0, 10, 20})',
  );
  assert.equal(bundle['text/plain'], figureText(spec));
});

test('figures without a switcher are unchanged: no visible keys, sliders or menus, the old text line', () => {
  const plain: FigureSpec = { title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [1], y: [1] }], hlines: [{ y: 0, name: 'h' }] };
  const fig = toPlotly(plain);
  assert.ok(fig.data.every((t) => !('visible' in t)));
  assert.ok(!('sliders' in fig.layout) && !('updatemenus' in fig.layout));
  assert.deepEqual(fig.layout.margin, { l: 70, r: 20, t: 50, b: 60 });
  assert.equal(fig.layout.height, 440);
  assert.equal(figureText(plain), 'Figure: t (y vs x; 2 series: a, h)');
});
