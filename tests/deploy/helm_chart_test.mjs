// The Helm chart (deploy/helm/pipetrace): Chart.yaml and values.yaml parse,
// the templates render (tests/deploy/lib/chart_renderer.mjs: no helm binary
// here) into objects that match the Kubernetes schemas, and with the default
// values they are the kustomize base's objects: same kinds and names, same
// RBAC rules, same pod spec. With Jenkins X values they configure the
// container as the jenkins-x overlay does. With admission.enabled they are
// the base's plus what the admission component adds.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";

import { ChartRenderer } from "./lib/chart_renderer.mjs";
import { YAML, deployDir, kustomize, kustomizeWith, one, parseDocuments, validateObject } from "./lib/manifests.mjs";

const chartDir = deployDir("helm", "pipetrace");
const defaults = YAML.parse(fs.readFileSync(`${chartDir}/values.yaml`, "utf8"));

function renderChart(values, release) {
  const outputs = new ChartRenderer(chartDir, values, release).render();
  return Object.entries(outputs).flatMap(([file, text]) => parseDocuments(text, file));
}

const withValues = (change) => {
  const values = structuredClone(defaults);
  change(values);
  return values;
};

const identity = (o) => `${o.kind}/${o.metadata.name}`;
const base = kustomize(deployDir("kustomize", "base"));
const chart = renderChart(defaults);

