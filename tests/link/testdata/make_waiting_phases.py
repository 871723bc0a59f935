#!/usr/bin/env python3
# Builds waiting-phases.jsonl: a recording (watch-event lines with
# observedAt) of one real PipelineRun, its TaskRun and its pod from
# testdata/fixtures (jx-controller-completed-generated), played through the
# waiting phases only a live watcher sees. Intermediate states are the final
# objects with their status edited: the PipelineRun pending then resolving
# its Pipeline, the TaskRun resolving its Task then Pending, the pod
# unschedulable, initialising, creating its containers; then each runs and
# ends as in the fixture. The TaskRun object is the PipelineRun's embedded
# status.taskRuns entry with the metadata its pod's labels and owner give.
# Deterministic: re-running rewrites the same file.
#   python3 tests/link/testdata/make_waiting_phases.py
import copy
import json
import os

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIX = os.path.join(ROOT, "testdata", "fixtures")


def load_first(path):
    with open(os.path.join(FIX, path)) as f:
        return yaml.safe_load(f)["items"][0]


pr_final = load_first("tekton/jx-controller-completed-generated.pipelineruns.yaml")
pod_final = load_first("pods/jx-controller-completed-generated.pods.yaml")
tr_name, tr_entry = next(iter(pr_final["status"]["taskRuns"].items()))
tr_owner = next(o for o in pod_final["metadata"]["ownerReferences"] if o["kind"] == "TaskRun")
tr_final = {
    "apiVersion": "tekton.dev/v1alpha1",
    "kind": "TaskRun",
    "metadata": {
        "name": tr_name,
        "namespace": pod_final["metadata"]["namespace"],
        "uid": tr_owner["uid"],
        "creationTimestamp": pr_final["metadata"]["creationTimestamp"],
        "labels": {k: v for k, v in pod_final["metadata"]["labels"].items() if k.startswith("tekton.dev/") and k != "tekton.dev/taskRun"},
        "ownerReferences": [{"apiVersion": "tekton.dev/v1alpha1", "kind": "PipelineRun", "controller": True,
                             "name": pr_final["metadata"]["name"], "uid": pr_final["metadata"]["uid"]}],
    },
    "spec": {"taskRef": {"name": pod_final["metadata"]["labels"]["tekton.dev/task"]}},
    "status": tr_entry["status"],
}

lines = []
version = [5000]


def emit(kind_type, obj, at):
    version[0] += 1
    o = copy.deepcopy(obj)
    o["metadata"]["resourceVersion"] = str(version[0])
    lines.append({"type": kind_type, "object": o, "observedAt": "2019-09-10T17:" + at + "Z"})


def unknown(reason, message):
    return [{"type": "Succeeded", "status": "Unknown", "reason": reason, "message": message,
             "lastTransitionTime": "2019-09-10T17:07:08Z"}]


# PipelineRun: created pending (spec.status), released, resolving, running.
pr = copy.deepcopy(pr_final)
pr["spec"]["status"] = "PipelineRunPending"
pr["status"] = {}
emit("ADDED", pr, "07:08.050")
del pr["spec"]["status"]
pr["status"] = {"conditions": unknown("ResolvingPipelineRef", "resolving the Pipeline")}
emit("MODIFIED", pr, "07:08.200")
pr["status"] = {"startTime": pr_final["status"]["startTime"],
                "conditions": unknown("Running", "Tasks Completed: 0 (Failed: 0, Cancelled 0), Skipped: 0")}
emit("MODIFIED", pr, "07:08.300")

# TaskRun: resolving its Task, then Pending while its pod waits, then running.
tr = copy.deepcopy(tr_final)
tr["status"] = {"conditions": unknown("ResolvingTaskRef", "resolving the Task")}
emit("ADDED", tr, "07:08.400")
tr["status"] = {"startTime": tr_final["status"]["startTime"], "podName": tr_final["status"]["podName"],
                "conditions": unknown("Pending", "pod status \"PodScheduled\":\"False\"; message: \"0/3 nodes are available: 3 Insufficient cpu.\"")}
emit("MODIFIED", tr, "07:08.600")

# Pod: unschedulable, then initialising, then creating its containers.
pod = copy.deepcopy(pod_final)
pod["status"] = {"phase": "Pending", "qosClass": pod_final["status"].get("qosClass", "BestEffort"),
                 "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                 "message": "0/3 nodes are available: 3 Insufficient cpu.",
                                 "lastProbeTime": None, "lastTransitionTime": "2019-09-10T17:07:08Z"}]}
emit("ADDED", pod, "07:08.700")


def waiting(statuses, reason):
    out = []
    for s in statuses:
        s = copy.deepcopy(s)
        s["state"] = {"waiting": {"reason": reason}}
        s["ready"] = False
        s.pop("containerID", None)
        out.append(s)
    return out


pod["spec"]["nodeName"] = pod_final["spec"].get("nodeName", "")
pod["status"]["conditions"] = [c for c in pod_final["status"]["conditions"] if c["type"] == "PodScheduled"]
pod["status"]["startTime"] = pod_final["status"]["startTime"]
pod["status"]["initContainerStatuses"] = waiting(pod_final["status"]["initContainerStatuses"], "PodInitializing")
pod["status"]["containerStatuses"] = waiting(pod_final["status"]["containerStatuses"], "PodInitializing")
emit("MODIFIED", pod, "07:09.900")
pod["status"]["initContainerStatuses"] = pod_final["status"]["initContainerStatuses"]
pod["status"]["containerStatuses"] = waiting(pod_final["status"]["containerStatuses"], "ContainerCreating")
emit("MODIFIED", pod, "07:18.500")
running = copy.deepcopy(pod_final["status"])
running["phase"] = "Running"
for s in running["containerStatuses"]:
    s["state"] = {"running": {"startedAt": s["state"]["terminated"]["startedAt"]}}
emit("MODIFIED", {**pod, "status": running}, "07:19.400")
tr["status"] = {"startTime": tr_final["status"]["startTime"], "podName": tr_final["status"]["podName"],
                "conditions": unknown("Running", "Not all Steps in the Task have finished executing")}
emit("MODIFIED", tr, "07:19.500")

# The end, as in the fixtures.
emit("MODIFIED", pod_final, "08:20.800")
emit("MODIFIED", tr_final, "08:21.300")
emit("MODIFIED", pr_final, "08:23.400")

with open(os.path.join(os.path.dirname(__file__), "waiting-phases.jsonl"), "w") as f:
    for line in lines:
        f.write(json.dumps(line, separators=(",", ":"), sort_keys=True) + "\n")
