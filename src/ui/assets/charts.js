// Two small SVG charts for the pipeline page: run durations over time, and
// horizontal bars for the slowest tasks and steps. No library: a few
// elements each, scaled into a fixed viewBox that CSS stretches.
import {svg, formatDuration, formatTime, outcome, timeStep} from './util.js';

// runs: [{traceId, startMs, durationMs, result, inProgress}], oldest first.
export function durationChart(runs, onOpen) {
  const width = 760;
  const height = 240;
  const m = {left: 64, right: 16, top: 14, bottom: 34};
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const stepY = timeStep(Math.max(...runs.map((r) => r.durationMs), 1), 4);
  const maxY = Math.max(Math.ceil(Math.max(...runs.map((r) => r.durationMs), 1) / stepY), 1) * stepY;
  const tMin = Math.min(...runs.map((r) => r.startMs));
  const tMax = Math.max(...runs.map((r) => r.startMs));
  const x = (t) => m.left + (tMax > tMin ? ((t - tMin) / (tMax - tMin)) * plotW : plotW / 2);
  const y = (d) => m.top + plotH - (d / maxY) * plotH;

  const parts = [];
  for (let value = 0; value <= maxY + 1e-6; value += stepY) {
    parts.push(svg('line', {class: 'chart-grid', x1: m.left, x2: width - m.right, y1: y(value), y2: y(value)}));
    parts.push(svg('text', {class: 'chart-label', x: m.left - 6, y: y(value) + 4, 'text-anchor': 'end'}, formatDuration(value)));
  }
  const finished = runs.filter((r) => !r.inProgress);
  if (finished.length > 1) {
    parts.push(svg('polyline', {class: 'chart-line', points: finished.map((r) => `${x(r.startMs)},${y(r.durationMs)}`).join(' ')}));
  }
  for (const r of runs) {
    const o = outcome(r.result, r.inProgress);
    parts.push(svg('circle', {
      class: `run-point result-${o}`, cx: x(r.startMs), cy: y(r.durationMs), r: 5,
      'data-trace-id': r.traceId, onclick: () => onOpen(r.traceId),
    }, svg('title', {}, `${formatTime(r.startMs)} · ${formatDuration(r.durationMs)} · ${o}${r.runId ? ' · ' + r.runId : ''}`)));
  }
  parts.push(svg('text', {class: 'chart-label', x: m.left, y: height - 10}, formatTime(tMin)));
  if (tMax > tMin) {
    parts.push(svg('text', {class: 'chart-label', x: width - m.right, y: height - 10, 'text-anchor': 'end'}, formatTime(tMax)));
  }
  return svg('svg', {class: 'chart duration-chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'run durations over time'}, parts);
}

// items: [{name, count, meanMs, maxMs}]: a bar for the mean, a tick for the maximum.
export function slowestChart(items, label) {
  const width = 760;
  const rowH = 24;
  const labelW = 250;
  const valueW = 210;
  const height = items.length * rowH + 8;
  const maxV = Math.max(...items.map((i) => i.maxMs), 1);
  const scale = (v) => (v / maxV) * (width - labelW - valueW);
  const rows = items.map((item, i) => {
    const top = 4 + i * rowH;
    return svg('g', {class: 'slow-row'},
      svg('text', {class: 'chart-label', x: labelW - 8, y: top + 15, 'text-anchor': 'end'},
        item.name.length > 38 ? item.name.slice(0, 37) + '…' : item.name, svg('title', {}, item.name)),
      svg('rect', {class: 'slow-bar', x: labelW, y: top + 3, width: Math.max(scale(item.meanMs), 1), height: rowH - 8}),
      svg('line', {class: 'slow-max', x1: labelW + scale(item.maxMs), x2: labelW + scale(item.maxMs), y1: top + 1, y2: top + rowH - 3}),
      svg('text', {class: 'chart-label', x: labelW + scale(item.maxMs) + 6, y: top + 15},
        `${formatDuration(item.meanMs)} avg · ${formatDuration(item.maxMs)} max`));
  });
  return svg('svg', {class: 'chart slowest-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label}, rows);
}
