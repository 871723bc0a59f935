// The kustomize manifests (deploy/kustomize): every overlay renders, every
// object matches the Kubernetes schemas (kubernetes-models), the RBAC rules
// are least privilege and follow the code (the watched kinds of
// src/kube/resource_kind.cc, the patched kind of
// src/serve/annotation_writer.cc), and the Deployment runs locked down with
// its state only in --data-dir.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";

import {
  YAML,
  byKind,
  deployDir,
  kustomize,
  one,
  parseDocuments,
  patchedKindsOfTheCode,
  renderings,
  serveOptions,
  validateObject,
  watchedKindsOfTheCode,
} from "./lib/manifests.mjs";

const rendered = renderings();
const overlayNamespace = { "jenkins-x": "jx", standalone: "pipetrace" };

test("the base, both overlays, and both overlays with the admission component render", () => {
  assert.deepEqual(
    rendered.map((r) => r.name),
    ["base", "jenkins-x", "jenkins-x+admission", "standalone", "standalone+admission"],
  );
  for (const { name, objects } of rendered) assert.ok(objects.length >= 8, `${name} renders ${objects.length} objects`);
});

test("every rendered object matches its Kubernetes schema", async () => {
  for (const { name, objects } of rendered) {
    for (const object of objects) await validateObject(object).catch((e) => assert.fail(`${name}: ${e.message}`));
  }
});

test("the schema check rejects a broken object", async () => {
  // Guards the test above: a wrong type must fail validation.
  const deployment = structuredClone(one(rendered[0].objects, "Deployment"));
  deployment.spec.replicas = "one";
  await assert.rejects(validateObject(deployment), /replicas/);
});

test("each overlay puts every namespaced object, and the RBAC subjects, in its namespace", () => {
  for (const { name, overlay, objects } of rendered.filter((r) => r.overlay)) {
    const ns = overlayNamespace[overlay];
    assert.ok(ns, `no expected namespace for overlay ${overlay}`);
    const clusterScoped = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration"]);
    for (const object of objects) {
      if (clusterScoped.has(object.kind)) assert.equal(object.metadata.namespace, undefined, `${name} ${object.kind}`);
      else assert.equal(object.metadata.namespace, ns, `${name} ${object.kind} ${object.metadata.name}`);
    }
    for (const binding of [...byKind(objects, "ClusterRoleBinding"), ...byKind(objects, "RoleBinding")]) {
      assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "pipetrace", namespace: ns }], name);
    }
  }
});

test("the ClusterRole reads exactly the watched kinds and patches only what the annotation writer patches", () => {
  const watched = watchedKindsOfTheCode();
  assert.ok(watched.length >= 6, "the watched kinds table of src/kube/resource_kind.cc was not found");
  const patched = patchedKindsOfTheCode();
  assert.deepEqual(patched, ["pipelineruns"], "src/serve/annotation_writer.cc patches other kinds now: update the RBAC");
  for (const { name, objects } of rendered) {
    const role = one(objects, "ClusterRole");
    const reads = new Set();
    const patches = new Set();
    for (const rule of role.rules) {
      for (const field of ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"]) {
        for (const value of rule[field] ?? []) assert.ok(!value.includes("*"), `${name}: wildcard in ${field}`);
      }
      assert.equal(rule.nonResourceURLs, undefined, `${name}: non-resource URLs`);
      const verbs = [...rule.verbs].sort();
      const isRead = JSON.stringify(verbs) === JSON.stringify(["get", "list", "watch"]);
      const isPatch = JSON.stringify(verbs) === JSON.stringify(["patch"]);
      assert.ok(isRead || isPatch, `${name}: rule with verbs ${verbs} (only get/list/watch or patch)`);
      for (const group of rule.apiGroups)
        for (const resource of rule.resources) (isRead ? reads : patches).add(`${group}/${resource}`);
    }
    const expectedReads = new Set(watched.map((k) => `${k.group}/${k.plural}`));
    assert.deepEqual([...reads].sort(), [...expectedReads].sort(), `${name}: read rules`);
    const expectedPatches = watched.filter((k) => patched.includes(k.plural)).map((k) => `${k.group}/${k.plural}`);
    assert.deepEqual([...patches].sort(), expectedPatches.sort(), `${name}: patch rules`);
    assert.ok(![...reads, ...patches].some((r) => r.includes("leases")), `${name}: leases in the ClusterRole`);
  }
});

test("Leases are granted only by a namespaced Role bound to pipetrace", () => {
  for (const { name, objects } of rendered) {
    const role = one(objects, "Role");
    assert.deepEqual(role.rules, [{ apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] }]);
    const binding = one(objects, "RoleBinding");
    assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name });
    assert.equal(one(objects, "ClusterRoleBinding").roleRef.name, one(objects, "ClusterRole").metadata.name, name);
  }
});

