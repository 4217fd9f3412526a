/**
 * Plots as SVG strings with no dependencies (browser-safe): line charts and training curves,
 * scatter plots, histograms, confusion-matrix heatmaps and image grids, with nice 1-2-5 ticks,
 * legends and escaped text. `nabla/node`'s `train.savePlot(svg, path)` writes them to files.
 * @example
 * const svg = plot.trainingCurves(history, { metrics: ['accuracy'] });
 * document.body.innerHTML = svg; // or train.savePlot(svg, 'curves.svg') in Node
 */
export {
  lineChart,
  trainingCurves,
  type LineSeries,
  type LineChartOptions,
  type TrainingCurvesOptions,
} from './line.js';
export { scatter, histogram, type ScatterSeries, type ScatterOptions, type HistogramOptions } from './scatter.js';
export { confusionMatrix, type ConfusionMatrixPlotOptions } from './heatmap.js';
export { imageGrid, type ImageGridOptions } from './images.js';
export type { ChartOptions } from './axes.js';
export { escapeXml } from './svg.js';
export { niceTicks, niceStep, logTicks, formatTick, type NiceAxis } from './ticks.js';
