// The pipelines page (statistics per pipeline) and one pipeline's page
// (durations over time, slowest tasks and steps).
import {el, api, formatDuration, formatTime, message} from './util.js';
import {durationChart, slowestChart} from './charts.js';

const percent = (rate) => `${Math.round(rate * 1000) / 10}%`;

export async function renderPipelines(root, ctx) {
  const data = await api('/api/pipelines');
  if (!ctx.alive()) return;
  if (!data.pipelines.length) {
    root.replaceChildren(message('No pipeline runs in the store yet.'));
    return;
  }
  const rows = data.pipelines.map((p) => el('tr', {class: 'pipeline-row', onclick: () => {
    location.hash = `#/pipeline/${encodeURIComponent(p.name)}`;
  }},
  el('td', {}, el('a', {href: `#/pipeline/${encodeURIComponent(p.name)}`}, p.name)),
  el('td', {class: 'num'}, String(p.runs)),
  el('td', {class: `num${p.failures ? ' errors' : ''}`}, p.finished ? percent(p.failureRate) : '—'),
  el('td', {class: 'num'}, formatDuration(p.p50Ms)),
  el('td', {class: 'num'}, formatDuration(p.p95Ms)),
  el('td', {}, formatTime(p.lastStartMs))));
  root.replaceChildren(el('section', {class: 'page'},
    el('h1', {}, 'Pipelines'),
    el('table', {class: 'pipelines'},
      el('thead', {}, el('tr', {}, ['Pipeline', 'Runs', 'Failure rate', 'p50', 'p95', 'Last run'].map((h) =>
        el('th', {class: ['Runs', 'Failure rate', 'p50', 'p95'].includes(h) ? 'num' : null}, h)))),
      el('tbody', {}, rows))));
}

export async function renderPipeline(root, name, ctx) {
  const data = await api(`/api/pipelines/${encodeURIComponent(name)}`);
  if (!ctx.alive()) return;
  const s = data.pipeline;
  const stat = (label, value) => el('div', {class: 'stat'}, el('div', {class: 'stat-value'}, value), el('div', {class: 'stat-label'}, label));
  const open = (traceId) => { location.hash = `#/trace/${traceId}`; };
  root.replaceChildren(el('section', {class: 'page pipeline-page'},
    el('h1', {}, s.name),
    el('div', {class: 'stats'},
      stat('runs', String(s.runs)),
      stat('failure rate', s.finished ? percent(s.failureRate) : '—'),
      stat('p50 duration', formatDuration(s.p50Ms)),
      stat('p95 duration', formatDuration(s.p95Ms)),
      stat('last run', formatTime(s.lastStartMs))),
    el('h2', {}, `Duration of the last ${data.runs.length} runs`),
    durationChart(data.runs, open),
    el('h2', {}, 'Slowest tasks'),
    data.slowestTasks.length ? slowestChart(data.slowestTasks, 'slowest tasks') : message('No task spans in these runs.'),
    el('h2', {}, 'Slowest steps'),
    data.slowestSteps.length ? slowestChart(data.slowestSteps, 'slowest steps') : message('No step spans in these runs.'),
    el('p', {}, el('a', {href: `#/?pipeline=${encodeURIComponent(s.name)}`}, 'all traces of this pipeline →'))));
}
