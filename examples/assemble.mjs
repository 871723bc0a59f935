// Assembles the example recordings (examples/<scenario>/recording.jsonl and
// dump.json) from the real objects in testdata/fixtures: one webhook, two
// LighthouseJobs, their PipelineRuns, TaskRuns, task Pods, the Pods' Events
// and a PipelineActivity per job, re-linked into one consistent story and
// replayed as the watch lines a live cluster would have sent.
//
// Run through examples/assemble.sh (it provides the `yaml` package). The
// output is deterministic: re-running rewrites byte-identical files.
// examples/README.md says, object by object, which fixture each came from
// and what is changed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '..', 'testdata', 'fixtures');
const requireFromCache = createRequire(path.join(process.env.PIPETRACE_YAML_MODULES || here, 'package.json'));
const YAML = requireFromCache('yaml');

const NAMESPACE = 'jx';

// ---------------------------------------------------------------- helpers

function load(rel) {
  const text = fs.readFileSync(path.join(fixtures, rel), 'utf8');
  if (/\.json(\.golden)?$/.test(rel)) return JSON.parse(text);
  // YAML 1.2 core schema: unquoted timestamps stay strings, as the API sent them.
  const docs = YAML.parseAllDocuments(text).map((d) => d.toJSON()).filter((d) => d != null);
  return docs.length === 1 ? docs[0] : docs;
}

const clone = (v) => structuredClone(v);
const sha = (...parts) => crypto.createHash('sha256').update(parts.join('\0')).digest('hex');