test("the Deployment runs as non-root with a read-only root, no privilege escalation and no capabilities", () => {
  for (const { name, objects } of rendered) {
    const pod = one(objects, "Deployment").spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true, name);
    assert.ok(pod.securityContext.runAsUser > 0, name);
    assert.equal(pod.serviceAccountName, one(objects, "ServiceAccount").metadata.name, name);
    for (const container of pod.containers) {
      const sc = container.securityContext;
      assert.equal(sc.allowPrivilegeEscalation, false, name);
      assert.equal(sc.readOnlyRootFilesystem, true, name);
      assert.equal(sc.privileged, false, name);
      assert.deepEqual(sc.capabilities, { drop: ["ALL"] }, name);
      assert.ok(container.resources.requests.cpu && container.resources.requests.memory, `${name}: requests`);
      assert.ok(container.resources.limits.memory, `${name}: memory limit`);
    }
  }
});

test("probes hit /healthz and /readyz on a port the container and the Service expose", () => {
  for (const { name, objects } of rendered) {
    const container = one(objects, "Deployment").spec.template.spec.containers[0];
    const ports = new Map(container.ports.map((p) => [p.name, p.containerPort]));
    assert.equal(container.livenessProbe.httpGet.path, "/healthz", name);
    assert.equal(container.readinessProbe.httpGet.path, "/readyz", name);
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      assert.ok(ports.has(probe.httpGet.port), `${name}: probe port ${probe.httpGet.port}`);
    }
    const listen = container.args.find((a) => a.startsWith("--listen-addr="));
    assert.equal(`:${ports.get("http")}`, listen.split("=")[1], `${name}: --listen-addr and the http port`);
    const service = one(objects, "Service");
    const template = one(objects, "Deployment").spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(template[k], v, `${name}: selector ${k}`);
    for (const port of service.spec.ports) assert.ok(ports.has(port.targetPort), `${name}: Service port ${port.name}`);
  }
});

test("state lives only in --data-dir, on the PersistentVolumeClaim; the other writable mount is scratch", () => {
  for (const { name, objects } of rendered) {
    const pod = one(objects, "Deployment").spec.template.spec;
    const container = pod.containers[0];
    const dataDir = container.args.find((a) => a.startsWith("--data-dir=")).split("=")[1];
    const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
    const writable = container.volumeMounts.filter((m) => !m.readOnly);
    const data = writable.find((m) => m.mountPath === dataDir);
    assert.ok(data, `${name}: nothing mounted at --data-dir ${dataDir}`);
    assert.equal(volumes.get(data.name).persistentVolumeClaim.claimName, one(objects, "PersistentVolumeClaim").metadata.name);
    for (const mount of writable.filter((m) => m !== data)) {
      assert.ok(volumes.get(mount.name).emptyDir, `${name}: writable mount ${mount.mountPath} is not scratch`);
    }
  }
});

test("every flag the manifests pass exists in pipetrace serve --help", () => {
  const options = serveOptions();
  for (const { name, objects } of rendered) {
    for (const arg of one(objects, "Deployment").spec.template.spec.containers[0].args) {
      if (!arg.startsWith("-")) continue;
      assert.ok(options.has(arg.split("=")[0]), `${name}: ${arg} is not a pipetrace flag`);
    }
  }
});

test("the Jenkins X overlay takes Lighthouse's HMAC Secret and exports to the in-cluster collector", () => {
  const { objects } = rendered.find((r) => r.name === "jenkins-x");
  const env = new Map(one(objects, "Deployment").spec.template.spec.containers[0].env.map((e) => [e.name, e]));
  assert.deepEqual(env.get("LIGHTHOUSE_HMAC_KEY").valueFrom.secretKeyRef, { name: "lighthouse-hmac-token", key: "hmac" });
  const endpoint = new URL(env.get("OTEL_EXPORTER_OTLP_ENDPOINT").value);
  // Plain text is allowed only to in-cluster names; the collector of
  // deploy/observability listens there.
  assert.equal(endpoint.protocol, "http:");
  assert.match(endpoint.hostname, /\.svc$/);
  const collector = parseDocuments(fs.readFileSync(deployDir("observability", "otel-collector.yaml"), "utf8"), "collector");
  const service = one(collector, "Service");
  assert.equal(endpoint.hostname, `${service.metadata.name}.${service.metadata.namespace}.svc`);
  assert.ok(service.spec.ports.some((p) => p.port === Number(endpoint.port)), "the collector Service has no such port");
});

