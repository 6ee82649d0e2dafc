#!/usr/bin/env python3
"""Dispatch benchmark: pushes `true` tasks through Caravan's HTTP API and prints one line per figure.

Starts Caravan itself in one of two setups and measures, in the same run:
  - the raw process-spawn rate of this machine for the same command (SpawnRate.java, same concurrency),
  - submit rate (HTTP submissions of one task each per second, several client threads),
  - end-to-end tasks/s (first created to last finished, for a backlog of N tasks submitted in batches) and its
    ratio to the raw rate,
  - latency submit->finished p50/p95/p99 at a steady, idle rate (default 100 tasks/s, no backlog).

Usage: ops/bench/dispatch_bench.py [--setup embedded|external] [--tasks N] [--rate R] [--seconds S]
  embedded: the standalone role, embedded Redis + H2 (the quick start)
  external: a control and an agent process against MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379)
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import Api, ROOT, build_jar, cpu_ms, parse_time, percentile, start, stop, wait_ready

def wait_all(api, ids, seconds=600):
    """Waits until no task is queued, dispatched or running (cheap polls of the list totals, so the waiting
    does not load the server), then returns the final views of the given tasks."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        open_tasks = sum(api.call("GET", f"/api/tasks?state={state}&limit=1")["total"]
                         for state in ("QUEUED", "DISPATCHED", "RUNNING"))
        if open_tasks == 0:
            break
        time.sleep(0.2)
    else:
        sys.exit("tasks did not finish in time")
    wanted, views, offset = set(ids), {}, 0
    while len(views) < len(wanted):
        page = api.call("GET", f"/api/tasks?limit=500&offset={offset}")["tasks"]
        if not page:
            sys.exit(f"{len(wanted) - len(views)} tasks missing from the list")
        views.update({t["id"]: t for t in page if t["id"] in wanted})
        offset += len(page)
    return views


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", choices=["embedded", "external"], default="embedded")
    parser.add_argument("--tasks", type=int, default=2000, help="backlog size for the throughput figure")
    parser.add_argument("--warmup", type=int, default=8000, help="tasks run before anything is measured")
    parser.add_argument("--rate", type=int, default=100, help="steady rate for the latency figure (tasks/s)")
    parser.add_argument("--seconds", type=int, default=10, help="how long the steady rate lasts")
    parser.add_argument("--slots", type=int, default=4, help="the agent's slots, and the spawn test's threads")
    parser.add_argument("--clients", type=int, default=4, help="threads for the submit-rate figure")
    parser.add_argument("--submits", type=int, default=1000, help="single submissions for the submit-rate figure")
    args = parser.parse_args()
    build_jar()

    spawn = float(subprocess.run(["java", os.path.join(ROOT, "ops", "bench", "SpawnRate.java"), str(args.tasks),
                                  str(args.slots), "true"], capture_output=True, text=True, check=True).stdout)

    workdir = tempfile.mkdtemp(prefix="caravan-bench-")
    port, procs = start(args.setup, workdir, args.slots)
    api = Api(port)
    try:
        wait_ready(api, procs[0])
        # warm-up until the JIT has settled: the figures are for a node that has been running for a while
        warm = []
        for start_at in range(0, args.warmup, 500):
            warm.extend(api.submit_batch(min(500, args.warmup - start_at)))
        warm.extend(api.submit() for _ in range(500))
        wait_all(api, warm)

        # submit rate: single submissions from several clients
        ids, lock = [], threading.Lock()
        per_client = args.submits // args.clients

        def client():
            mine = [api.submit() for _ in range(per_client)]
            with lock:
                ids.extend(mine)

        began = time.time()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        submit_rate = len(ids) / (time.time() - began)
        wait_all(api, ids)

        # end-to-end: a backlog of N tasks pushed in batches, from first created to last finished
        cpu_before = cpu_ms([p.pid for p in procs])
        backlog = []
        for start_at in range(0, args.tasks, 500):
            backlog.extend(api.submit_batch(min(500, args.tasks - start_at)))
        done = wait_all(api, backlog)
        created = min(parse_time(t["createdAt"]) for t in done.values())
        finished = max(parse_time(t["finishedAt"]) for t in done.values())
        failed = sum(1 for t in done.values() if t["state"] != "SUCCEEDED")
        throughput = len(backlog) / (finished - created)
        cpu_after = cpu_ms([p.pid for p in procs])
        caravan_cpu = (cpu_after[0] - cpu_before[0]) / len(backlog)
        command_cpu = (cpu_after[1] - cpu_before[1]) / len(backlog)

        # steady rate, idle system: submit -> finished latency
        steady = []
        interval = 1.0 / args.rate
        next_at = time.time()
        for _ in range(args.rate * args.seconds):
            steady.append(api.submit())
            next_at += interval
            time.sleep(max(0.0, next_at - time.time()))
        views = wait_all(api, steady)
        latencies = [(parse_time(t["finishedAt"]) - parse_time(t["createdAt"])) * 1000 for t in views.values()]

        print(f"setup: {args.setup}, agent slots: {args.slots}, backlog: {len(backlog)} tasks")
        print(f"raw spawn rate (true, {args.slots} threads): {spawn:.0f} /s")
        print(f"submit rate ({args.clients} clients, one task per request): {submit_rate:.0f} /s")
        print(f"end-to-end (backlog submitted in batches of 500): {throughput:.0f} tasks/s ({failed} not succeeded)")
        print(f"end-to-end / raw spawn: {100 * throughput / spawn:.0f} %")
        print(f"CPU per task in the backlog: Caravan JVMs {caravan_cpu:.2f} ms, the commands they ran "
              f"{command_cpu:.2f} ms")
        print(f"latency submit->finished at {args.rate}/s: p50 {percentile(latencies, 50):.1f} ms, "
              f"p95 {percentile(latencies, 95):.1f} ms, p99 {percentile(latencies, 99):.1f} ms")
    finally:
        stop(procs, args.setup, workdir)

if __name__ == "__main__":
    main()
