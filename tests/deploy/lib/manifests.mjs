// Shared by the Node deployment tests: where the source tree is, rendering a
// kustomization with `kubectl kustomize` (offline), parsing multi-document
// YAML, and validating objects against the Kubernetes JSON schemas shipped in
// the npm package kubernetes-models.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.PIPETRACE_SOURCE_DIR ?? path.resolve(here, "../../..");
export const kubectl = process.env.KUBECTL ?? "/usr/bin/kubectl";

// The packages come from scripts/setup-test-tools; say so instead of a bare
// "module not found".
let yamlModule;
try {
  yamlModule = await import("yaml");
  await import("kubernetes-models/v1");
} catch (error) {
  console.error("tests/deploy/node_modules is missing or incomplete: run scripts/setup-test-tools\n" + error.message);
  process.exit(1);
}
export const YAML = yamlModule.default;

export function parseDocuments(text, name) {
  const objects = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

// `kubectl kustomize DIR` as objects.
export function kustomize(dir) {
  const result = spawnSync(kubectl, ["kustomize", dir], { encoding: "utf8" });
  if (result.error) throw new Error(`cannot run ${kubectl}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseDocuments(result.stdout, dir);
}

// An overlay of `base` (a kustomization directory) plus `components`, made in
// a temporary directory: kustomize takes only relative paths to them.
export function kustomizeWith(base, components) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipetrace-kustomize-"));
  try {
    const rel = (p) => path.relative(dir, p);
    const text = `resources:\n  - ${rel(base)}\ncomponents:\n${components.map((c) => `  - ${rel(c)}\n`).join("")}`;
    fs.writeFileSync(path.join(dir, "kustomization.yaml"), text);
    return kustomize(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const deployDir = (...parts) => path.join(sourceDir, "deploy", ...parts);

// The kustomizations a test renders: the base, each overlay, and each overlay
// with the admission component.
export function renderings() {
  const overlays = fs
    .readdirSync(deployDir("kustomize", "overlays"), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const out = [{ name: "base", objects: kustomize(deployDir("kustomize", "base")) }];
  for (const overlay of overlays) {
    const dir = deployDir("kustomize", "overlays", overlay);
    out.push({ name: overlay, overlay, objects: kustomize(dir) });
    out.push({
      name: `${overlay}+admission`,
      overlay,
      admission: true,
      objects: kustomizeWith(dir, [deployDir("kustomize", "components", "admission")]),
    });
  }
  return out;
}

// Validates one object against its kind's schema; throws with the object's
// kind, name and what is wrong.
export async function validateObject(object) {
  const { apiVersion, kind } = object;
  const what = `${kind} ${object.metadata?.name}`;
  if (!apiVersion || !kind) throw new Error(`${what}: no apiVersion or kind`);
  const modulePath = `kubernetes-models/${apiVersion}`;
  let models;
  try {
    models = await import(modulePath);
  } catch {
    throw new Error(`${what}: kubernetes-models has no API ${apiVersion}`);
  }
  const Model = models[kind];
  if (!Model) throw new Error(`${what}: kubernetes-models has no kind ${kind} in ${apiVersion}`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${what} does not match the ${apiVersion} schema: ${error.message}`);
  }
}

export const byKind = (objects, kind) => objects.filter((o) => o.kind === kind);
export const one = (objects, kind, name) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ""}, found ${found.length}`);
  return found[0];
};

// The watched kinds as the code declares them (src/kube/resource_kind.cc,
// default_watched_kinds): {group, version, plural, kind}.
export function watchedKindsOfTheCode() {
  const text = fs.readFileSync(path.join(sourceDir, "src/kube/resource_kind.cc"), "utf8");
  const table = text.slice(text.indexOf("default_watched_kinds("), text.indexOf("select_watched_kinds("));
  const kinds = [];
  for (const m of table.matchAll(/\{"([a-z0-9.]*)", "(v[0-9a-z]+)", "([a-z]+)", "([A-Za-z]+)"\}/g)) {
    kinds.push({ group: m[1], version: m[2], plural: m[3], kind: m[4] });
  }
  return kinds;
}

// The kinds the annotation writer patches (src/serve/annotation_writer.cc
// picks them by watched-kind name).
export function patchedKindsOfTheCode() {
  const text = fs.readFileSync(path.join(sourceDir, "src/serve/annotation_writer.cc"), "utf8");
  return [...text.matchAll(/kind\.name != "([a-z]+)"/g)].map((m) => m[1]);
}

// `pipetrace serve --help`'s option names.
export function serveOptions() {
  const binary = process.env.PIPETRACE_BINARY;
  if (!binary) throw new Error("PIPETRACE_BINARY is not set (CTest sets it)");
  const result = spawnSync(binary, ["serve", "--help"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${binary} serve --help failed: ${result.stderr}`);
  const options = new Set();
  for (const line of result.stdout.split("\n")) {
    const names = line.trimStart().split(" ")[0];
    if (!names.startsWith("-")) continue;
    for (const name of names.split(",")) options.add(name);
  }
  const global = spawnSync(binary, ["--help"], { encoding: "utf8" });
  for (const line of global.stdout.split("\n")) {
    const names = line.trimStart().split(" ")[0];
    if (names.startsWith("-")) for (const name of names.split(",")) options.add(name);
  }
  return options;
}