test("the Lighthouse plugin entry points at the Jenkins X Service's /lighthouse/events", () => {
  const { objects } = rendered.find((r) => r.name === "jenkins-x");
  const service = one(objects, "Service");
  const [plugins] = parseDocuments(fs.readFileSync(deployDir("lighthouse", "plugins.yaml"), "utf8"), "plugins.yaml");
  const entries = Object.values(plugins.external_plugins).flat();
  const entry = entries.find((e) => e.name === "pipetrace");
  assert.ok(entry, "no pipetrace entry in external_plugins");
  const url = new URL(entry.endpoint);
  assert.equal(url.hostname, `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`);
  assert.ok(service.spec.ports.some((p) => p.port === Number(url.port)), `no Service port ${url.port}`);
  assert.equal(url.pathname, "/lighthouse/events");
  for (const event of ["push", "pull_request"]) assert.ok(entry.events.includes(event), event);
});

test("the standalone overlay reads the GitHub and GitLab secrets and watches only kinds that exist without Jenkins X", () => {
  const { objects } = rendered.find((r) => r.name === "standalone");
  const container = one(objects, "Deployment").spec.template.spec.containers[0];
  const env = new Map(container.env.map((e) => [e.name, e]));
  for (const variable of ["GITHUB_WEBHOOK_SECRET", "GITLAB_WEBHOOK_TOKEN"]) {
    assert.equal(env.get(variable).valueFrom.secretKeyRef.name, "pipetrace-webhooks", variable);
  }
  assert.ok(container.args.includes("--kinds=pipelineruns,taskruns,pods,events"));
  assert.ok(!container.args.includes("--no-store"), "the built-in UI needs the store");
  assert.equal(one(objects, "Namespace").metadata.name, "pipetrace");
});

test("the admission component registers task pods with a fail-open webhook on pipetrace's HTTPS port", () => {
  for (const { name, objects } of rendered.filter((r) => r.admission)) {
    const config = one(objects, "MutatingWebhookConfiguration");
    assert.equal(config.webhooks.length, 1);
    const [webhook] = config.webhooks;
    assert.equal(webhook.failurePolicy, "Ignore");
    assert.equal(webhook.sideEffects, "None");
    assert.equal(webhook.reinvocationPolicy, "IfNeeded");
    assert.deepEqual(webhook.admissionReviewVersions, ["v1"]);
    assert.deepEqual(webhook.objectSelector, { matchExpressions: [{ key: "tekton.dev/taskRun", operator: "Exists" }] });
    assert.deepEqual(webhook.rules, [
      { operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "Namespaced" },
    ]);
    const service = one(objects, "Service");
    const target = webhook.clientConfig.service;
    assert.equal(target.name, service.metadata.name, name);
    assert.equal(target.namespace, service.metadata.namespace, name);
    assert.equal(target.path, "/admission/pods");
    const port = service.spec.ports.find((p) => p.port === target.port);
    assert.ok(port, `${name}: the Service has no port ${target.port}`);
    const pod = one(objects, "Deployment").spec.template.spec;
    const container = pod.containers[0];
    assert.ok(container.ports.some((p) => p.name === port.targetPort && p.containerPort === 8443), name);
    assert.ok(container.args.includes("--admission-listen-addr=:8443"), name);
    const cert = container.args.find((a) => a.startsWith("--tls-cert-file=")).split("=")[1];
    const key = container.args.find((a) => a.startsWith("--tls-key-file=")).split("=")[1];
    const mount = container.volumeMounts.find((m) => cert.startsWith(m.mountPath + "/") && key.startsWith(m.mountPath + "/"));
    assert.ok(mount?.readOnly, `${name}: the certificate files are not on a read-only mount`);
    assert.equal(pod.volumes.find((v) => v.name === mount.name).secret.secretName, "pipetrace-admission-tls");
  }
});

test("the example observability stack renders, validates and is wired collector → Tempo → Grafana", async () => {
  const stack = kustomize(deployDir("observability"));
  for (const object of stack) await validateObject(object);
  const configMap = (name) => one(stack, "ConfigMap", name);
  const collector = YAML.parse(configMap("otel-collector").data["config.yaml"]);
  assert.deepEqual(collector.service.pipelines.traces.receivers, ["otlp"]);
  const exporterName = collector.service.pipelines.traces.exporters[0];
  const [host, port] = collector.exporters[exporterName].endpoint.split(":");
  const tempoService = one(stack, "Service", "tempo");
  assert.equal(host, `${tempoService.metadata.name}.${tempoService.metadata.namespace}.svc`);
  assert.ok(tempoService.spec.ports.some((p) => p.port === Number(port)));
  const tempo = YAML.parse(configMap("tempo").data["tempo.yaml"]);
  assert.ok(tempo.distributor.receivers.otlp.protocols.grpc, "Tempo does not take OTLP/gRPC");
  const grafana = YAML.parse(configMap("grafana-datasource-tempo").data["tempo.yaml"]);
  const source = new URL(grafana.datasources[0].url);
  assert.equal(grafana.datasources[0].type, "tempo");
  assert.equal(source.hostname, host);
  assert.equal(Number(source.port), tempo.server.http_listen_port);
});
