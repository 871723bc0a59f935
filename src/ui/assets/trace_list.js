// The trace list: filters above, newest traces first, paging, and a refresh
// every few seconds so that running pipelines update in place.
import {el, api, badge, formatDuration, formatTime, shortRepository} from './util.js';

const PAGE_SIZE = 50;
const RESULTS = ['', 'running', 'success', 'failure', 'error', 'timeout', 'cancellation'];
const SINCE = [['', 'any time'], ['1h', 'last hour'], ['24h', 'last day'], ['7d', 'last week'], ['30d', 'last 30 days']];

function listHash(params) {
  const query = params.toString();
  return '#/' + (query ? '?' + query : '');
}

function filterForm(params, pipelineNames) {
  const text = (name, label, width) => el('label', {}, label,
    el('input', {name, value: params.get(name) || '', size: width, list: name === 'pipeline' ? 'pipeline-names' : null}));
  const select = (name, label, options) => el('label', {}, label,
    el('select', {name}, options.map(([value, caption]) =>
      el('option', {value, selected: (params.get(name) || '') === value}, caption))));
  const form = el('form', {class: 'filters', id: 'trace-filters'},
    text('q', 'Search', 18),
    text('repository', 'Repository', 24),
    text('pipeline', 'Pipeline', 14),
    select('result', 'Result', RESULTS.map((r) => [r, r || 'any'])),
    text('pr', 'PR', 5),
    text('commit', 'Commit', 9),
    select('since', 'Started', SINCE),
    el('button', {type: 'submit'}, 'Filter'),
    el('a', {href: '#/', class: 'clear'}, 'clear'),
    el('datalist', {id: 'pipeline-names'}, pipelineNames.map((n) => el('option', {value: n}))));
  const apply = (event) => {
    if (event) event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of new FormData(form).entries()) {
      if (String(value).trim()) next.set(key, String(value).trim());
    }
    location.hash = listHash(next);
  };
  form.addEventListener('submit', apply);
  form.querySelectorAll('select').forEach((s) => s.addEventListener('change', () => apply()));
  return form;
}

// A running trace shows how long it has run as of the tracer's last update.
function traceRow(t) {
  const open = () => { location.hash = `#/trace/${t.traceId}`; };
  const duration = t.durationMs;
  const change = t.changeId ? `#${t.changeId}` : (t.branch || '');
  return el('tr', {class: `trace-row${t.running ? ' running' : ''}`, 'data-trace-id': t.traceId, onclick: open},
    el('td', {}, badge(t.result, t.running)),
    el('td', {class: 'repo', title: t.repository}, shortRepository(t.repository) || '—'),
    el('td', {class: 'pipeline'},
      el('a', {href: `#/trace/${t.traceId}`}, t.pipeline || t.rootName),
      t.runId ? el('div', {class: 'sub'}, t.runId) : null),
    el('td', {class: 'change', title: t.commit}, change,
      t.commit ? el('div', {class: 'sub mono'}, t.commit.slice(0, 8)) : null),
    el('td', {class: 'start'}, formatTime(t.startMs)),
    el('td', {class: 'num'}, formatDuration(duration) + (t.running ? ' …' : '')),
    el('td', {class: 'num'}, String(t.spanCount),
      t.errorCount ? el('span', {class: 'errors'}, ` (${t.errorCount} failed)`) : null));
}

export async function renderTraceList(root, params, ctx) {
  let pipelineNames = [];
  try {
    pipelineNames = (await api('/api/pipelines')).pipelines.map((p) => p.name);
  } catch (e) { /* the list still works without suggestions */ }
  const offset = Math.max(0, Number(params.get('offset') || 0));
  const tbody = el('tbody');
  const table = el('table', {class: 'traces'},
    el('thead', {}, el('tr', {},
      ['Result', 'Repository', 'Pipeline / run', 'Change', 'Started', 'Duration', 'Spans'].map((h) =>
        el('th', {class: h === 'Duration' || h === 'Spans' ? 'num' : null}, h)))),
    tbody);
  const pager = el('div', {class: 'pager'});
  const empty = el('p', {class: 'message message-info', hidden: true});
  root.replaceChildren(el('section', {class: 'page'}, filterForm(params, pipelineNames), table, empty, pager));

  const refresh = async () => {
    const query = new URLSearchParams(params);
    query.delete('offset');
    query.set('limit', PAGE_SIZE);
    query.set('offset', offset);
    let page;
    try {
      page = await api('/api/traces?' + query.toString());
    } catch (e) {
      if (!ctx.alive()) return;
      ctx.setStatus(`could not refresh: ${e.message}`);
      ctx.poll(refresh);
      return;
    }
    if (!ctx.alive()) return;
    const now = Date.now();
    tbody.replaceChildren(...page.traces.map((t) => traceRow(t)));
    empty.hidden = page.traces.length > 0;
    empty.textContent = params.toString() ? 'No trace matches these filters.' : 'The store holds no traces yet.';
    const link = (label, to) => {
      const next = new URLSearchParams(params);
      if (to > 0) next.set('offset', to); else next.delete('offset');
      return el('a', {href: listHash(next)}, label);
    };
    pager.replaceChildren(
      offset > 0 ? link('← newer', Math.max(0, offset - PAGE_SIZE)) : el('span'),
      el('span', {}, page.total ? `${offset + 1}–${offset + page.traces.length} of ${page.total}` : ''),
      offset + page.traces.length < page.total ? link('older →', offset + PAGE_SIZE) : el('span'));
    const running = page.traces.filter((t) => t.running).length;
    ctx.setStatus(`updated ${new Date(now).toLocaleTimeString()}${running ? ` · ${running} running` : ''}`);
    ctx.poll(refresh);
  };
  await refresh();
}
