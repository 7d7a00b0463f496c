#!/usr/bin/env python3
"""Checks that count-job.yaml and kustomization.yaml parse and hang together.

Without a cluster, this is what can be checked: every document parses (PyYAML),
the three per-shard Jobs are Indexed with `completions` equal to SHARDS in
shard.env, every pod runs shard.sh with the phase its Job is for (and the wait
for the phase before it as an init container), gets the environment of
shard.env, and mounts the volumes its phase reads and writes at the paths
shard.env names. Exits 1 with the list of problems, else prints a summary.

    .venv-spark/bin/python examples/k8s/validate_manifest.py   # (simulate.sh runs it)
"""

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SCRIPT = "/etc/themeline/shard.sh"

# Job -> (Indexed, its phase, the phase its init container waits for, reads the inputs)
JOBS = {
    "themeline-passages": (True, "passages", None, True),
    "themeline-boilerplate": (False, "boilerplate", "passages", False),
    "themeline-mine": (True, "mine", "boilerplate", True),
    "themeline-select": (False, "select", "mine", False),
    "themeline-count": (True, "count", "select", True),
    "themeline-merge": (False, "merge", "count", False),
}


def env_file(path):
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def main():
    problems = []
    env = env_file(HERE / "shard.env")
    shards = int(env["SHARDS"])
    docs = [d for d in yaml.safe_load_all((HERE / "count-job.yaml").read_text()) if d]
    kustomization = yaml.safe_load((HERE / "kustomization.yaml").read_text())

    generated = {}
    for generator in kustomization.get("configMapGenerator", []):
        sources = generator.get("files", []) + generator.get("envs", [])
        for source in sources:
            if not (HERE / source).is_file():
                problems.append(f"kustomization: {generator['name']} is made from {source}, which is missing")
        generated[generator["name"]] = generator
    if "count-job.yaml" not in kustomization.get("resources", []):
        problems.append("kustomization: count-job.yaml is not a resource")
    if not kustomization.get("generatorOptions", {}).get("disableNameSuffixHash"):
        problems.append("kustomization: the ConfigMaps need stable names (disableNameSuffixHash)")
    files_map = generated.get("themeline-files", {}).get("files", [])
    if "shard.sh" not in files_map:
        problems.append("kustomization: ConfigMap themeline-files does not hold shard.sh")
    if Path(env["INPUT_LIST"]).parent != Path(SCRIPT).parent or Path(env["INPUT_LIST"]).name not in files_map:
        problems.append(f"shard.env: INPUT_LIST {env['INPUT_LIST']} is not a file of ConfigMap themeline-files")
    if "shard.env" not in generated.get("themeline-env", {}).get("envs", []):
        problems.append("kustomization: ConfigMap themeline-env is not made from shard.env")

    claims = {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
    if "themeline-work" not in claims:
        problems.append("no PersistentVolumeClaim themeline-work")
    jobs = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Job"}
    if set(jobs) != set(JOBS):
        problems.append(f"Jobs {sorted(jobs)}, expected {sorted(JOBS)}")

    for name, (indexed, phase, waits_for, reads_inputs) in JOBS.items():
        job = jobs.get(name)
        if job is None:
            continue
        where = f"Job {name}"
        if job.get("apiVersion") != "batch/v1":
            problems.append(f"{where}: apiVersion {job.get('apiVersion')}, not batch/v1")
        spec = job["spec"]
        if indexed:
            if spec.get("completionMode") != "Indexed":
                problems.append(f"{where}: completionMode is {spec.get('completionMode')}, not Indexed")
            if spec.get("completions") != shards:
                problems.append(f"{where}: completions {spec.get('completions')}, but SHARDS={shards} in shard.env")
            if not 1 <= spec.get("parallelism", 0) <= shards:
                problems.append(f"{where}: parallelism must be 1 to {shards}")
        elif spec.get("completions", 1) != 1 or spec.get("completionMode") == "Indexed":
            problems.append(f"{where}: runs once, so one completion, not Indexed")
        pod = spec["template"]["spec"]
        if pod.get("restartPolicy") not in ("Never", "OnFailure"):
            problems.append(f"{where}: a Job's pods need restartPolicy Never or OnFailure")
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        containers = [("container", c) for c in pod.get("containers", [])]
        containers += [("init container", c) for c in pod.get("initContainers", [])]
        expected = [("container", ["bash", SCRIPT, phase])]
        if waits_for:
            expected.append(("init container", ["bash", SCRIPT, "wait", waits_for]))
        found = [(kind, c.get("command")) for kind, c in containers]
        if sorted(found) != sorted(expected):
            problems.append(f"{where}: runs {found}, expected {expected}")
        for kind, container in containers:
            what = f"{where}, {kind} {container.get('name')}"
            if {"configMapRef": {"name": "themeline-env"}} not in container.get("envFrom", []):
                problems.append(f"{what}: no envFrom ConfigMap themeline-env")
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            needs = {str(Path(SCRIPT).parent): ("configMap", "themeline-files"), "/work": ("persistentVolumeClaim", "themeline-work")}
            if reads_inputs and kind == "container":
                needs["/data"] = ("persistentVolumeClaim", "themeline-data")
            for path, (source, source_name) in needs.items():
                volume = volumes.get(mounts.get(path))
                if volume is None:
                    problems.append(f"{what}: nothing mounted at {path}")
                    continue
                got = volume.get(source, {})
                if got.get("name", got.get("claimName")) != source_name:
                    problems.append(f"{what}: {path} is not {source} {source_name}")
            if not env["WORK"].startswith("/work/"):
                problems.append(f"shard.env: WORK {env['WORK']} is not on the themeline-work volume (/work)")

    inputs = [l for l in (HERE / "inputs.txt").read_text().splitlines() if l and not l.startswith("#")]
    outside = [p for p in inputs if not p.startswith("/data/")]
    if outside:
        problems.append(f"inputs.txt: {len(outside)} paths not on the themeline-data volume (/data), e.g. {outside[0]}")
    if len(inputs) < shards:
        problems.append(f"inputs.txt: {len(inputs)} files cannot make {shards} shards")

    if problems:
        print("manifest problems:", *problems, sep="\n  ")
        return 1
    print(
        f"manifest OK: {len(docs)} documents ({', '.join(d['kind'] + ' ' + d['metadata']['name'] for d in docs)}); "
        f"Indexed Jobs with completions={shards}, {len(inputs)} inputs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
