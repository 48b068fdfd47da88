/**
 * `setupNotebook()`: what a notebook's imports cell calls once, after its imports.
 *
 * - puts plotly.js on the page for the notebook's figures, in this cell's output, every time the cell
 *   runs (so a saved notebook always carries one copy, whatever else was re-run or cleared);
 * - turns "Cannot find name" errors of a cell run before the cells it depends on into one message
 *   naming the cells to run first.
 * Outside Jupyter (scripts, tests) it does nothing.
 */
import { installCellOrderHints } from './cellOrder';
import { inJupyter } from './display';
import { setupFigures } from './figure';

export function setupNotebook(): void {
  if (!inJupyter()) return;
  setupFigures();
  installCellOrderHints();
}
