/**
 * The public face of the workbook library: what notebooks (`import … from "@precoding-workbook/lib"`)
 * and scripts use. Rooms: core (numbers) ← phy (radio) ← train (learning) ← papers ← notebook (display).
 */
export * from './core/backend';
export { Rng } from './core/random';
export type { Seed } from './core/random';
export * as complex from './core/complex';
export type { Complex } from './core/complex';
export * as linalg from './core/linalg';
export * as linalgF64 from './core/linalgF64';
export * from './core/complexF64';

export * as special from './core/special';
export * from './core/validate';
export * from './core/safe';
export { InterruptedError, InterruptScope } from './core/interrupt';

export * as channels from './phy/channels';
export * as hybrid from './phy/hybrid';
export * from './phy/constellation';
export * from './phy/errorRate';
export * from './phy/conditionalSer';
export * from './phy/transceivers';
export * as quantizer from './phy/quantizer';
export * from './phy/precoders';
export * from './phy/metrics';
export * from './phy/radiation';

export * from './train/loop';
export * from './train/estimators';
export * from './train/scalars';
export * from './train/checkpoint';
export * from './train/params';
export * from './train/init';
export * from './train/layers';
export * from './train/progress';
export * as quantize from './train/quantize';

export * from './notebook/display';
export { show, showFigure, figureHtml, figureBundle, figureText, saveFigureHtml, toPlotly, setupFigures } from './notebook/figure';
export { setupNotebook } from './notebook/setup';
export { keepForCell, releaseForCell } from './notebook/cellResources';
export { installCellOrderHints } from './notebook/cellOrder';
export type { FigureSpec, Heatmap, Series } from './notebook/figure';
export * from './notebook/table';
export * from './notebook/results';

export * from './kit/stats';
export * from './kit/claims';
export * as schema from './kit/schema';
export * from './kit/savedRun';
export * from './kit/testSets';
export { dataFile } from './kit/paths';

export * as tour from './tour/experiments';
export * from './phy/link';
export * as wmmse from './papers/wmmse';
export * as c2po from './papers/c2po';
export * as gnn from './papers/gnn';
export * as slp from './papers/slp';
export * as mser from './papers/mser';
export * as compare from './compare';
