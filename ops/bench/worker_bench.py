#!/usr/bin/env python3
"""Worker benchmark: no-op payload tasks through the reference worker (ops/workers/caravan_worker.py), with every
lease, start and outcome in the SQL record. Prints one line per figure.

Starts Caravan itself (as dispatch_bench.py does), makes a worker token, submits a backlog of N no-op payload tasks
in batches, then starts W reference worker processes (capacity C each) and measures tasks/s from the workers' start
to the last task's end (SUCCEEDED in SQL), and the latency from a task's lease (its start) to its end.

Usage: ops/bench/worker_bench.py [--setup embedded|external] [--tasks N] [--workers W] [--capacity C]
  embedded: the standalone role, embedded Redis + H2 (the quick start)
  external: a control process against MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379)
The jar is target/caravan.jar (built when missing; rebuild it after changing the code).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.error

from benchlib import Api, ROOT, TOKEN, build_jar, parse_time, percentile, start, stop, wait_ready

TYPE = "bench-noop"
WORKER = os.path.join(ROOT, "ops", "workers", "caravan_worker.py")


def succeeded(api):
    return api.call("GET", f"/api/tasks?type={TYPE}&state=SUCCEEDED&limit=1")["total"]


def worker_token(api):
    """A worker token of the user admin, whom a control node makes just after it starts: tried for a few seconds."""
    for _ in range(20):
        try:
            return api.call("POST", "/api/tokens", {"name": "bench workers", "role": "worker", "types": [TYPE],
                                                    "user": "admin"})["token"]
        except urllib.error.HTTPError as e:
            refusal = f"{e.code} {e.read().decode()}"
            time.sleep(0.5)
    sys.exit(f"no worker token ({refusal}): is target/caravan.jar older than the worker protocol? rebuild it")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", choices=["embedded", "external"], default="embedded")
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2, help="reference worker processes")
    parser.add_argument("--capacity", type=int, default=8, help="tasks each worker holds at once")
    args = parser.parse_args()
    build_jar()
    workdir = tempfile.mkdtemp(prefix="caravan-worker-bench-")
    port, procs = start(args.setup, workdir, slots=1)
    workers = []
    try:
        api = Api(port)
        wait_ready(api, procs[0])
        token = worker_token(api)
        for at in range(0, args.tasks, 1000):
            api.call("POST", "/api/tasks/batch", {"tasks": [{"type": TYPE, "payload": {}}] * min(1000, args.tasks - at)})
        began = time.time()
        env = dict(os.environ, CARAVAN_TOKEN=token)
        for n in range(args.workers):
            workers.append(subprocess.Popen([sys.executable, WORKER, "--url", api.base, "--id", f"bench-{n}",
                                             "--types", TYPE, "--capacity", str(args.capacity), "--wait-seconds", "5"],
                                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        deadline = began + 1800
        while succeeded(api) < args.tasks:
            if time.time() > deadline:
                sys.exit("the tasks did not finish in time")
            time.sleep(0.2)
        seconds = time.time() - began
        latencies, offset = [], 0
        while offset < args.tasks:
            page = api.call("GET", f"/api/tasks?type={TYPE}&limit=500&offset={offset}")["tasks"]
            if not page:
                break
            latencies += [(parse_time(t["finishedAt"]) - parse_time(t["startedAt"])) * 1000 for t in page]
            offset += len(page)
        print(f"setup: {args.setup} (SQL record: {'MariaDB' if args.setup == 'external' else 'H2'}), {args.tasks} no-op"
              f" payload tasks, {args.workers} reference workers x capacity {args.capacity}")
        print(f"payload tasks/s through the reference worker: {args.tasks / seconds:.1f}")
        print(f"lease to end (ms): p50 {percentile(latencies, 50):.0f}, p95 {percentile(latencies, 95):.0f},"
              f" p99 {percentile(latencies, 99):.0f}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        stop(procs, args.setup, workdir)


if __name__ == "__main__":
    main()
