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
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "target", "caravan.jar")
TOKEN = "bench-token-" + os.urandom(8).hex()
PREFIX = "bench-" + os.urandom(4).hex()


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def submit(self):
        return self.call("POST", "/api/tasks", {"command": ["true"]})["id"]

    def submit_batch(self, count):
        batch = self.call("POST", "/api/tasks/batch", {"tasks": [{"command": ["true"]}] * count})
        return [s["task"]["id"] for s in batch]

    def task(self, task_id):
        return self.call("GET", "/api/tasks/" + task_id)


def wait_ready(api, process, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit("caravan exited during start; see its log")
        try:
            if api.call("GET", "/api/agents"):
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.5)
    sys.exit("caravan did not become ready")


def start(setup, workdir, slots):
    common = ["-Xmx1g", "-jar", JAR, f"--caravan.data-dir={workdir}", f"--caravan.agent.slots={slots}",
              "--logging.level.root=WARN"]
    logs = open(os.path.join(workdir, "caravan.log"), "w")
    if setup == "embedded":
        port = 18080
        procs = [subprocess.Popen(["java"] + common + [f"--server.port={port}",
                                                      f"--caravan.security.admin-token={TOKEN}"],
                                  stdout=logs, stderr=subprocess.STDOUT)]
        return port, procs
    database = "caravan_bench"
    subprocess.run(["mariadb", "-uroot", "-e", f"DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database}"],
                   check=True)
    prefix = PREFIX
    redis = ["--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=6379", f"--caravan.redis.prefix={prefix}"]
    port = 18080
    control = subprocess.Popen(["java"] + common + redis + [
        "--caravan.role=control", f"--server.port={port}", f"--caravan.security.admin-token={TOKEN}",
        f"--spring.datasource.url=jdbc:mysql://127.0.0.1:3306/{database}?rewriteBatchedStatements=true",
        "--spring.datasource.username=root", "--spring.datasource.password="],
        stdout=logs, stderr=subprocess.STDOUT)
    agent = subprocess.Popen(["java"] + common + redis + ["--caravan.role=agent", "--server.port=18081"],
                             stdout=logs, stderr=subprocess.STDOUT)
    return port, [control, agent]


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


def cpu_ms(pids):
    """CPU time (user + system, ms) used so far by these processes, and separately by their reaped children
    (the commands the agent ran)."""
    ticks = os.sysconf("SC_CLK_TCK")
    own = children = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        own += int(fields[11]) + int(fields[12])
        children += int(fields[13]) + int(fields[14])
    return own * 1000 / ticks, children * 1000 / ticks


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


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
    if not os.path.exists(JAR):
        subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-q", "package", "-DskipTests"], cwd=ROOT, check=True)

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
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
        if args.setup == "external":
            subprocess.run(["mariadb", "-uroot", "-e", "DROP DATABASE IF EXISTS caravan_bench"], check=False)
            keys = subprocess.run(["redis-cli", "--scan", "--pattern", "{%s}:*" % PREFIX],
                                  capture_output=True, text=True).stdout.split()
            for start_at in range(0, len(keys), 500):
                subprocess.run(["redis-cli", "DEL"] + keys[start_at:start_at + 500], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
