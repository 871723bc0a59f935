// The waterfall (Gantt chart) of one trace: the span tree with collapse and
// expand, bars placed on the trace's time axis and coloured by status and
// role, and span events as markers on the bars.
import {el, formatDuration, spanRole, isWarningEvent, timeStep} from './util.js';

// Parents before children, siblings by start time. Spans whose parent is not
// in the trace (not arrived yet) are shown as roots.
export function spanTree(spans) {
  const nodes = new Map(spans.map((s) => [s.spanId, {span: s, children: []}]));
  const roots = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId && nodes.get(node.span.parentSpanId);
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a, b) => a.span.startMs - b.span.startMs || a.span.name.localeCompare(b.span.name);
  for (const node of nodes.values()) node.children.sort(byStart);
  roots.sort(byStart);
  return roots;
}

function barClass(span) {
  const classes = ['bar', `status-${span.status}`, `role-${spanRole(span)}`];
  if (span.inProgress) classes.push('in-progress');
  return classes.join(' ');
}

function eventTitle(event, t0) {
  const messageText = event.attributes && event.attributes['k8s.event.message'];
  return `${event.name} at +${formatDuration(event.timeMs - t0)}${messageText ? ': ' + messageText : ''}`;
}

// state: {collapsed: Set of span IDs, selected: span ID or null}; onSelect(span)
// is called on a row click; onToggle() after a collapse/expand. A span in
// progress is drawn up to when the tracer last saw it.
export function renderWaterfall(container, spans, state, {onSelect, onToggle}) {
  const roots = spanTree(spans);
  const t0 = Math.min(...spans.map((s) => s.startMs));
  const t1 = Math.max(...spans.map((s) => s.endMs));
  const total = Math.max(t1 - t0, 1);
  const pct = (ms) => `${((ms - t0) / total) * 100}%`;

  const step = timeStep(total);
  const ticks = [];
  for (let t = 0; t <= total + 1e-6; t += step) ticks.push(t);
  // Labels near the right edge end at their tick instead of overflowing.
  const axis = el('div', {class: 'wf-axis'}, ticks.map((t) =>
    el('span', {class: `wf-tick${t / total > 0.92 ? ' wf-tick-end' : ''}`, style: `left:${(t / total) * 100}%`}, formatDuration(t))));
  const grid = el('div', {class: 'wf-grid'}, ticks.map((t) =>
    el('span', {class: 'wf-gridline', style: `left:${(t / total) * 100}%`})));

  const rows = [];
  const addRows = (node, depth) => {
    const s = node.span;
    const hasChildren = node.children.length > 0;
    const collapsed = state.collapsed.has(s.spanId);
    const toggle = hasChildren
      ? el('button', {class: 'wf-toggle', title: collapsed ? 'expand' : 'collapse', 'aria-expanded': String(!collapsed),
        onclick: (event) => {
          event.stopPropagation();
          if (collapsed) state.collapsed.delete(s.spanId); else state.collapsed.add(s.spanId);
          onToggle();
        }}, collapsed ? '▸' : '▾')
      : el('span', {class: 'wf-toggle-space'});
    const end = s.endMs;
    const markers = (s.events || []).map((e) => el('span', {
      class: `event-marker${isWarningEvent(e) ? ' event-warning' : ''}`,
      style: `left:${pct(e.timeMs)}`,
      title: eventTitle(e, t0),
      'data-event': e.name,
    }));
    rows.push(el('div', {
      class: `wf-row${state.selected === s.spanId ? ' selected' : ''}${s.status === 'error' ? ' has-error' : ''}`,
      'data-span-id': s.spanId,
      'data-depth': depth,
      onclick: () => onSelect(s),
    },
    el('div', {class: 'wf-name', style: `padding-left:${depth * 14 + 4}px`, title: s.name},
      toggle,
      el('span', {class: 'wf-label'}, s.name),
      collapsed ? el('span', {class: 'wf-hidden-count'}, `+${countBelow(node)}`) : null,
      el('span', {class: 'wf-duration'}, formatDuration(end - s.startMs) + (s.inProgress ? ' …' : ''))),
    el('div', {class: 'wf-track'},
      el('div', {class: barClass(s), style: `left:${pct(s.startMs)};width:max(2px, ${((end - s.startMs) / total) * 100}%)`,
        title: `${s.name}: ${formatDuration(end - s.startMs)}${s.statusMessage ? ' — ' + s.statusMessage : ''}`}),
      markers)));
    if (!collapsed) node.children.forEach((c) => addRows(c, depth + 1));
  };
  roots.forEach((r) => addRows(r, 0));

  container.replaceChildren(
    el('div', {class: 'wf-header'}, el('div', {class: 'wf-name'}, `${spans.length} spans`), el('div', {class: 'wf-track'}, axis)),
    el('div', {class: 'wf-rows'}, el('div', {class: 'wf-grid-wrap'}, grid), rows));
  return {t0};
}

function countBelow(node) {
  return node.children.reduce((n, c) => n + 1 + countBelow(c), 0);
}
