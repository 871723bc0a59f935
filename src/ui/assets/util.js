// Small helpers shared by the pages: DOM building, formatting, API calls.

// el('a', {href: '#/', class: 'x'}, 'text', childNode) -> element. Attributes
// starting with "on" become listeners; null/false children are skipped.
export function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function svg(tag, attrs = {}, ...children) {
  return el('svg:' + tag, attrs, ...children);
}

export async function api(path) {
  const res = await fetch(path, {headers: {Accept: 'application/json'}});
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON: reported below */ }
  if (!res.ok) throw new Error((body && body.error) || `${path}: HTTP ${res.status}`);
  return body;
}

// 0.35 s, 42 s, 3m 05s, 1h 02m
export function formatDuration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '';
  if (ms === 0) return '0';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatTime(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// "https://github.com/acme/web-app" -> "acme/web-app"
export function shortRepository(url) {
  if (!url) return '';
  return url.replace(/^[a-z]+:\/\/[^/]+\//, '').replace(/\.git$/, '');
}

// The state a badge shows: running wins over a result reported so far.
export function outcome(result, running) {
  if (running) return 'running';
  return result || 'unknown';
}

export function badge(result, running) {
  const o = outcome(result, running);
  return el('span', {class: `badge badge-${o}`}, o);
}

// What a span measures, as the server's analysis reads it: the tracer's
// pipetrace.wait.kind attribute, else the span name.
export function spanRole(span) {
  const kind = span.attributes && span.attributes['pipetrace.wait.kind'];
  if (kind === 'queue' || kind === 'scheduling') return 'wait';
  if (kind === 'image-pull') return 'pull';
  const name = span.name.toLowerCase();
  if (name.startsWith('pull ')) return 'pull';
  if (name === 'scheduling' || name.includes('queue') || name.includes('pending') || name.startsWith('wait')) return 'wait';
  return 'work';
}

// Kubelet and scheduler reasons that mean trouble.
const WARNING_EVENTS = new Set(['BackOff', 'OOMKilled', 'FailedScheduling', 'Failed', 'Unhealthy', 'Evicted',
  'FailedMount', 'FailedCreatePodSandBox', 'ErrImagePull', 'ImagePullBackOff', 'Killing']);

export function isWarningEvent(event) {
  return WARNING_EVENTS.has(event.name) || (event.attributes && event.attributes['k8s.event.type'] === 'Warning');
}

// A step for about `count` ticks over `totalMs`: 1, 2, 5, 10, 15, 30 s, 1, 2,
// 5, 10, 15, 30 min, 1, 2, 6, 12 h, then whole days.
export function timeStep(totalMs, count = 5) {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);
  const raw = Math.max(totalMs / count, 1);
  if (raw < 1000) {
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const f of [1, 2, 5, 10]) if (f * magnitude >= raw) return f * magnitude;
  }
  for (const step of steps) if (step >= raw) return step;
  return Math.ceil(raw / 86400000) * 86400000;
}

export function message(text, kind = 'info') {
  return el('p', {class: `message message-${kind}`}, text);
}