// A stable RFC 4122-shaped uid for objects whose fixture has none.
function uid(...parts) {
  const x = sha('uid', ...parts);
  const variant = (8 | (parseInt(x[16], 16) & 3)).toString(16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-${variant}${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

// The alphabet Kubernetes uses for generateName suffixes (no vowels, no 0/1/3).
function nameSuffix(n, ...parts) {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const x = sha('suffix', ...parts);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[parseInt(x.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return s;
}

// A deterministic fraction in [0, 1) for jitter.
const jitter = (...parts) => parseInt(sha('jitter', ...parts).slice(0, 8), 16) / 2 ** 32;

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const ms = (s) => Date.parse(s);
const secondsOf = (t) => new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const millisOf = (t) => new Date(Math.round(t)).toISOString();
function microsOf(t) {
  const whole = Math.floor(t / 1000) * 1000;
  const micros = Math.round((t - whole) * 1000);
  return new Date(whole).toISOString().replace('.000Z', `.${String(micros).padStart(6, '0')}Z`);
}

function mapStrings(v, fn) {
  if (typeof v === 'string') return fn(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, fn));
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, fn);
    return out;
  }
  return v;
}

// Moves every RFC 3339 timestamp of a source object by one offset, so the
// real durations between its steps are kept.
function shiftTimes(obj, offset) {
  return mapStrings(obj, (s) => {
    if (!RFC3339.test(s)) return s;
    const shifted = ms(s) + offset;
    return s.includes('.') ? microsOf(shifted) : secondsOf(shifted);
  });
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function rewriteStrings(obj, replacements) {
  return mapStrings(obj, (s) => {
    for (const [from, to] of replacements) s = typeof from === 'string' ? s.split(from).join(to) : s.replace(from, to);
    return s;
  });
}

function titleCase(stepName) {
  return stepName
    .split('-')
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}

function fail(message) {
  throw new Error(message);
}

// ---------------------------------------------------------------- scenarios

// Each job names its fixture files, the scenario context it plays and the
// renames that make its names fit the scenario's repository. Targets are
// never longer than what they replace, so Kubernetes' 63-character limits
// on labels and container names keep holding.
const SCENARIOS = [
  {
    name: 'passing',
    webhook: { file: 'webhooks/github/pr_opened.json.golden', kind: 'pull_request' },
    // The event-GUID of jx/pipelines/cases/message/success: a real Lighthouse delivery id.
    guid: '3424b670-ec9b-11ec-8ede-3a1d48c58fa2',
    // The golden payload says the pull request was created at 2018-06-22T23:54:09Z.
    webhookAt: '2018-06-22T23:54:10.412Z',
    resourceVersionBase: 270418000,
    jobs: [
      {
        key: 'lint',
        type: 'presubmit',
        pipelineRun: 'jx/pipelines/cases/message/success/pr.yaml',
        taskRuns: ['jx/pipelines/cases/message/success/tr.yaml'],
        jobCreated: '2018-06-22T23:54:11.208Z',
        prCreated: '2018-06-22T23:54:13.131Z',
        renames: [['x-plugins-jx-registry-pr-8-lint', 'drone-test-go-pr-1-lint']],
      },
      {
        key: 'pr-build',
        type: 'presubmit',
        pipelineRun: 'lighthouse/activity/successful_multiple_tasks/pr.yaml',
        taskRuns: ['lighthouse/activity/successful_multiple_tasks/tr.yaml', 'lighthouse/activity/successful_multiple_tasks/tr2.yaml'],
        context: 'pr-build',
        jobCreated: '2018-06-22T23:54:11.377Z',
        prCreated: '2018-06-22T23:54:14.266Z',
        renames: [['jenkins-x-jx-pr-7463-boot-vault', 'drone-test-go-pr-1-pr-build']],
      },
    ],
  },
  {
    name: 'failing',
    webhook: { file: 'webhooks/github/push.json.golden', kind: 'push' },
    // The event-GUID of jx/pipelines/cases/merge, whose job fails.
    guid: 'fa415776-ff00-11ea-86f1-f1ab7dba0de0',
    webhookAt: '2020-09-25T07:30:23.205Z',
    resourceVersionBase: 5741000,
    jobs: [
      {
        key: 'release',
        type: 'postsubmit',
        pipelineRun: 'jx/pipelines/cases/merge/pipelinerun.yaml',
        taskRuns: ['jx/pipelines/cases/merge/taskrun.yaml'],
        activity: 'jx/pipelines/cases/merge/expected.yaml',
        jobCreated: '2020-09-25T07:30:24.061Z',
        prCreated: '2020-09-25T07:30:26.118Z', // the fixture's own time
        renames: [],
        // The pod waits for a node, then one image pull backs off once.
        faults: { failedScheduling: true, pullBackOffStep: 'promote-jx-promote' },
      },
      {
        key: 'integration',
        type: 'postsubmit',
        pipelineRun: 'lighthouse/activity/successful_single_task/pr.yaml',
        taskRuns: ['lighthouse/activity/successful_single_task/tr.yaml'],
        context: 'integration',
        jobCreated: '2020-09-25T07:30:24.233Z',
        prCreated: '2020-09-25T07:30:27.402Z',
        renames: [['jenkins-x-lighthouse-pr-854-bbs', 'hello-world-integration']],
      },
    ],
  },
];

// The two Tekton task pods of the jx controller fixture: a real spec (volumes,
// init containers, tolerations, step container settings) and their nodes.
const POD_TEMPLATES = load('pods/jx-controller-completed-generated.pods.yaml').items;

const EVENT_SOURCES = {
  mount: load('events/troubleshoot-container-creating-failed-mount.json').items,
};
function eventTemplate(reason, involvedName, n = 0) {
  const found = EVENT_SOURCES.mount.filter((e) => e.reason === reason && e.involvedObject.name === involvedName)[n];
  return found ? clone(found) : fail(`no ${reason} event for ${involvedName} in the fixtures`);
}
const EVENT_TEMPLATES = {
  FailedScheduling: eventTemplate('FailedScheduling', 'pending-pod-resources-5fddcf7688-59zjj'),
  Scheduled: eventTemplate('Scheduled', 'crashpod-f9b59484-7828f'),
  Pulling: eventTemplate('Pulling', 'crashpod-f9b59484-7828f'),
  Pulled: eventTemplate('Pulled', 'crashpod-f9b59484-7828f'),
  Created: eventTemplate('Created', 'crashpod-f9b59484-7828f'),
  Started: eventTemplate('Started', 'crashpod-f9b59484-7828f'),
  PullFailed: eventTemplate('Failed', 'no-image-deployment-849c4c4958-7fp5q', 0),
  ErrImagePull: eventTemplate('Failed', 'no-image-deployment-849c4c4958-7fp5q', 1),
  BackOff: eventTemplate('BackOff', 'no-image-deployment-849c4c4958-7fp5q'),
  ImagePullBackOff: eventTemplate('Failed', 'no-image-deployment-849c4c4958-7fp5q', 2),
};

// ---------------------------------------------------------------- the git side

// What the webhook says about the repository, the change and the commit.
function gitTarget(body, kind) {
  const repo = body.Repo;
  const base = {
    org: repo.Namespace,
    repo: repo.Name,
    fullName: repo.FullName,
    cloneUrl: repo.Clone,
    link: repo.Link,
  };
  if (kind === 'pull_request') {
    const pr = body.PullRequest;
    return {
      ...base,
      branch: `PR-${pr.Number}`,
      baseRef: pr.Base.Ref,
      baseSha: pr.Base.Sha,
      headSha: pr.Sha,
      pull: { number: pr.Number, author: pr.Author.Login, authorLink: pr.Author.Link, link: pr.Link },
    };
  }
  const branch = body.Ref.replace(/^refs\/heads\//, '');
  return { ...base, branch, baseRef: branch, baseSha: body.After, headSha: body.After, pull: null };
}

// ---------------------------------------------------------------- one job

// Rewrites a Lighthouse PipelineRun (or anything copied from it) to point at
// the scenario's repository, change, job and delivery.
function relinkLabels(labels, git, job, guid) {
  const l = { ...labels };
  const lh = 'lighthouse.jenkins-x.io/';
  Object.assign(l, {
    'created-by-lighthouse': 'true',
    'event-GUID': guid,
    [`${lh}baseSHA`]: git.baseSha,
    [`${lh}branch`]: git.branch,
    [`${lh}buildNum`]: job.buildNum,
    [`${lh}context`]: job.context,
    [`${lh}id`]: job.name,
    [`${lh}job`]: job.context,
    [`${lh}lastCommitSHA`]: git.headSha,
    [`${lh}refs.org`]: git.org,
    [`${lh}refs.repo`]: git.repo,
    [`${lh}type`]: job.type,
  });
  if (git.pull) l[`${lh}refs.pull`] = String(git.pull.number);
  else delete l[`${lh}refs.pull`];
  // Labels of the Jenkins X 2 era, kept where the fixture has them.
  if ('branch' in l) l.branch = git.branch;
  if ('context' in l) l.context = job.context;
  if ('owner' in l) l.owner = git.org;
  if ('repository' in l) l.repository = git.repo;
  return Object.fromEntries(Object.entries(l).sort(([a], [b]) => a.localeCompare(b)));
}

function relinkParams(params, git, job) {
  const values = {
    BUILD_ID: job.buildNum,
    build_id: job.buildNum,
    JOB_NAME: job.context,
    JOB_SPEC: `type:${job.type}`,
    JOB_TYPE: job.type,
    PULL_BASE_REF: git.baseRef,
    PULL_BASE_SHA: git.baseSha,
    PULL_NUMBER: git.pull ? String(git.pull.number) : undefined,
    PULL_PULL_REF: git.pull ? `refs/pull/${git.pull.number}/head` : undefined,
    PULL_PULL_SHA: git.pull ? git.headSha : undefined,
    PULL_REFS: git.pull
      ? `${git.baseRef}:${git.baseSha},${git.pull.number}:${git.headSha}:refs/pull/${git.pull.number}/head`
      : `${git.baseRef}:${git.baseSha}`,
    REPO_NAME: git.repo,
    REPO_OWNER: git.org,
    REPO_URL: git.cloneUrl,
  };
  return (params || []).map((p) => {
    // Empty placeholders come before the real values in jx 3 runs; keep them empty.
    if (p.value === '' || !(p.name in values) || values[p.name] === undefined) return p;
    return { ...p, value: values[p.name] };
  });
}

function sourceGit(pr) {
  const l = pr.metadata.labels || {};
  const lh = 'lighthouse.jenkins-x.io/';
  return {
    org: l[`${lh}refs.org`],
    repo: l[`${lh}refs.repo`],
    baseSha: l[`${lh}baseSHA`],
    headSha: l[`${lh}lastCommitSHA`],
  };
}

function buildJob(sc, jd, git) {
  let pr = load(jd.pipelineRun);
  let taskRuns = jd.taskRuns.map(load);
  const from = sourceGit(pr);

  // Names, repository URLs and commits of the source become the scenario's.
  const replacements = [
    ...jd.renames,
    [new RegExp(`github\\.com/${escapeRe(from.org)}/${escapeRe(from.repo)}(?![\\w-])`, 'g'), `github.com/${git.org}/${git.repo}`],
    [from.headSha, git.headSha],
    [from.baseSha, git.baseSha],
  ];
  for (const [a, b] of jd.renames) if (b.length > a.length) fail(`rename ${a} -> ${b} lengthens names`);
  pr = rewriteStrings(pr, replacements);
  taskRuns = taskRuns.map((tr) => rewriteStrings(tr, replacements));

  const offset = ms(jd.prCreated) - ms(pr.metadata.creationTimestamp);
  // Whole seconds, so that second-precision timestamps stay whole.
  const wholeOffset = Math.floor(offset / 1000) * 1000;
  pr = shiftTimes(pr, wholeOffset);
  taskRuns = taskRuns.map((tr) => shiftTimes(tr, wholeOffset));

  const owner = (pr.metadata.ownerReferences || []).find((o) => o.kind === 'LighthouseJob');
  const context = jd.context || pr.metadata.labels['lighthouse.jenkins-x.io/context'];
  const job = {
    key: jd.key,
    type: jd.type,
    context,
    // Real job name and uid where the PipelineRun's owner reference has them.
    name: owner ? owner.name : `${git.repo}-${git.branch}-${context}-${nameSuffix(5, sc.name, jd.key)}`.toLowerCase(),
    uid: owner && owner.uid ? owner.uid : uid(sc.name, 'LighthouseJob', jd.key),
    buildNum: pr.metadata.labels['lighthouse.jenkins-x.io/buildNum'],
    created: ms(jd.jobCreated),
  };
  if (job.name.length > 63) fail(`job name ${job.name} too long for a label value`);

  // ---- PipelineRun
  const m = pr.metadata;
  m.namespace = NAMESPACE;
  m.uid = m.uid || uid(sc.name, 'PipelineRun', m.name);
  m.labels = relinkLabels(m.labels, git, job, sc.guid);
  m.labels['tekton.dev/pipeline'] = m.labels['tekton.dev/pipeline'] || m.name;
  m.annotations = { ...(m.annotations || {}) };
  m.annotations['lighthouse.jenkins-x.io/cloneURI'] = git.cloneUrl;
  m.annotations['lighthouse.jenkins-x.io/job'] = context;
  // The fixtures share one placeholder trace context; it would tie these
  // runs to an unrelated trace.
  delete m.annotations['lighthouse.jenkins-x.io/traceparent'];
  delete m.annotations['lighthouse.jenkins-x.io/tracestate'];
  delete m.selfLink;
  m.ownerReferences = [
    { apiVersion: 'lighthouse.jenkins.io/v1alpha1', blockOwnerDeletion: true, controller: true, kind: 'LighthouseJob', name: job.name, uid: job.uid },
  ];
  pr.spec.params = relinkParams(pr.spec.params, git, job);
  const prCreated = ms(jd.prCreated);

  // ---- TaskRuns (the fixtures give names and status; metadata and spec follow Tekton)
  const children = pr.status.childReferences || [];
  const pipelineTasks = (pr.spec.pipelineSpec || pr.status.pipelineSpec || {}).tasks || [];
  const trs = taskRuns.map((src, i) => {
    const name = src.metadata.name;
    const child = children.find((c) => c.name === name) || fail(`${name} is not a child of ${m.name}`);
    const pipelineTask = child.pipelineTaskName || name.slice(m.name.length + 1, name.lastIndexOf('-'));
    const status = clone(src.status);
    status.podName = status.podName || `${name}-pod-${nameSuffix(5, sc.name, name)}`;
    const task = pipelineTasks.find((t) => t.name === pipelineTask);
    const created = i === 0 ? prCreated + 250 : ms(status.startTime) + 180;
    return {
      pipelineTask,
      created,
      object: {
        apiVersion: 'tekton.dev/v1',
        kind: 'TaskRun',
        metadata: {
          annotations: { ...m.annotations },
          creationTimestamp: secondsOf(created),
          generation: 1,
          labels: {
            ...m.labels,
            'app.kubernetes.io/managed-by': 'tekton-pipelines',
            'tekton.dev/memberOf': 'tasks',
            'tekton.dev/pipelineRun': m.name,
            'tekton.dev/pipelineTask': pipelineTask,
          },
          name,
          namespace: NAMESPACE,
          ownerReferences: [{ apiVersion: 'tekton.dev/v1', blockOwnerDeletion: true, controller: true, kind: 'PipelineRun', name: m.name, uid: m.uid }],
          uid: uid(sc.name, 'TaskRun', name),
        },
        spec: {
          serviceAccountName: (pr.spec.taskRunTemplate || {}).serviceAccountName || pr.spec.serviceAccountName || 'tekton-bot',
          ...(task && task.taskSpec ? { taskSpec: task.taskSpec } : {}),
          timeout: (pr.spec.timeouts || {}).pipeline || pr.spec.timeout || '1h0m0s',
        },
        status,
      },
    };
  });

  return { jd, job, pr, prCreated, trs, git };
}

// ---------------------------------------------------------------- pods and events

// Images named by the PipelineRun's embedded Pipeline, else the image the
// TaskRun reports running (its digest reference).
function stepImage(built, tr, step) {
  const task = ((built.pr.spec.pipelineSpec || built.pr.status.pipelineSpec || {}).tasks || []).find((t) => t.name === tr.pipelineTask);
  const declared = task && task.taskSpec && (task.taskSpec.steps || []).find((s) => s.name === step.name);
  if (declared && declared.image) return declared.image;
  return (step.imageID || '').replace(/^docker-pullable:\/\//, '');
}

function containerId(scenario, podName, container) {
  return `docker://${sha('container', scenario, podName, container)}`;
}

// Lays out a pod's life: scheduling, init containers, image pulls and
// container starts, all before its first step starts (the TaskRun's own
// times), with the pull durations sized to fit that window.
function planPod(sc, built, tr, nodes, nodeIndex) {
  const trStatus = tr.object.status;
  const podName = trStatus.podName;
  const faults = built.jd.faults || {};
  const node = nodes[nodeIndex];
  const template = POD_TEMPLATES[node.template];
  const steps = trStatus.steps.map((s, i) => ({ ...s, index: i })).sort((a, b) => ms(a.terminated.startedAt) - ms(b.terminated.startedAt) || a.index - b.index);
  const firstStep = ms(steps[0].terminated.startedAt);
  const created = tr.created + 700;
  const plan = { podName, node, template, created, steps, events: [], init: [], containers: [] };

  let t = created + 40 + 30 * jitter(podName, 'sched');
  if (faults.failedScheduling) {
    plan.unschedulableAt = created + 83.4;
    plan.events.push({ kind: 'FailedScheduling', at: plan.unschedulableAt });
    t = created + 5217.6;
  }
  plan.scheduledAt = t;
  plan.events.push({ kind: 'Scheduled', at: t });
  plan.kubeletAt = t + 310;
  t = plan.kubeletAt + 200;

  for (const ic of template.spec.initContainers) {
    const c = { name: ic.name, image: ic.image, pulledAt: t, createdAt: t + 80, startedAt: t + 160 };
    c.finishedAt = c.startedAt + 300 + 200 * jitter(podName, ic.name);
    plan.events.push({ kind: 'Pulled', at: c.pulledAt, container: c, present: true, init: true });
    plan.events.push({ kind: 'Created', at: c.createdAt, container: c, init: true });
    plan.events.push({ kind: 'Started', at: c.startedAt, container: c, init: true });
    plan.init.push(c);
    t = c.finishedAt + 100;
  }
  plan.initDoneAt = t;

  const images = steps.map((s) => stepImage(built, tr, s));
  const fresh = steps.filter((s, i) => images.indexOf(images[i]) === i && !(node.images.get(images[i]) < t));
  const backOffMs = faults.pullBackOffStep ? 11000 : 0;
  const budget = firstStep - 600 - t - steps.length * 260 - backOffMs;
  const pullMs = Math.min(9000, budget / Math.max(1, fresh.length));
  if (pullMs < 250) fail(`${podName}: no room for image pulls before its first step`);

  steps.forEach((step, i) => {
    const image = images[i];
    const c = { name: step.container || `step-${step.name}`, image, step };
    const isFresh = fresh.includes(step);
    if (isFresh) {
      c.pullingAt = t;
      if (faults.pullBackOffStep === step.name) {
        c.pullFailedAt = t + 1200;
        c.backOffAt = t + 1900;
        c.retryAt = t + backOffMs;
        plan.events.push({ kind: 'PullFailed', at: c.pullFailedAt, container: c });
        plan.events.push({ kind: 'ErrImagePull', at: c.pullFailedAt + 2, container: c });
        plan.events.push({ kind: 'BackOff', at: c.backOffAt, container: c });
        plan.events.push({ kind: 'ImagePullBackOff', at: c.backOffAt + 3, container: c });
        t = c.retryAt;
      }
      const d = pullMs * (0.7 + 0.3 * jitter(podName, image));
      c.pulledAt = t + d;
      c.pullMs = c.retryAt ? c.pulledAt - c.retryAt : d;
      plan.events.push({ kind: 'Pulling', at: c.pullingAt, container: c, retryAt: c.retryAt });
      node.images.set(image, c.pulledAt);
    } else {
      c.pulledAt = t + 20;
    }
    plan.events.push({ kind: 'Pulled', at: c.pulledAt, container: c, present: !isFresh });
    c.createdAt = c.pulledAt + 70;
    c.startedAt = c.pulledAt + 150;
    plan.events.push({ kind: 'Created', at: c.createdAt, container: c });
    plan.events.push({ kind: 'Started', at: c.startedAt, container: c });
    plan.containers.push(c);
    t = c.startedAt + 60;
  });
  plan.allStartedAt = t;
  if (t >= firstStep - 200) fail(`${podName}: containers start after the first step`);
  plan.finishedAt = Math.max(...steps.map((s) => ms(s.terminated.finishedAt)));
  plan.failed = steps.some((s) => s.terminated.exitCode !== 0);
  plan.uid = uid(sc.name, 'Pod', podName);
  plan.podIP = node.nextIp();
  return plan;
}

function podObject(sc, built, tr, plan) {
  const template = plan.template;
  const trm = tr.object.metadata;
  const baseContainer = (name) =>
    template.spec.containers.find((c) => c.name === name) || template.spec.containers.find((c) => c.name === 'step-git-merge');
  const env = [{ name: 'HOME', value: '/builder/home' }];
  for (const p of built.pr.spec.params || []) if (p.value !== '' && !env.some((e) => e.name === p.name)) env.push({ name: p.name, value: p.value });
  const containers = plan.containers.map((c) => {
    const base = clone(baseContainer(c.name));
    delete base.args; // they belong to the template's own step
    return { ...base, env, image: c.image, name: c.name };
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: { ...template.metadata.annotations },
      creationTimestamp: secondsOf(plan.created),
      labels: {
        ...Object.fromEntries(Object.entries(trm.labels).filter(([k]) => k !== 'tekton.dev/memberOf')),
        'tekton.dev/taskRun': trm.name,
      },
      name: plan.podName,
      namespace: NAMESPACE,
      ownerReferences: [{ apiVersion: 'tekton.dev/v1', blockOwnerDeletion: true, controller: true, kind: 'TaskRun', name: trm.name, uid: trm.uid }],
      uid: plan.uid,
    },
    spec: { ...clone(template.spec), containers, nodeName: plan.node.name },
    status: {},
  };
}

const condition = (type, status, at, reason, message) => ({
  lastProbeTime: null,
  lastTransitionTime: secondsOf(at),
  ...(message ? { message } : {}),
  ...(reason ? { reason } : {}),
  status,
  type,
});

// The pod as the API server would return it at time t: later fields removed.
function podAt(base, plan, t) {
  const pod = clone(base);
  if (t < plan.scheduledAt) {
    delete pod.spec.nodeName;
    delete pod.metadata.annotations['tekton.dev/ready'];
    pod.status = { phase: 'Pending', qosClass: 'Burstable' };
    if (plan.unschedulableAt && t >= plan.unschedulableAt) {
      pod.status.conditions = [condition('PodScheduled', 'False', plan.unschedulableAt, 'Unschedulable', plan.unschedulableMessage)];
    }
    return pod;
  }
  if (t < plan.allStartedAt) delete pod.metadata.annotations['tekton.dev/ready'];
  if (t < plan.kubeletAt) {
    pod.status = { conditions: [condition('PodScheduled', 'True', plan.scheduledAt)], phase: 'Pending', qosClass: 'Burstable' };
    return pod;
  }
  const initStatuses = plan.init.map((c) => {
    const s = { image: c.image, imageID: '', lastState: {}, name: c.name, ready: false, restartCount: 0 };
    if (t < c.startedAt) s.state = { waiting: { reason: 'PodInitializing' } };
    else {
      s.containerID = containerId(plan.scenario, plan.podName, c.name);
      s.imageID = (plan.template.status.initContainerStatuses.find((x) => x.name === c.name) || {}).imageID || '';
      if (t < c.finishedAt) s.state = { running: { startedAt: secondsOf(c.startedAt) } };
      else {
        s.ready = true;
        s.state = { terminated: { containerID: s.containerID, exitCode: 0, finishedAt: secondsOf(c.finishedAt), reason: 'Completed', startedAt: secondsOf(c.startedAt) } };
      }
    }
    return s;
  });
  const containerStatuses = plan.containers.map((c) => {
    const step = c.step;
    const s = { image: c.image, imageID: '', lastState: {}, name: c.name, ready: false, restartCount: 0 };
    if (t < c.startedAt) {
      let waiting = { reason: t < plan.initDoneAt ? 'PodInitializing' : 'ContainerCreating' };
      if (c.backOffAt && t >= c.backOffAt && t < c.retryAt) waiting = { message: `Back-off pulling image "${c.image}"`, reason: 'ImagePullBackOff' };
      else if (c.pullFailedAt && t >= c.pullFailedAt && t < c.retryAt) waiting = { message: plan.pullErrorMessage(c), reason: 'ErrImagePull' };
      s.state = { waiting };
    } else {
      s.containerID = step.terminated.containerID;
      s.imageID = step.imageID || '';
      if (t < ms(step.terminated.finishedAt)) {
        s.ready = true;
        s.state = { running: { startedAt: secondsOf(c.startedAt) } };
      } else {
        s.state = { terminated: clone(step.terminated) };
      }
    }
    return s;
  }).sort((a, b) => a.name.localeCompare(b.name));

  const initDone = t >= plan.initDoneAt;
  const allRunning = containerStatuses.every((s) => s.state.running);
  const finished = t >= plan.finishedAt;
  const notReady = containerStatuses.filter((s) => !s.ready).map((s) => s.name);
  let readyCond;
  // kubelet says PodCompleted only for a pod that succeeded; a failed one
  // keeps listing its unready containers.
  if (finished && !plan.failed) readyCond = ['False', plan.finishedAt, 'PodCompleted'];
  else if (finished) readyCond = ['False', plan.finishedAt, 'ContainersNotReady', `containers with unready status: [${notReady.join(' ')}]`];
  else if (allRunning) readyCond = ['True', plan.allStartedAt];
  else {
    const since = t >= plan.allStartedAt ? Math.min(...plan.steps.map((s) => ms(s.terminated.finishedAt))) : plan.kubeletAt;
    readyCond = ['False', since, 'ContainersNotReady', `containers with unready status: [${notReady.join(' ')}]`];
  }
  pod.status = {
    conditions: [
      initDone
        ? condition('Initialized', 'True', plan.initDoneAt, finished && !plan.failed ? 'PodCompleted' : undefined)
        : condition('Initialized', 'False', plan.kubeletAt, 'ContainersNotInitialized', `containers with incomplete status: [${plan.init.filter((c) => t < c.finishedAt).map((c) => c.name).join(' ')}]`),
      condition('Ready', readyCond[0], readyCond[1], readyCond[2], readyCond[3]),
      condition('ContainersReady', readyCond[0], readyCond[1], readyCond[2], readyCond[3]),
      condition('PodScheduled', 'True', plan.scheduledAt),
    ],
    containerStatuses,
    hostIP: plan.node.hostIP,
    initContainerStatuses: initStatuses,
    phase: finished ? (plan.failed ? 'Failed' : 'Succeeded') : t >= plan.containers[0].startedAt ? 'Running' : 'Pending',
    podIP: plan.podIP,
    qosClass: 'Burstable',
    startTime: secondsOf(plan.kubeletAt),
  };
  return pod;
}

function podEmissionTimes(plan) {
  const times = [plan.created, plan.scheduledAt + 12, plan.kubeletAt + 15, plan.initDoneAt + 20, plan.allStartedAt + 25];
  if (plan.unschedulableAt) times.push(plan.unschedulableAt + 9);
  for (const c of plan.containers) {
    if (c.pullFailedAt) times.push(c.pullFailedAt + 30, c.backOffAt + 30, c.retryAt + 30);
  }
  for (const s of plan.steps) times.push(ms(s.terminated.finishedAt) + 250);
  return [...new Set(times)].sort((a, b) => a - b);
}

function eventObjects(sc, plan) {
  const out = [];
  const involved = (fieldPath) => ({
    kind: 'Pod',
    namespace: NAMESPACE,
    name: plan.podName,
    uid: plan.uid,
    apiVersion: 'v1',
    resourceVersion: '',
    ...(fieldPath ? { fieldPath } : {}),
  });
  for (const ev of plan.events.sort((a, b) => a.at - b.at)) {
    const tmplKey = ev.kind === 'Pulled' ? 'Pulled' : ev.kind;
    const e = clone(EVENT_TEMPLATES[tmplKey]);
    const c = ev.container;
    const fieldPath = c ? `spec.${ev.init ? 'initContainers' : 'containers'}{${c.name}}` : undefined;
    e.metadata = {
      name: `${plan.podName}.${(BigInt(Math.round(ev.at)) * 1000000n).toString(16)}`,
      namespace: NAMESPACE,
      uid: uid(sc.name, 'Event', plan.podName, ev.kind, c ? c.name : '', String(ev.at)),
      resourceVersion: '',
      creationTimestamp: secondsOf(ev.at),
      managedFields: e.metadata.managedFields.map((f) => ({ ...f, time: secondsOf(ev.at) })),
    };
    e.involvedObject = involved(fieldPath);
    const node = plan.node.name;
    switch (ev.kind) {
      case 'FailedScheduling':
        // The fixture's pod asked for a GPU; a CI pod runs short of memory instead.
        e.message = EVENT_TEMPLATES.FailedScheduling.message.replace('nvidia.com/gpu', 'memory');
        plan.unschedulableMessage = e.message;
        break;
      case 'Scheduled':
        e.message = `Successfully assigned ${NAMESPACE}/${plan.podName} to ${node}`;
        break;
      case 'Pulling':
        e.message = `Pulling image "${c.image}"`;
        break;
      case 'Pulled':
        e.message = ev.present
          ? `Container image "${c.image}" already present on machine`
          : `Successfully pulled image "${c.image}" in ${(c.pullMs / 1000).toFixed(3)}${String(parseInt(sha('ns', plan.podName, c.name).slice(0, 6), 16) % 1000000).padStart(6, '0')}s`;
        break;
      case 'Created':
        e.message = `Created container ${c.name}`;
        break;
      case 'Started':
        e.message = `Started container ${c.name}`;
        break;
      case 'PullFailed':
        e.message = plan.pullErrorMessage(c);
        break;
      case 'BackOff':
        e.message = `Back-off pulling image "${c.image}"`;
        break;
      default:
        break; // ErrImagePull / ImagePullBackOff keep the fixture's text
    }
    if (e.source && e.source.component === 'kubelet') e.source = { component: 'kubelet', host: node };
    if (e.eventTime) {
      e.eventTime = microsOf(ev.at);
    } else {
      e.firstTimestamp = secondsOf(ev.at);
      e.lastTimestamp = secondsOf(ev.at);
      e.count = 1;
    }
    out.push({ at: ev.at, object: e });
    if (ev.kind === 'Pulling' && ev.retryAt) {
      // kubelet folds the retry into the same Event: count 2, new lastTimestamp.
      const again = clone(e);
      again.count = 2;
      again.lastTimestamp = secondsOf(ev.retryAt);
      again.metadata.managedFields = again.metadata.managedFields.map((f) => ({ ...f, time: secondsOf(ev.retryAt) }));
      out.push({ at: ev.retryAt, object: again, modified: true });
    }
  }
  return out;
}

// ---------------------------------------------------------------- TaskRun / PipelineRun states

function stepAt(step, container, t) {
  const term = step.terminated;
  if (t >= ms(term.finishedAt)) return clone(step);
  const base = { container: step.container, name: step.name };
  if (container && t >= container.startedAt) return { ...base, imageID: step.imageID, running: { startedAt: secondsOf(container.startedAt) } };
  return { ...base, waiting: { reason: 'PodInitializing' } };
}

function taskRunAt(tr, plan, t) {
  const obj = clone(tr.object);
  const final = tr.object.status;
  if (t >= ms(final.completionTime)) return obj;
  if (t < tr.created + 150) {
    obj.status = {};
    return obj;
  }
  const status = { podName: final.podName, startTime: final.startTime };
  const containerOf = (s) => plan.containers.find((c) => c.step.name === s.name);
  if (t < plan.allStartedAt) {
    let message;
    if (plan.unschedulableAt && t >= plan.unschedulableAt && t < plan.scheduledAt) message = `pod status "PodScheduled":"False"; message: "${plan.unschedulableMessage}"`;
    else if (t < plan.initDoneAt) message = `pod status "Initialized":"False"; message: "containers with incomplete status: [${plan.init.map((c) => c.name).join(' ')}]"`;
    else message = `pod status "Ready":"False"; message: "containers with unready status: [${plan.containers.map((c) => c.name).join(' ')}]"`;
    status.conditions = [{ lastTransitionTime: secondsOf(tr.created + 150), message, reason: 'Pending', status: 'Unknown', type: 'Succeeded' }];
    if (t >= plan.kubeletAt) status.steps = final.steps.map((s) => stepAt(s, containerOf(s), t));
  } else {
    status.conditions = [
      { lastTransitionTime: secondsOf(plan.allStartedAt), message: 'Not all Steps in the Task have finished executing', reason: 'Running', status: 'Unknown', type: 'Succeeded' },
    ];
    status.steps = final.steps.map((s) => stepAt(s, containerOf(s), t));
  }
  obj.status = status;
  return obj;
}

// A controller reports a run finished only after it has seen its children
// finish, even where the fixture's times agree to the second.
const taskRunFinalAt = (tr, plan) => Math.max(ms(tr.object.status.completionTime) + 90, plan.finishedAt + 250 + 120);
const pipelineRunFinalAt = (built, plans) =>
  Math.max(ms(built.pr.status.completionTime) + 120, ...built.trs.map((tr) => taskRunFinalAt(tr, plans.get(tr)) + 60));

function taskRunEmissionTimes(tr, plan) {
  const times = [tr.created, tr.created + 150 + 40, plan.kubeletAt + 60, plan.allStartedAt + 70];
  if (plan.unschedulableAt) times.push(plan.unschedulableAt + 60);
  for (const s of plan.steps) times.push(ms(s.terminated.finishedAt) + 420);
  const done = ms(tr.object.status.completionTime);
  return [...new Set(times.filter((x) => x < done)), taskRunFinalAt(tr, plan)].sort((a, b) => a - b);
}

function pipelineRunAt(built, t) {
  const pr = clone(built.pr);
  const final = built.pr.status;
  const done = ms(final.completionTime);
  if (t >= done) return pr;
  if (t < built.prCreated + 280) {
    // As Lighthouse created it: no Tekton labels, no status, no later managers.
    delete pr.metadata.labels['tekton.dev/pipeline'];
    pr.status = {};
    if (pr.metadata.managedFields) pr.metadata.managedFields = pr.metadata.managedFields.filter((f) => ms(f.time) < built.prCreated + 1000);
    return pr;
  }
  if (pr.metadata.managedFields) pr.metadata.managedFields = pr.metadata.managedFields.filter((f) => ms(f.time) < built.prCreated + 1000);
  const started = built.trs.filter((tr) => tr.created <= t);
  const completed = started.filter((tr) => ms(tr.object.status.completionTime) <= t);
  const failed = completed.filter((tr) => tr.object.status.conditions[0].status === 'False');
  const status = {};
  if (final.startTime) status.startTime = final.startTime;
  status.conditions = [
    {
      lastTransitionTime: secondsOf(built.prCreated + 280),
      message: `Tasks Completed: ${completed.length} (Failed: ${failed.length}, Cancelled 0), Incomplete: ${built.trs.length - completed.length}, Skipped: 0`,
      reason: 'Running',
      status: 'Unknown',
      type: 'Succeeded',
    },
  ];
  status.childReferences = final.childReferences.filter((c) => started.some((tr) => tr.object.metadata.name === c.name));
  if (final.pipelineSpec) status.pipelineSpec = final.pipelineSpec;
  pr.status = status;
  return pr;
}

function pipelineRunEmissionTimes(built, plans) {
  const done = ms(built.pr.status.completionTime);
  const times = [built.prCreated, built.prCreated + 280 + 35];
  for (const tr of built.trs.slice(1)) times.push(tr.created + 60);
  for (const tr of built.trs) times.push(taskRunFinalAt(tr, plans.get(tr)) + 60);
  return [...new Set(times.filter((x) => x < done)), pipelineRunFinalAt(built, plans)].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- activity views

// Step and stage status at time t, in the words of each vocabulary.
function stepState(tr, plan, step, t) {
  const term = step.terminated;
  if (t >= ms(term.finishedAt)) return { state: term.exitCode === 0 ? 'ok' : 'failed', start: term.startedAt, end: term.finishedAt };
  const c = plan.containers.find((x) => x.step.name === step.name);
  if (c && t >= c.startedAt) return { state: 'running', start: secondsOf(c.startedAt) };
  return { state: 'pending' };
}

function stageState(tr, t) {
  const s = tr.object.status;
  if (t < tr.created) return null;
  if (t >= ms(s.completionTime)) return { state: s.conditions[0].status === 'True' ? 'ok' : 'failed', start: s.startTime, end: s.completionTime, message: s.conditions[0].message };
  if (t >= ms(s.startTime)) return { state: 'running', start: s.startTime };
  return { state: 'pending' };
}

const JX_WORDS = { ok: 'Succeeded', failed: 'Failed', running: 'Running', pending: 'Pending' };
const LH_WORDS = { ok: 'success', failed: 'failure', running: 'running', pending: 'pending' };

function prState(built, t) {
  const final = built.pr.status;
  if (t >= ms(final.completionTime)) return final.conditions[0].status === 'True' ? 'ok' : 'failed';
  return built.trs.some((tr) => t >= tr.created) ? 'running' : 'pending';
}

function activityStages(built, plans, t, words, style) {
  const stages = [];
  for (const tr of built.trs) {
    const st = stageState(tr, t);
    if (!st) continue;
    const plan = plans.get(tr);
    const steps = tr.object.status.steps.map((step) => {
      const ss = stepState(tr, plan, step, t);
      if (style === 'jx') {
        return {
          ...(ss.end ? { completedTimestamp: ss.end } : {}),
          name: titleCase(step.name),
          ...(ss.start ? { startedTimestamp: ss.start } : {}),
          status: words[ss.state],
        };
      }
      return { ...(ss.end ? { completionTime: ss.end } : {}), name: step.name, ...(ss.start ? { startTime: ss.start } : {}), status: words[ss.state] };
    });
    if (style === 'jx') {
      stages.push({
        kind: 'Stage',
        stage: {
          ...(st.end ? { completedTimestamp: st.end } : {}),
          ...(st.state === 'failed' ? { message: st.message } : {}),
          name: tr.pipelineTask.replace(/-/g, ' '),
          ...(st.start ? { startedTimestamp: st.start } : {}),
          status: words[st.state],
          steps,
        },
      });
    } else {
      stages.push({ ...(st.end ? { completionTime: st.end } : {}), name: tr.pipelineTask, ...(st.start ? { startTime: st.start } : {}), status: words[st.state], steps });
    }
  }
  return stages;
}

function lighthouseJob(sc, built, template) {
  const { job, git, pr } = built;
  const lj = clone(template);
  const lh = 'lighthouse.jenkins-x.io/';
  lj.metadata = {
    annotations: { [`${lh}job`]: job.context },
    creationTimestamp: secondsOf(job.created),
    generation: 1,
    labels: Object.fromEntries(
      Object.entries({
        'created-by-lighthouse': 'true',
        'event-GUID': sc.guid,
        [`${lh}branch`]: git.branch,
        [`${lh}buildNum`]: job.buildNum,
        [`${lh}context`]: job.context,
        [`${lh}job`]: job.context,
        [`${lh}refs.org`]: git.org,
        ...(git.pull ? { [`${lh}refs.pull`]: String(git.pull.number) } : {}),
        [`${lh}refs.repo`]: git.repo,
        [`${lh}type`]: job.type,
      }).sort(([a], [b]) => a.localeCompare(b)),
    ),
    name: job.name,
    namespace: NAMESPACE,
    uid: job.uid,
  };
  const runSpec = clone(pr.spec);
  delete runSpec.params;
  lj.spec.context = job.context;
  lj.spec.job = job.context;
  lj.spec.namespace = NAMESPACE;
  lj.spec.pipeline_run_spec = runSpec;
  // The template's parameter templates belong to its own test pipeline.
  delete lj.spec.pipeline_run_params;
  lj.spec.refs = {
    base_link: `${git.link}/commit/${git.baseSha}`,
    base_ref: git.baseRef,
    base_sha: git.baseSha,
    clone_uri: git.cloneUrl,
    org: git.org,
    ...(git.pull
      ? {
          pulls: [
            {
              author: git.pull.author,
              author_link: git.pull.authorLink,
              commit_link: `${git.link}/pull/${git.pull.number}/commits/${git.headSha}`,
              link: `${git.pull.link}.diff`,
              number: git.pull.number,
              sha: git.headSha,
            },
          ],
        }
      : {}),
    repo: git.repo,
    repo_link: git.link,
  };
  lj.spec.rerun_command = `/test ${job.context}`;
  lj.spec.type = job.type;
  lj.status = {};
  return lj;
}

function lighthouseJobAt(sc, built, plans, base, t) {
  const lj = clone(base);
  const { job, git, pr } = built;
  if (t < built.prCreated + 150) {
    lj.status = { startTime: secondsOf(job.created), state: 'triggered' };
    return lj;
  }
  const state = prState(built, t);
  const status = { startTime: secondsOf(job.created), state: state === 'ok' ? 'success' : state === 'failed' ? 'failure' : state === 'running' ? 'running' : 'pending' };
  if (state !== 'pending') {
    const stages = activityStages(built, plans, t, LH_WORDS, 'lighthouse');
    status.activity = {
      baseSHA: git.baseSha,
      branch: git.branch,
      buildId: job.buildNum,
      ...(state === 'ok' || state === 'failed' ? { completionTime: pr.status.completionTime } : {}),
      context: job.context,
      gitURL: git.cloneUrl,
      jobId: job.name,
      lastCommitSHA: git.headSha,
      name: pr.metadata.name,
      owner: git.org,
      repo: git.repo,
      stages,
      startTime: pr.status.startTime || pr.metadata.creationTimestamp,
      status: LH_WORDS[state],
    };
    const running = stages.filter((s) => s.status === 'running').map((s) => s.name);
    // Lighthouse's own wording, cut at 63 characters as it does.
    let description = state === 'ok' ? 'Pipeline successful' : state === 'failed' ? 'Pipeline failed' : 'Pipeline running';
    if (running.length && state === 'running') description = `Pipeline running stage(s): ${running.join(', ')}`;
    if (description.length > 63) description = `${description.slice(0, 59)}...`;
    status.description = description;
    status.lastCommitSHA = git.headSha;
    status.lastReportState = status.state;
    if (state === 'ok' || state === 'failed') status.completionTime = pr.status.completionTime;
  }
  lj.status = status;
  return lj;
}

function lighthouseJobEmissionTimes(built, plans) {
  const done = ms(built.pr.status.completionTime);
  const times = [built.job.created, built.prCreated + 150 + 25, built.trs[0].created + 310];
  for (const tr of built.trs) times.push(ms(tr.object.status.startTime) + 1400, ms(tr.object.status.completionTime) + 600);
  return [...new Set(times.filter((x) => x < done)), pipelineRunFinalAt(built, plans) + 580].sort((a, b) => a - b);
}

function pipelineActivity(sc, built, template) {
  const { job, git, pr } = built;
  const pa = clone(template);
  const labels = { ...pr.metadata.labels, podName: built.trs[0].object.status.podName };
  pa.metadata = {
    annotations: { ...pr.metadata.annotations },
    creationTimestamp: secondsOf(built.prCreated + 1200),
    generation: 1,
    labels: Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))),
    name: `${git.org}-${git.repo}-${git.branch}-${job.buildNum}`.toLowerCase(),
    namespace: NAMESPACE,
    uid: uid(sc.name, 'PipelineActivity', job.name),
  };
  pa.spec = {
    baseSHA: git.baseSha,
    batchPipelineActivity: {},
    build: job.buildNum,
    context: job.context,
    gitBranch: git.branch,
    gitOwner: git.org,
    gitRepository: git.repo,
    gitUrl: git.cloneUrl,
    lastCommitSHA: git.headSha,
    pipeline: `${git.org}/${git.repo}/${git.branch}`,
  };
  pa.status = {};
  return pa;
}

function pipelineActivityAt(built, plans, base, t) {
  const pa = clone(base);
  const pr = pipelineRunAt(built, t);
  const state = prState(built, t);
  const cond = (pr.status.conditions || [])[0];
  Object.assign(pa.spec, {
    ...(state === 'ok' || state === 'failed' ? { completedTimestamp: built.pr.status.completionTime } : {}),
    ...(cond ? { message: cond.message } : {}),
    ...(state !== 'pending' ? { startedTimestamp: built.pr.status.startTime || built.pr.metadata.creationTimestamp } : {}),
    status: JX_WORDS[state],
    steps: activityStages(built, plans, t, JX_WORDS, 'jx'),
  });
  return pa;
}

function pipelineActivityEmissionTimes(built, plans) {
  const done = ms(built.pr.status.completionTime);
  const times = [built.prCreated + 1200];
  for (const tr of built.trs) {
    const plan = plans.get(tr);
    for (const x of taskRunEmissionTimes(tr, plan)) if (x > built.prCreated + 1200) times.push(x + 330);
  }
  return [...new Set(times.filter((x) => x < done)), pipelineRunFinalAt(built, plans) + 780].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- a scenario

function assemble(sc) {
  const body = load(sc.webhook.file);
  const git = gitTarget(body, sc.webhook.kind);
  body.GUID = sc.guid;
  const lines = [];
  lines.push({
    at: ms(sc.webhookAt),
    line: {
      type: 'WEBHOOK',
      source: 'lighthouse',
      headers: { 'X-Lighthouse-Webhook-Kind': sc.webhook.kind, 'X-Lighthouse-Payload-Type': 'webhook', 'User-Agent': 'LighthouseHook' },
      body,
    },
  });

  const jobs = sc.jobs.map((jd) => buildJob(sc, jd, git));
  const lhTemplate = load(git.pull ? 'lighthouse/controller/start-pullrequest/expected-lhjob.yml' : 'lighthouse/controller/start-push/expected-lhjob.yml');
  const paTemplate = load('jx/pipelines/cases/merge/expected.yaml');

  // Two nodes from the template pods; images pulled on a node stay there.
  const nodes = POD_TEMPLATES.map((p, i) => {
    let ip = Number(p.status.podIP.split('.')[3]);
    const prefix = p.status.podIP.split('.').slice(0, 3).join('.');
    return { name: p.spec.nodeName, hostIP: p.status.hostIP, template: i, images: new Map(), nextIp: () => `${prefix}.${ip++}` };
  });
  const plans = new Map();
  const allTaskRuns = jobs.flatMap((b) => b.trs.map((tr) => ({ b, tr }))).sort((x, y) => x.tr.created - y.tr.created);
  allTaskRuns.forEach(({ b, tr }, i) => {
    const plan = planPod(sc, b, tr, nodes, i % nodes.length);
    plan.scenario = sc.name;
    plan.pullErrorMessage = (c) =>
      `Failed to pull image "${c.image}": rpc error: code = Unknown desc = Error response from daemon: Get "https://${c.image.split('/')[0]}/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`;
    plans.set(tr, plan);
  });

  // An update that changes nothing bumps no resourceVersion and reaches no watcher.
  const emit = (times, at, kind) => {
    let previous = '';
    times.forEach((t, i) => {
      const object = at(t);
      const text = JSON.stringify(object);
      if (text === previous) return;
      previous = text;
      lines.push({ at: t, watch: i === 0 ? 'ADDED' : 'MODIFIED', object, kind });
    });
  };

  for (const b of jobs) {
    const ljBase = lighthouseJob(sc, b, lhTemplate);
    emit(lighthouseJobEmissionTimes(b, plans), (t) => lighthouseJobAt(sc, b, plans, ljBase, t), 'LighthouseJob');
    emit(pipelineRunEmissionTimes(b, plans), (t) => pipelineRunAt(b, t), 'PipelineRun');
    for (const tr of b.trs) {
      const plan = plans.get(tr);
      const events = eventObjects(sc, plan); // sets the scheduling message the pod and TaskRun repeat
      emit(taskRunEmissionTimes(tr, plan), (t) => taskRunAt(tr, plan, t), 'TaskRun');
      const podBase = podObject(sc, b, tr, plan);
      emit(podEmissionTimes(plan), (t) => podAt(podBase, plan, t), 'Pod');
      for (const e of events) lines.push({ at: e.at, watch: e.modified ? 'MODIFIED' : 'ADDED', object: e.object, kind: 'Event' });
    }
    const paBase = pipelineActivity(sc, b, paTemplate);
    emit(pipelineActivityEmissionTimes(b, plans), (t) => pipelineActivityAt(b, plans, paBase, t), 'PipelineActivity');
  }

  // A watch delivers a change some milliseconds after it happens.
  for (const l of lines) {
    const id = l.line ? 'webhook' : `${l.object.metadata.uid}/${l.at}`;
    l.observed = l.at + (l.line ? 0 : 8 + Math.round(40 * jitter(sc.name, id)));
  }
  lines.sort((a, b) => a.observed - b.observed || (a.kind || '').localeCompare(b.kind || ''));

  let rv = sc.resourceVersionBase;
  const podRv = new Map();
  for (const l of lines) {
    if (l.line) continue;
    rv += 1 + Math.floor(6 * jitter(sc.name, 'rv', String(rv)));
    l.object.metadata.resourceVersion = String(rv);
    if (l.kind === 'Pod') podRv.set(l.object.metadata.uid, String(rv));
    if (l.kind === 'Event') l.object.involvedObject.resourceVersion = podRv.get(l.object.involvedObject.uid) || '';
  }

  const out = lines.map((l) =>
    l.line ? { ...l.line, observedAt: millisOf(l.observed) } : { type: l.watch, object: l.object, observedAt: millisOf(l.observed) },
  );
  verify(sc, out);
  return out;
}

// ---------------------------------------------------------------- checks

// Every link the tracer follows must hold, and time must run forward.
function verify(sc, lines) {
  const latest = new Map();
  const firstSeen = new Map();
  let last = '';
  for (const l of lines) {
    if (l.observedAt < last) fail(`${sc.name}: lines out of order at ${l.observedAt}`);
    last = l.observedAt;
    if (l.type === 'WEBHOOK') continue;
    const key = `${l.object.kind}/${l.object.metadata.name}`;
    latest.set(key, l.object);
    if (!firstSeen.has(key)) firstSeen.set(key, l.observedAt);
  }
  const webhook = lines.find((l) => l.type === 'WEBHOOK');
  const objects = [...latest.values()];
  const ofKind = (k) => objects.filter((o) => o.kind === k);
  const byName = (k, n) => latest.get(`${k}/${n}`) || fail(`${sc.name}: no ${k} ${n}`);
  const check = (ok, what) => ok || fail(`${sc.name}: ${what}`);
  const git = gitTarget(webhook.body, sc.webhook.kind);

  const jobs = ofKind('LighthouseJob');
  check(jobs.length === 2, 'two LighthouseJobs');
  for (const j of jobs) {
    check(j.metadata.labels['event-GUID'] === webhook.body.GUID, `${j.metadata.name} event-GUID`);
    check(j.spec.refs.org === git.org && j.spec.refs.repo === git.repo, `${j.metadata.name} refs repo`);
    if (git.pull) check(j.spec.refs.pulls[0].number === git.pull.number && j.spec.refs.pulls[0].sha === git.headSha, `${j.metadata.name} refs pull`);
    else check(j.spec.refs.base_sha === git.headSha, `${j.metadata.name} refs sha`);
    check(firstSeen.get(`LighthouseJob/${j.metadata.name}`) > webhook.observedAt, `${j.metadata.name} after webhook`);
  }
  for (const pr of ofKind('PipelineRun')) {
    const o = pr.metadata.ownerReferences[0];
    const j = byName('LighthouseJob', o.name);
    check(o.kind === 'LighthouseJob' && o.uid === j.metadata.uid, `${pr.metadata.name} owner`);
    check(pr.metadata.labels['lighthouse.jenkins-x.io/id'] === j.metadata.name, `${pr.metadata.name} id label`);
    check(pr.metadata.labels['event-GUID'] === webhook.body.GUID && pr.metadata.labels['created-by-lighthouse'] === 'true', `${pr.metadata.name} labels`);
    check(ms(pr.metadata.creationTimestamp) >= ms(j.metadata.creationTimestamp), `${pr.metadata.name} after its job`);
    for (const c of pr.status.childReferences) byName('TaskRun', c.name);
  }
  for (const tr of ofKind('TaskRun')) {
    const pr = byName('PipelineRun', tr.metadata.labels['tekton.dev/pipelineRun']);
    check(tr.metadata.ownerReferences[0].uid === pr.metadata.uid && tr.metadata.labels['tekton.dev/pipelineTask'], `${tr.metadata.name} links`);
    check(ms(tr.metadata.creationTimestamp) >= ms(pr.metadata.creationTimestamp), `${tr.metadata.name} after its run`);
    check(ms(tr.status.completionTime) >= ms(tr.status.startTime), `${tr.metadata.name} ends after it starts`);
    const pod = byName('Pod', tr.status.podName);
    check(pod.metadata.labels['tekton.dev/taskRun'] === tr.metadata.name && pod.metadata.labels['tekton.dev/pipelineRun'] === pr.metadata.name, `${pod.metadata.name} labels`);
    check(pod.metadata.ownerReferences[0].kind === 'TaskRun' && pod.metadata.ownerReferences[0].uid === tr.metadata.uid, `${pod.metadata.name} owner`);
    check(ms(pod.metadata.creationTimestamp) >= ms(tr.metadata.creationTimestamp), `${pod.metadata.name} after its TaskRun`);
    const want = tr.status.steps.map((s) => `step-${s.name}`).sort().join(' ');
    check(pod.spec.containers.map((c) => c.name).sort().join(' ') === want, `${pod.metadata.name} containers match steps`);
  }
  for (const e of ofKind('Event')) {
    const pod = byName('Pod', e.involvedObject.name);
    check(e.involvedObject.uid === pod.metadata.uid && e.involvedObject.namespace === pod.metadata.namespace, `${e.metadata.name} involved pod`);
    const m = /\{(.+)\}$/.exec(e.involvedObject.fieldPath || '');
    if (m) check([...pod.spec.containers, ...pod.spec.initContainers].some((c) => c.name === m[1]), `${e.metadata.name} container`);
    check(ms(e.metadata.creationTimestamp) >= ms(pod.metadata.creationTimestamp), `${e.metadata.name} after its pod`);
  }
  for (const pa of ofKind('PipelineActivity')) {
    const j = byName('LighthouseJob', pa.metadata.labels['lighthouse.jenkins-x.io/id']);
    check(pa.metadata.labels['event-GUID'] === j.metadata.labels['event-GUID'], `${pa.metadata.name} event-GUID`);
  }
  const reasons = new Set(ofKind('Event').map((e) => e.reason));
  for (const r of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']) check(reasons.has(r), `an Event ${r}`);
  for (const o of objects) check(o.metadata.namespace === NAMESPACE && o.metadata.uid, `${o.kind}/${o.metadata.name} namespace and uid`);
}

// ---------------------------------------------------------------- output

const KIND_ORDER = ['LighthouseJob', 'PipelineRun', 'TaskRun', 'Pod', 'Event', 'PipelineActivity'];

for (const sc of SCENARIOS) {
  const lines = assemble(sc);
  const dir = path.join(here, sc.name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'recording.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const finals = new Map();
  for (const l of lines) if (l.object) finals.set(l.object.metadata.uid, l.object);
  const items = [...finals.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  fs.writeFileSync(path.join(dir, 'dump.json'), JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 2) + '\n');
  const counts = {};
  for (const l of lines) counts[l.type === 'WEBHOOK' ? 'WEBHOOK' : l.object.kind] = (counts[l.type === 'WEBHOOK' ? 'WEBHOOK' : l.object.kind] || 0) + 1;
  console.log(`${sc.name}: ${lines.length} lines ${JSON.stringify(counts)}`);
}
