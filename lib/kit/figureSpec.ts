/**
 * What a figure is, as plain data: series (lines with optional error bars), heatmaps, reference lines
 * and a switcher between groups of traces. Any room can build one (the side-by-side tables, a paper's
 * figure data); `lib/notebook/figure` renders it with plotly.js (inline, in a browser, in a report).
 */

export interface Series {
  name: string;
  x: number[];
  y: number[];
  mode?: 'lines' | 'markers' | 'lines+markers';
  dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
  /** lower/upper confidence bounds (same length as y): drawn as asymmetric error bars */
  yLow?: number[];
  yHigh?: number[];
  /** marker symbol (plotly names: circle, square, diamond, x, triangle-up, ...) */
  marker?: string;
  color?: string;
  /**
   * The value of the figure's switcher parameter this trace belongs to (one of `switcher.values`):
   * the trace is shown only while that value is selected. Traces without a group are always shown.
   */
  group?: string;
}

/**
 * A parameter axis switched in the browser, without a kernel (also in exported reports): a plotly
 * slider (or dropdown) with one step per value, each showing the series of that `group` plus every
 * series without a group and the reference lines.
 */
export interface FigureSwitcher {
  /** what is switched, e.g. "SNR (dB)" */
  label: string;
  /** the values, in display order, e.g. ['0', '10', '20'] */
  values: string[];
  /** the value shown first (default values[0]) */
  initial?: string;
  /** a slider under the plot (default) or a dropdown above it */
  kind?: 'slider' | 'dropdown';
}

/**
 * A heatmap: one value per (row, column) cell, e.g. a gain over a grid of two test conditions. Drawn
 * with a diverging colour scale centred on `zmid` (red below, blue above), each cell labelled with its
 * `text`. With a switcher, `group` picks the value it belongs to, as for a series.
 */
export interface Heatmap {
  name: string;
  /** column labels (the x axis), left to right */
  x: (number | string)[];
  /** row labels (the y axis), bottom to top */
  y: (number | string)[];
  /** z[row][column]: y.length rows of x.length values; null (or a non-finite value) leaves the cell empty */
  z: (number | null)[][];
  /** a label per cell, the same shape as z (e.g. "+0.12 ± 0.01") */
  text?: string[][];
  /** the value at the centre of the colour scale (default 0) */
  zmid?: number;
  /** the colour bar's title (what z is, with its unit) */
  zLabel?: string;
  group?: string;
}

export interface FigureSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** heatmaps, drawn after the series (the series may then be empty) */
  heatmaps?: Heatmap[];
  logX?: boolean;
  logY?: boolean;
  /** spacing of the x-axis ticks (e.g. 1 for integer L) */
  xTickStep?: number;
  /** horizontal reference lines, e.g. "WMMSE at convergence" */
  hlines?: { y: number; name: string; dash?: Series['dash']; color?: string }[];
  width?: number;
  height?: number;
  /** switch between groups of series (`Series.group`) in the browser */
  switcher?: FigureSwitcher;
}
