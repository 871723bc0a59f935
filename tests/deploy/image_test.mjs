// The container image's recipe (Dockerfile, .dockerignore) and `make image`'s
// script, checked without a container engine: multi-stage bookworm build on
// the packages of scripts/install-deps, slim runtime, the non-root user the
// manifests expect, no HEALTHCHECK, state only in the manifests' --data-dir,
// and a clear refusal when no engine is usable.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { deployDir, kustomize, one, sourceDir } from "./lib/manifests.mjs";

const dockerfile = fs.readFileSync(path.join(sourceDir, "Dockerfile"), "utf8");
// Instructions with their continuation lines joined, comments dropped.
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"))
  .map((l) => ({ op: l.split(/\s+/)[0].toUpperCase(), rest: l.slice(l.indexOf(" ") + 1).trim() }));
const stages = instructions.filter((i) => i.op === "FROM").map((i) => i.rest);
const finalStage = instructions.slice(instructions.findLastIndex((i) => i.op === "FROM"));
const base = kustomize(deployDir("kustomize", "base"));
const pod = one(base, "Deployment").spec.template.spec;

test("two stages: the build on Debian bookworm, the runtime on bookworm-slim", () => {
  assert.equal(stages.length, 2, stages.join(" | "));
  assert.match(stages[0], /^debian:bookworm AS build$/i);
  assert.equal(stages[1], "debian:bookworm-slim");
});

test("the build stage installs with scripts/install-deps, the script `make deps` runs", () => {
  const buildStage = instructions.slice(0, instructions.findLastIndex((i) => i.op === "FROM"));
  assert.ok(buildStage.some((i) => i.op === "RUN" && /scripts\/install-deps/.test(i.rest)));
  assert.ok(buildStage.some((i) => i.op === "RUN" && /--target pipetrace/.test(i.rest)), "builds only the binary");
  assert.match(fs.readFileSync(path.join(sourceDir, "Makefile"), "utf8"), /scripts\/install-deps/);
});

test("the runtime runs as the numeric non-root user of the Deployment, with no HEALTHCHECK", () => {
  const users = finalStage.filter((i) => i.op === "USER");
  assert.equal(users.length, 1);
  const [uid, gid] = users[0].rest.split(":").map(Number);
  assert.ok(uid > 0, "root user");
  assert.equal(uid, pod.securityContext.runAsUser);
  assert.equal(gid, pod.securityContext.runAsGroup);
  assert.ok(!instructions.some((i) => i.op === "HEALTHCHECK"), "Kubernetes probes do health checks");
});

test("the image's data directory is the manifests' --data-dir, owned by that user", () => {
  const args = pod.containers[0].args;
  const dataDir = args.find((a) => a.startsWith("--data-dir=")).split("=")[1];
  const cmd = JSON.parse(finalStage.find((i) => i.op === "CMD").rest);
  assert.ok(cmd.includes(`--data-dir=${dataDir}`), cmd.join(" "));
  assert.equal(finalStage.find((i) => i.op === "WORKDIR").rest, dataDir);
  assert.ok(finalStage.some((i) => i.op === "RUN" && i.rest.includes(`install -d -o 65532 -g 65532 -m 0750 ${dataDir}`)));
  assert.deepEqual(JSON.parse(finalStage.find((i) => i.op === "ENTRYPOINT").rest), ["/usr/local/bin/pipetrace"]);
});

test(".dockerignore keeps build trees, node_modules and git out of the context", () => {
  const ignored = fs
    .readFileSync(path.join(sourceDir, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  for (const pattern of ["build*/", "**/node_modules", ".git"]) assert.ok(ignored.includes(pattern), pattern);
  // What the build reads must stay in the context.
  for (const needed of ["src", "proto", "cmake", "scripts", "CMakeLists.txt"]) {
    assert.ok(!ignored.some((p) => p.replace(/\/$/, "") === needed), `${needed} is ignored`);
    assert.ok(fs.existsSync(path.join(sourceDir, needed)), needed);
  }
});

test("make image says clearly that no container engine is usable", () => {
  const result = spawnSync(path.join(sourceDir, "scripts/build-image"), [], {
    encoding: "utf8",
    env: { ...process.env, CONTAINER_ENGINE: "pipetrace-no-such-engine" },
  });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no usable container engine, so no image was built/);
  assert.match(result.stderr, /pipetrace-no-such-engine: not installed/);
  assert.match(fs.readFileSync(path.join(sourceDir, "Makefile"), "utf8"), /^image:\n\t@scripts\/build-image$/m);
});
