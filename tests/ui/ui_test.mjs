// Drives the pipetrace web UI in headless Chromium: the trace list, its
// filters and live updates, one failing trace (waterfall rows, error colour,
// collapse/expand, details, links out), and the pipeline pages. Saves a
// screenshot of each page into ARTIFACT_DIR. Run by run-ui-test.
import assert from 'node:assert/strict';
import {spawn, execFileSync} from 'node:child_process';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run this through run-ui-test`);
  return value;
};
const pipetrace = env('PIPETRACE_BIN');
const storeWriter = env('STORE_WRITER_BIN');
const storeDir = env('STORE_DIR');
const artifacts = env('ARTIFACT_DIR');
const expected = JSON.parse(env('EXPECTED'));
const backendTemplate = 'http://tempo.example/explore?trace={traceId}';

function startUi() {
  const child = spawn(pipetrace, ['ui', '--data-dir', storeDir, '--listen-addr', '127.0.0.1:0',
    '--trace-url-template', backendTemplate, '--poll-interval', '1s'], {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`pipetrace ui exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`pipetrace ui printed no URL in 10 s: ${stderr}`)), 10000);
  });
  return {child, url, exited, stderr: () => stderr};
}

async function shot(page, name) {
  const file = path.join(artifacts, name);
  await page.screenshot({path: file, fullPage: true});
  console.log(`screenshot: ${file}`);
}

const count = (page, selector) => page.$$eval(selector, (nodes) => nodes.length);

