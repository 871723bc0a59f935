// One trace: its header (result, repository, change, commit, links out), the
// waterfall, and a details panel for the selected span. Refreshes while the
// pipeline runs, keeping what was collapsed and selected.
import {el, api, badge, formatDuration, formatTime, shortRepository, isWarningEvent} from './util.js';
import {renderWaterfall} from './waterfall.js';

function factsOf(data, ctx) {
  const t = data.trace;
  const links = data.links || {};
  const facts = [];
  if (t.repository) {
    facts.push(links.repository
      ? el('a', {href: links.repository, target: '_blank', rel: 'noopener', class: 'repo-link'}, shortRepository(t.repository))
      : el('span', {}, t.repository));
  }
  if (t.changeId) {
    facts.push(links.change
      ? el('a', {href: links.change, target: '_blank', rel: 'noopener', class: 'change-link'}, `PR #${t.changeId}`)
      : el('span', {}, `PR #${t.changeId}`));
  }
  if (t.commit) {
    facts.push(links.commit
      ? el('a', {href: links.commit, target: '_blank', rel: 'noopener', class: 'commit-link mono'}, t.commit.slice(0, 8))
      : el('span', {class: 'mono'}, t.commit.slice(0, 8)));
  }
  if (t.branch) facts.push(el('span', {class: 'branch'}, t.branch));
  if (t.pipeline) facts.push(el('a', {href: `#/pipeline/${encodeURIComponent(t.pipeline)}`}, `pipeline ${t.pipeline}`));
  facts.push(el('span', {}, `started ${formatTime(t.startMs)}`));
  facts.push(el('span', {}, `${formatDuration(t.durationMs)}${t.running ? ' so far' : ''}`));
  facts.push(el('span', {}, `${t.spanCount} spans${t.errorCount ? `, ${t.errorCount} failed` : ''}`));
  if (links.backend) {
    facts.push(el('a', {href: links.backend, target: '_blank', rel: 'noopener', class: 'backend-link'}, 'open in tracing backend'));
  }
  return el('div', {class: 'facts'}, facts);
}

function valueNode(key, value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && /^https?:\/\//.test(value)) {
    return el('a', {href: value, target: '_blank', rel: 'noopener'}, text);
  }
  return text;
}

function attributeTable(title, attributes) {
  const entries = Object.entries(attributes || {});
  if (!entries.length) return null;
  return el('div', {class: 'detail-block'},
    el('h3', {}, title),
    el('table', {class: 'attributes'}, el('tbody', {}, entries.map(([k, v]) =>
      el('tr', {}, el('th', {}, k), el('td', {}, valueNode(k, v)))))));
}

function renderDetails(panel, span, t0) {
  if (!span) {
    panel.replaceChildren(el('p', {class: 'hint'}, 'Select a span to see its attributes and events.'));
    return;
  }
  const end = span.endMs;
  const events = (span.events || []).map((e) => el('li', {class: isWarningEvent(e) ? 'event-warning' : ''},
    el('span', {class: 'mono'}, `+${formatDuration(e.timeMs - t0)}`), ' ', el('strong', {}, e.name),
    e.attributes && e.attributes['k8s.event.message'] ? ` — ${e.attributes['k8s.event.message']}` : ''));
  panel.replaceChildren(...[
    el('h2', {}, span.name),
    el('div', {class: 'detail-facts'},
      el('span', {class: `status-pill status-${span.status}`}, span.inProgress ? 'in progress' : span.status),
      el('span', {}, `${formatDuration(end - span.startMs)}`),
      el('span', {}, `at +${formatDuration(span.startMs - t0)}`),
      el('span', {class: 'mono'}, span.spanId)),
    span.statusMessage ? el('p', {class: 'status-message'}, span.statusMessage) : null,
    attributeTable('Attributes', span.attributes),
    events.length ? el('div', {class: 'detail-block'}, el('h3', {}, 'Events'), el('ul', {class: 'events'}, events)) : null,
    (span.links || []).length ? el('div', {class: 'detail-block'}, el('h3', {}, 'Links'),
      el('ul', {}, span.links.map((l) => el('li', {class: 'mono'}, `${l.traceId} ${l.spanId}`)))) : null,
    attributeTable('Resource', span.resource)].filter(Boolean));
}

export async function renderTrace(root, traceId, ctx) {
  const state = {collapsed: new Set(), selected: null};
  const head = el('div', {class: 'trace-head'});
  const waterfall = el('div', {class: 'waterfall', id: 'waterfall'});
  const details = el('aside', {class: 'details', id: 'span-details'});
  const legend = el('div', {class: 'legend'},
    el('span', {class: 'legend-item'}, el('i', {class: 'bar status-unset role-work'}), 'work'),
    el('span', {class: 'legend-item'}, el('i', {class: 'bar status-error role-work'}), 'failed'),
    el('span', {class: 'legend-item'}, el('i', {class: 'bar status-unset role-wait'}), 'waiting (queue, scheduling)'),
    el('span', {class: 'legend-item'}, el('i', {class: 'bar status-unset role-pull'}), 'image pull'),
    el('span', {class: 'legend-item'}, el('i', {class: 'bar status-unset role-work in-progress'}), 'in progress'),
    el('span', {class: 'legend-item'}, el('i', {class: 'event-marker legend-marker'}), 'event'),
    el('span', {class: 'legend-item'}, el('i', {class: 'event-marker event-warning legend-marker'}), 'warning event'));
  root.replaceChildren(el('section', {class: 'page trace-page'}, head, el('div', {class: 'trace-body'}, waterfall, details), legend));

  let data = null;
  let t0 = 0;
  const draw = () => {
    const spans = data.spans;
    const selected = spans.find((s) => s.spanId === state.selected) || null;
    ({t0} = renderWaterfall(waterfall, spans, state, {
      onSelect: (span) => { state.selected = span.spanId; draw(); },
      onToggle: draw,
    }));
    renderDetails(details, selected, t0);
  };

  const refresh = async () => {
    try {
      data = await api(`/api/traces/${encodeURIComponent(traceId)}`);
    } catch (e) {
      if (!ctx.alive()) return;
      if (!data) throw e;
      ctx.setStatus(`could not refresh: ${e.message}`);
      ctx.poll(refresh);
      return;
    }
    if (!ctx.alive()) return;
    const t = data.trace;
    head.replaceChildren(
      el('div', {class: 'title-line'}, badge(t.result, t.running), el('h1', {}, t.rootName || t.traceId)),
      factsOf(data, ctx),
      el('div', {class: 'trace-id mono'}, `trace ${t.traceId}`));
    draw();
    if (t.running) {
      ctx.setStatus(`running · updated ${new Date().toLocaleTimeString()}`);
      ctx.poll(refresh);
    } else {
      ctx.setStatus('');
    }
  };
  await refresh();
}
