// The page router: reads the location hash, renders the matching page and
// keeps at most one refresh timer alive (for running pipelines).
import {api, message} from './util.js';
import {renderTraceList} from './trace_list.js';
import {renderTrace} from './trace_view.js';
import {renderPipelines, renderPipeline} from './pipeline_views.js';

const app = document.getElementById('app');
const statusLine = document.getElementById('status');
const config = {traceUrlTemplate: '', pollIntervalMs: 5000};
// Bumped on each navigation, so that a late answer or timer of the previous
// page never draws over the current one.
let generation = 0;
let timer = null;

// "#/pipeline/a%2Fb?x=1" -> {parts: ['pipeline', 'a/b'], params: x=1}
function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const at = hash.indexOf('?');
  const path = at < 0 ? hash : hash.slice(0, at);
  const query = at < 0 ? '' : hash.slice(at + 1);
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

function pageContext(gen) {
  return {
    config,
    alive: () => gen === generation,
    poll(refresh) {
      if (gen !== generation) return;
      clearTimeout(timer);
      timer = setTimeout(() => { if (gen === generation) refresh(); }, config.pollIntervalMs);
    },
    setStatus(text) { statusLine.textContent = text; },
  };
}

async function route() {
  generation += 1;
  clearTimeout(timer);
  const ctx = pageContext(generation);
  const {parts, params} = parseHash();
  const section = parts[0] === 'pipelines' || parts[0] === 'pipeline' ? 'pipelines' : 'traces';
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === section));
  ctx.setStatus('');
  try {
    if (parts[0] === 'trace' && parts[1]) await renderTrace(app, parts[1], ctx);
    else if (parts[0] === 'pipelines') await renderPipelines(app, ctx);
    else if (parts[0] === 'pipeline' && parts[1]) await renderPipeline(app, parts[1], ctx);
    else await renderTraceList(app, params, ctx);
  } catch (e) {
    if (ctx.alive()) app.replaceChildren(message(e.message, 'error'));
  }
}

async function start() {
  try {
    Object.assign(config, await api('/api/config'));
  } catch (e) {
    statusLine.textContent = `configuration unavailable (${e.message}); using defaults`;
  }
  window.addEventListener('hashchange', route);
  await route();
}

start();