async function main() {
  const ui = startUi();
  const base = await ui.url;
  console.log(`pipetrace ui at ${base}`);
  const browser = await puppeteer.launch({
    executablePath: env('CHROMIUM'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1440, height: 900});
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });

    // The list: every trace, newest first, the running one marked.
    await page.goto(base, {waitUntil: 'networkidle0'});
    await page.waitForSelector('tr.trace-row');
    assert.equal(await count(page, 'tr.trace-row'), expected.traces, 'one row per trace');
    assert.equal(await count(page, 'tr.trace-row .badge-running'), 1, 'the running pipeline is marked');
    assert.equal(await count(page, 'tr.trace-row .badge-failure'), 1, 'the failing pipeline is marked');
    await shot(page, 'trace-list.png');

    // Filters: result=failure leaves the failing trace.
    await page.select('#trace-filters select[name=result]', 'failure');
    await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 1);
    const onlyRow = await page.$eval('tr.trace-row', (r) => r.dataset.traceId);
    assert.equal(onlyRow, expected.failingTraceId);
    await page.goto(base + '#/', {waitUntil: 'networkidle0'});
    await page.waitForFunction((n) => document.querySelectorAll('tr.trace-row').length === n, {}, expected.traces);

    // Live updates: a trace written while the page is open appears by itself.
    const extra = JSON.parse(execFileSync(storeWriter, [storeDir, '--extra']).toString());
    await page.waitForSelector(`tr.trace-row[data-trace-id="${extra.extraTraceId}"]`, {timeout: 10000});
    assert.equal(await count(page, 'tr.trace-row'), expected.traces + 1);

    // Open the failing trace from the list.
    await page.click(`tr.trace-row[data-trace-id="${expected.failingTraceId}"]`);
    await page.waitForSelector('.wf-row');
    assert.equal(await count(page, '.wf-row'), expected.failingSpans, 'one waterfall row per span');

    const errorColour = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.color = getComputedStyle(document.documentElement).getPropertyValue('--error');
      document.body.append(probe);
      const rgb = getComputedStyle(probe).color;
      probe.remove();
      return rgb;
    });
    const bars = await page.$$eval('.wf-row', (rows) => rows.map((r) => ({
      name: r.querySelector('.wf-label').textContent,
      colour: getComputedStyle(r.querySelector('.bar')).backgroundColor,
      markers: r.querySelectorAll('.event-marker').length,
    })));
    const failing = bars.find((b) => b.name === expected.failingStep);
    assert.ok(failing, `a row for ${expected.failingStep}`);
    assert.equal(failing.colour, errorColour, 'the failing step is drawn in the error colour');
    assert.equal(bars.filter((b) => b.colour === errorColour).length, expected.failingErrors,
      'exactly the failed spans are red');
    assert.notEqual(bars.find((b) => b.name === 'step build').colour, errorColour, 'a passing step is not red');
    assert.ok(bars.reduce((n, b) => n + b.markers, 0) >= 7, 'pod events are drawn as markers');

    const prLink = await page.$eval('a.change-link', (a) => a.href);
    assert.equal(prLink, 'https://github.com/acme/web-app/pull/42');
    const backend = await page.$eval('a.backend-link', (a) => a.href);
    assert.equal(backend, backendTemplate.replace('{traceId}', expected.failingTraceId));
    await shot(page, 'trace-waterfall.png');

    // Details of the failing step.
    const rowOf = async (name) => {
      const rows = await page.$$('.wf-row');
      for (const row of rows) {
        if ((await row.$eval('.wf-label', (l) => l.textContent)) === name) return row;
      }
      throw new Error(`no row ${name}`);
    };
    await (await rowOf(expected.failingStep)).click();
    await page.waitForSelector('#span-details h2');
    const details = await page.$eval('#span-details', (d) => d.textContent);
    assert.match(details, /Error: 3 tests failed/);
    assert.match(details, /process\.exit\.code/);
    await shot(page, 'trace-details.png');

    // Collapse the long task: its pod and the pod's five children disappear.
    const task = await rowOf(expected.collapsedTask);
    await (await task.$('.wf-toggle')).click();
    await page.waitForFunction((n) => document.querySelectorAll('.wf-row').length === n, {}, expected.failingSpans - 6);
    await shot(page, 'trace-collapsed.png');
    await (await (await rowOf(expected.collapsedTask)).$('.wf-toggle')).click();
    await page.waitForFunction((n) => document.querySelectorAll('.wf-row').length === n, {}, expected.failingSpans);

    // The running pipeline: its unfinished spans are drawn as in progress.
    const runningId = await (async () => {
      await page.goto(base + '#/?result=running', {waitUntil: 'networkidle0'});
      await page.waitForFunction(() => document.querySelectorAll('tr.trace-row').length === 1);
      return page.$eval('tr.trace-row', (r) => r.dataset.traceId);
    })();
    await page.goto(base + `#/trace/${runningId}`, {waitUntil: 'networkidle0'});
    await page.waitForSelector('.wf-row');
    assert.equal(await count(page, '.wf-row .bar.in-progress'), expected.runningInProgress);
    assert.equal(await count(page, '.trace-head .badge-running'), 1);
    await shot(page, 'trace-running.png');

    // Pipelines: statistics, then one pipeline's charts.
    await page.goto(base + '#/pipelines', {waitUntil: 'networkidle0'});
    await page.waitForSelector('tr.pipeline-row');
    assert.equal(await count(page, 'tr.pipeline-row'), 2);
    await shot(page, 'pipelines.png');
    await page.click('tr.pipeline-row a');
    await page.waitForSelector('svg.duration-chart circle.run-point');
    assert.equal(await count(page, 'svg.duration-chart circle.run-point'), 7, 'six example runs and the extra one');
    assert.equal(await count(page, 'svg.duration-chart circle.result-failure'), 1);
    const slowest = await page.$$eval('svg.slowest-chart', (charts) => charts.map((c) => c.querySelector('text title').textContent));
    assert.deepEqual(slowest, ['from-build-pack', 'from-build-pack / build']);
    await shot(page, 'pipeline.png');

    assert.deepEqual(problems, [], 'no errors in the browser');
  } finally {
    await browser.close();
    ui.child.kill('SIGTERM');
  }
  const code = await ui.exited;
  assert.equal(code, 0, `pipetrace ui stops cleanly on SIGTERM: ${ui.stderr()}`);
  console.log('ui test passed');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