test("Chart.yaml and values.yaml parse and say what the chart is", () => {
  const meta = YAML.parse(fs.readFileSync(`${chartDir}/Chart.yaml`, "utf8"));
  assert.equal(meta.apiVersion, "v2");
  assert.equal(meta.name, "pipetrace");
  assert.match(meta.version, /^\d+\.\d+\.\d+$/);
  const cmake = fs.readFileSync(deployDir("..", "CMakeLists.txt"), "utf8");
  const projectVersion = cmake.match(/project\(pipetrace VERSION (\S+)/)[1];
  assert.equal(meta.appVersion, projectVersion, "appVersion differs from the project version in CMakeLists.txt");
  for (const key of ["image", "namespace", "lighthouse", "exporter", "data", "resources"]) {
    assert.ok(key in defaults, `values.yaml has no ${key}`);
  }
});

test("the default rendering has the kustomize base's kinds and names", () => {
  assert.deepEqual(chart.map(identity).sort(), base.map(identity).sort());
});

test("every rendered object matches its Kubernetes schema", async () => {
  for (const object of chart) await validateObject(object);
  const configured = renderChart(
    withValues((v) => {
      v.lighthouse.hmacSecret.name = "lighthouse-hmac-token";
      v.webhooks.secretName = "pipetrace-webhooks";
      v.exporter.endpoint = "https://collector.example.com:4317";
      v.exporter.headersSecret.name = "collector-auth";
      v.data.storageClassName = "fast";
      v.watch.kinds = "pipelineruns,taskruns";
    }),
  );
  for (const object of configured) await validateObject(object);
});

test("with the default values the objects are the base's, labels aside", () => {
  // The kustomize base is namespace-agnostic; the chart names the release's
  // namespace. Labels differ by design (Helm's own).
  const strip = (o) => {
    const copy = structuredClone(o);
    delete copy.metadata.labels;
    delete copy.metadata.namespace;
    for (const s of copy.subjects ?? []) delete s.namespace;
    return copy;
  };
  for (const object of chart) {
    const twin = base.find((b) => identity(b) === identity(object));
    assert.deepEqual(strip(object), strip(twin), identity(object));
  }
});

test("the namespace value and the release namespace place every namespaced object", () => {
  const inRelease = renderChart(defaults, { Name: "x", Namespace: "ci", Service: "Helm" });
  const explicit = renderChart(withValues((v) => (v.namespace = "jx")), { Name: "x", Namespace: "ci", Service: "Helm" });
  for (const [objects, ns] of [[inRelease, "ci"], [explicit, "jx"]]) {
    for (const o of objects) {
      if (o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding") assert.equal(o.metadata.namespace, undefined);
      else assert.equal(o.metadata.namespace, ns, identity(o));
    }
    assert.equal(one(objects, "ClusterRoleBinding").subjects[0].namespace, ns);
  }
});

test("Jenkins X values configure the container as the jenkins-x overlay does", () => {
  const overlay = kustomize(deployDir("kustomize", "overlays", "jenkins-x"));
  const values = withValues((v) => {
    v.namespace = "jx";
    v.lighthouse.hmacSecret.name = "lighthouse-hmac-token";
    v.exporter.endpoint = "http://otel-collector.observability.svc:4317";
  });
  const container = (objects) => one(objects, "Deployment").spec.template.spec.containers[0];
  const envByName = (c) => Object.fromEntries(c.env.map((e) => [e.name, e]));
  const fromChart = container(renderChart(values));
  const fromOverlay = container(overlay);
  assert.deepEqual(envByName(fromChart), envByName(fromOverlay));
  assert.deepEqual(fromChart.args, fromOverlay.args);
});

test("values reach the objects: image, data volume, resources, exporter headers", () => {
  const objects = renderChart(
    withValues((v) => {
      v.image.repository = "registry.example.com/pipetrace";
      v.image.tag = "1.2.3";
      v.data.size = "20Gi";
      v.data.storageClassName = "fast";
      v.resources.limits.memory = "1Gi";
      v.exporter.endpoint = "https://collector.example.com:4317";
      v.exporter.headersSecret.name = "collector-auth";
      v.watch.kinds = "pipelineruns,taskruns,pods,events";
    }),
  );
  const c = one(objects, "Deployment").spec.template.spec.containers[0];
  assert.equal(c.image, "registry.example.com/pipetrace:1.2.3");
  assert.equal(c.resources.limits.memory, "1Gi");
  assert.ok(c.args.includes("--kinds=pipelineruns,taskruns,pods,events"));
  const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
  assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT.value, "https://collector.example.com:4317");
  assert.deepEqual(env.OTEL_EXPORTER_OTLP_HEADERS.valueFrom.secretKeyRef, { name: "collector-auth", key: "headers" });
  const pvc = one(objects, "PersistentVolumeClaim");
  assert.equal(pvc.spec.resources.requests.storage, "20Gi");
  assert.equal(pvc.spec.storageClassName, "fast");
  // The default image tag is the chart's appVersion.
  const defaultImage = one(chart, "Deployment").spec.template.spec.containers[0].image;
  assert.equal(defaultImage, `pipetrace:${YAML.parse(fs.readFileSync(`${chartDir}/Chart.yaml`, "utf8")).appVersion}`);
});

test("with the default values there is no admission webhook, port, flag or certificate", () => {
  assert.equal(defaults.admission.enabled, false);
  assert.ok(!chart.some((o) => o.kind === "MutatingWebhookConfiguration"));
  const pod = one(chart, "Deployment").spec.template.spec;
  assert.ok(!pod.containers[0].args.some((a) => a.startsWith("--admission") || a.startsWith("--tls-")));
  assert.deepEqual(pod.containers[0].ports.map((p) => p.name), ["http"]);
  assert.deepEqual(one(chart, "Service").spec.ports.map((p) => p.name), ["http"]);
  assert.ok(!pod.volumes.some((v) => v.secret));
});

// admission.enabled in the release namespace "ci", and the same objects from
// kustomize: the base plus the admission component.
const admissionRelease = { Name: "pipetrace", Namespace: "ci", Service: "Helm" };
const withAdmission = renderChart(
  withValues((v) => (v.admission.enabled = true)),
  admissionRelease,
);
const baseWithAdmission = kustomizeWith(deployDir("kustomize", "base"), [
  deployDir("kustomize", "components", "admission"),
]);

test("with admission enabled the objects are the base's plus the admission component's, labels and namespaces aside", () => {
  assert.deepEqual(withAdmission.map(identity).sort(), baseWithAdmission.map(identity).sort());

  // The component names the namespace `default` for an overlay to replace;
  // the chart names the release's.
  const webhook = one(withAdmission, "MutatingWebhookConfiguration").webhooks[0];
  assert.equal(webhook.clientConfig.service.namespace, "ci");
  assert.equal(webhook.clientConfig.service.namespace, one(withAdmission, "Service").metadata.namespace);
  const inJx = renderChart(
    withValues((v) => {
      v.admission.enabled = true;
      v.namespace = "jx";
    }),
    admissionRelease,
  );
  assert.equal(one(inJx, "MutatingWebhookConfiguration").webhooks[0].clientConfig.service.namespace, "jx");

  // Field by field first, for a failure that says what differs. Strategic
  // merge puts the component's ports, mounts and volumes before the base's;
  // their order means nothing, so they compare by name. Args are a command
  // line and compare in order.
  const byName = (list) => [...(list ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const container = (objects) => one(objects, "Deployment").spec.template.spec.containers[0];
  const fromChart = container(withAdmission);
  const fromKustomize = container(baseWithAdmission);
  assert.deepEqual(fromChart.args, fromKustomize.args);
  assert.deepEqual(byName(fromChart.ports), byName(fromKustomize.ports));
  assert.deepEqual(byName(fromChart.volumeMounts), byName(fromKustomize.volumeMounts));
  const volumes = (objects) => byName(one(objects, "Deployment").spec.template.spec.volumes);
  assert.deepEqual(volumes(withAdmission), volumes(baseWithAdmission));
  const servicePorts = (objects) => byName(one(objects, "Service").spec.ports);
  assert.deepEqual(servicePorts(withAdmission), servicePorts(baseWithAdmission));
  const webhooks = (objects) =>
    one(objects, "MutatingWebhookConfiguration").webhooks.map((w) => {
      const copy = structuredClone(w);
      delete copy.clientConfig.service.namespace;
      return copy;
    });
  assert.deepEqual(webhooks(withAdmission), webhooks(baseWithAdmission));

  // Then whole objects, with those lists in name order.
  const strip = (o) => {
    const copy = structuredClone(o);
    delete copy.metadata.labels;
    delete copy.metadata.namespace;
    for (const s of copy.subjects ?? []) delete s.namespace;
    for (const w of copy.webhooks ?? []) delete w.clientConfig.service.namespace;
    if (copy.kind === "Service") copy.spec.ports = byName(copy.spec.ports);
    if (copy.kind === "Deployment") {
      const pod = copy.spec.template.spec;
      pod.volumes = byName(pod.volumes);
      for (const c of pod.containers) {
        c.ports = byName(c.ports);
        c.volumeMounts = byName(c.volumeMounts);
      }
    }
    return copy;
  };
  for (const object of withAdmission) {
    const twin = baseWithAdmission.find((b) => identity(b) === identity(object));
    assert.deepEqual(strip(object), strip(twin), identity(object));
  }
});

test("with admission enabled every object matches its schema and the admission values reach the webhook", async () => {
  for (const object of withAdmission) await validateObject(object);
  assert.equal(one(withAdmission, "MutatingWebhookConfiguration").webhooks[0].clientConfig.caBundle, undefined);
  assert.equal(one(withAdmission, "MutatingWebhookConfiguration").metadata.annotations, undefined);

  const caBundle = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64");
  const configured = renderChart(
    withValues((v) => {
      v.admission.enabled = true;
      v.admission.tlsSecretName = "webhook-cert";
      v.admission.caBundle = caBundle;
      v.admission.certManagerCertificate = "pipetrace-admission";
      v.admission.failurePolicy = "Fail";
      v.admission.timeoutSeconds = 3;
    }),
    admissionRelease,
  );
  for (const object of configured) await validateObject(object);
  const config = one(configured, "MutatingWebhookConfiguration");
  const [webhook] = config.webhooks;
  assert.equal(webhook.clientConfig.caBundle, caBundle);
  assert.equal(webhook.failurePolicy, "Fail");
  assert.equal(webhook.timeoutSeconds, 3);
  assert.deepEqual(config.metadata.annotations, { "cert-manager.io/inject-ca-from": "ci/pipetrace-admission" });
  const pod = one(configured, "Deployment").spec.template.spec;
  assert.equal(pod.volumes.find((v) => v.name === "admission-tls").secret.secretName, "webhook-cert");
});

test("the renderer refuses template forms it does not know", () => {
  const renderer = new ChartRenderer(chartDir, defaults);
  assert.throws(() => renderer.evaluate('printf "%s" .Values.name'), /unsupported function printf/);
  assert.throws(() => renderer.evaluate("$x"), /unsupported term/);
});
