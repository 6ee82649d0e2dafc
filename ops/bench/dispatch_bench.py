#!/usr/bin/env python3
"""Dispatch benchmark: pushes `true` tasks through Caravan's HTTP API and prints, in one run, every figure of
throughput, own cost and latency, side by side with the BullMQ peer when asked (--peer bullmq).

Starts Caravan itself in one of two setups and measures, in the same run:
  - the raw process-spawn rate of this machine for the same command (SpawnRate.java, same concurrency),
  - submit rate (HTTP submissions of one task each per second, several client threads),
  - end-to-end tasks/s (first created to last finished, for a backlog of N tasks submitted in batches) and its
    share of the raw rate,
  - CPU per task of that backlog: Caravan's own (its JVMs, its Redis, its database server) against the
    command's (the agent's reaped children),
  - latency submit->finished p50/p95/p99 at a steady rate of half the end-to-end rate just measured (or --rate),
  - latency of a single task on an idle node: submitted, waited for (polled every 10 ms), the next one, and so on,
    always from the server's timestamps (createdAt, finishedAt).
With --peer bullmq it then runs the same through BullMQ (npm bullmq, installed into a scratch folder on first
use) with a Worker of the same concurrency whose processor runs execFile('true'), against the Redis on
127.0.0.1:6379 (database 13, a queue of its own, obliterated at the end): Node's raw spawn rate, end-to-end
jobs/s of a backlog added in bulk, Node's and Redis's CPU per job, latency at the same steady rate and of single
jobs (job.timestamp -> job.finishedOn). It ends with a table of Caravan against BullMQ and the targets of issue 13.

Usage: ops/bench/dispatch_bench.py [--setup embedded|external] [--tasks N] [--warmup N] [--seconds S]
                                   [--rate R] [--singles N] [--peer bullmq]
  embedded: the standalone role, embedded Redis (a child process of the JVM) + H2 (the quick start)
  external: a control and an agent process against MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379)
The jar is target/caravan.jar of this tree (built when missing; rebuild it after changing the code).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import (Api, Connection, ROOT, build_jar, cpu_ms, parse_time, percentile, redis_pid, start, stop,
                      store_pids, wait_ready)

BULLMQ = "6.7.0"
IOREDIS = "6.0.0"  # BullMQ 6 leaves the Redis client to its user (an optional peer dependency)
PEER_DB = 13
TARGET_SHARE = 85        # % of the raw spawn rate
TARGET_OWN_CPU = 25      # % of the command's CPU
TARGET_STEADY_P99 = 25   # ms, at half the capacity
TARGET_SINGLE_P99 = 15   # ms, one task on an idle node

BEGAN = time.time()


def progress(what):
    """A line on stderr, so that a run of several minutes shows where it is."""
    print(f"[{time.time() - BEGAN:5.0f} s] {what}", file=sys.stderr, flush=True)


def wait_idle(api, poll=0.2, seconds=600):
    """Waits until no task is queued, dispatched or running (cheap polls of the list totals, so the waiting
    does not load the server)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        open_tasks = sum(api.call("GET", f"/api/tasks?state={state}&limit=1")["total"]
                         for state in ("QUEUED", "DISPATCHED", "RUNNING"))
        if open_tasks == 0:
            return
        time.sleep(poll)
    sys.exit("tasks did not finish in time")


def views_of(api, ids):
    """The views of these tasks, read from the task list page by page."""
    wanted, views, offset = set(ids), {}, 0
    while len(views) < len(wanted):
        page = api.call("GET", f"/api/tasks?limit=500&offset={offset}")["tasks"]
        if not page:
            sys.exit(f"{len(wanted) - len(views)} tasks missing from the list")
        views.update({t["id"]: t for t in page if t["id"] in wanted})
        offset += len(page)
    return views


def wait_all(api, ids, poll=0.2, seconds=600):
    """Waits until every task has ended, then returns the final views of the given tasks. It first waits for the last
    one submitted (queues run in order, so it ends among the last) with one light read per poll, then for the list
    totals: counting the open tasks in a table of many thousand costs the server more than the tasks themselves."""
    deadline = time.time() + seconds
    while not api.task(ids[-1]).get("finishedAt"):
        if time.time() > deadline:
            sys.exit("tasks did not finish in time")
        time.sleep(poll)
    wait_idle(api, poll, max(1, deadline - time.time()))
    return views_of(api, ids)


def latency_ms(view):
    return (parse_time(view["finishedAt"]) - parse_time(view["createdAt"])) * 1000


def spread(latencies):
    return {p: percentile(latencies, p) for p in (50, 95, 99)}


def single_tasks(port, count, gap):
    """One task at a time: submit, poll its view every 10 ms on a kept-alive connection until it has ended (the
    latency comes from the server's timestamps, so the polling sets only how soon the next task goes, not the figure),
    rest `gap` seconds so the node is idle again, next. Latencies from the server's timestamps."""
    connection = Connection(port)
    latencies = []
    try:
        for _ in range(count):
            task_id = connection.call("POST", "/api/tasks", {"command": ["true"]})["id"]
            deadline = time.time() + 60
            while True:
                time.sleep(0.01)
                view = connection.call("GET", "/api/tasks/" + task_id)
                if view.get("finishedAt"):
                    break
                if time.time() > deadline:
                    sys.exit(f"single task {task_id} did not end within 60 s")
            if view["state"] != "SUCCEEDED":
                sys.exit(f"single task {task_id} ended {view['state']}")
            latencies.append(latency_ms(view))
            time.sleep(gap)
    finally:
        connection.close()
    return latencies


def run_caravan(args):
    """Caravan's figures, from its start to its stop."""
    workdir = tempfile.mkdtemp(prefix="caravan-bench-")
    progress(f"starting Caravan ({args.setup})")
    port, procs = start(args.setup, workdir, args.slots)
    api = Api(port)
    figures = {}
    try:
        wait_ready(api, procs[0], seconds=300)  # a busy 2-core machine can take minutes
        stores = store_pids(args.setup, workdir, procs)
        figures["stores"] = stores
        progress(f"warming up with {args.warmup} tasks")
        # warm-up until the JIT has settled: the figures are for a node that has been running for a while
        warm = []
        for start_at in range(0, args.warmup, 500):
            warm.extend(api.submit_batch(min(500, args.warmup - start_at)))
        warm.extend(api.submit() for _ in range(min(500, args.warmup)))
        wait_all(api, warm)

        # submit rate: single submissions from several clients
        progress("submit rate")
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
        figures["submit_rate"] = len(ids) / (time.time() - began)
        wait_all(api, ids)

        # end-to-end: a backlog of N tasks pushed in batches, from first created to last finished; the CPU
        # of every process that does Caravan's work, and of the commands (the JVMs' reaped children)
        progress(f"backlog of {args.tasks} tasks")
        jvms = [p.pid for p in procs]
        before = {"jvms": cpu_ms(jvms), **{name: cpu_ms(pids) for name, pids in stores.items()}}
        backlog = []
        for start_at in range(0, args.tasks, 500):
            backlog.extend(api.submit_batch(min(500, args.tasks - start_at)))
        # the waiting's own requests count in Caravan's CPU: one light read a second until the last task ended
        while not api.task(backlog[-1]).get("finishedAt"):
            time.sleep(1.0)
        wait_idle(api, poll=0.5)
        after = {"jvms": cpu_ms(jvms), **{name: cpu_ms(pids) for name, pids in stores.items()}}
        done = views_of(api, backlog)
        created = min(parse_time(t["createdAt"]) for t in done.values())
        finished = max(parse_time(t["finishedAt"]) for t in done.values())
        figures["failed"] = sum(1 for t in done.values() if t["state"] != "SUCCEEDED")
        figures["throughput"] = len(backlog) / (finished - created)
        # a store's reaped children (Redis rewriting its append-only file) are the store's work too
        figures["cpu"] = {name: (after[name][0] - before[name][0] + (0 if name == "jvms" else
                                 after[name][1] - before[name][1])) / len(backlog) for name in before}
        figures["command_cpu"] = (after["jvms"][1] - before["jvms"][1]) / len(backlog)
        figures["tasks"] = len(backlog)

        # steady rate of half that capacity (or --rate): submit -> finished
        rate = args.rate or max(1, round(figures["throughput"] / 2))
        progress(f"steady rate of {rate}/s for {args.seconds} s")
        steady = []
        next_at = time.time()
        for _ in range(rate * args.seconds):
            steady.append(api.submit())
            next_at += 1.0 / rate
            time.sleep(max(0.0, next_at - time.time()))
        views = wait_all(api, steady)
        figures["rate"] = rate
        figures["steady"] = spread([latency_ms(t) for t in views.values()])
        figures["steady_failed"] = sum(1 for t in views.values() if t["state"] != "SUCCEEDED")

        # one task at a time on an idle node
        progress(f"{args.singles} single tasks")
        time.sleep(1)
        figures["single"] = spread(single_tasks(port, args.singles, args.single_gap))
    finally:
        stop(procs, args.setup, workdir)
    return figures


def install_bullmq(folder):
    """npm bullmq (and the ioredis it drives Redis with) at the pinned versions, in a scratch folder of its own;
    installed once, reused after."""
    def installed(package):
        try:
            with open(os.path.join(folder, "node_modules", package, "package.json")) as manifest:
                return json.load(manifest)["version"]
        except (OSError, ValueError, KeyError):
            return None

    if installed("bullmq") == BULLMQ and installed("ioredis") == IOREDIS:
        return
    for tool in ("node", "npm"):
        if not shutil.which(tool):
            sys.exit(f"--peer bullmq needs {tool} (apt-get install nodejs npm)")
    os.makedirs(folder, exist_ok=True)
    print(f"installing bullmq {BULLMQ} and ioredis {IOREDIS} into {folder}", flush=True)
    subprocess.run(["npm", "install", "--prefix", folder, "--save-exact", "--no-audit", "--no-fund",
                    "--loglevel=error", f"bullmq@{BULLMQ}", f"ioredis@{IOREDIS}"], check=True,
                   stdout=subprocess.DEVNULL)


def run_bullmq(args, rate):
    """BullMQ's figures: the peer script run by Node in the scratch folder, against the Redis on 6379."""
    folder = os.path.expanduser(args.peer_dir)
    install_bullmq(folder)
    progress(f"BullMQ peer: {args.peer_warmup} jobs to warm up, Node's spawn rate, {args.tasks} jobs, "
             f"{rate}/s for {args.seconds} s, {args.singles} single jobs")
    script = os.path.join(folder, "caravan_peer.js")
    with open(script, "w") as out:
        out.write(PEER_SCRIPT)
    queue = "caravan-bench-" + os.urandom(4).hex()
    settings = {"redisPort": 6379, "redisPid": redis_pid(), "db": PEER_DB, "queue": queue,
                "ticks": os.sysconf("SC_CLK_TCK"), "concurrency": args.slots, "spawnTasks": args.tasks,
                "warmup": args.peer_warmup, "tasks": args.tasks, "rate": rate, "seconds": args.seconds,
                "singles": args.singles, "singleGapMs": round(args.single_gap * 1000)}
    try:
        run = subprocess.run(["node", script, json.dumps(settings)], cwd=folder, stdout=subprocess.PIPE, text=True)
    finally:
        # what an interrupted run left behind (the script obliterates its queue when it ends normally)
        keys = subprocess.run(["redis-cli", "-n", str(PEER_DB), "--scan", "--pattern", f"bull:{queue}:*"],
                              capture_output=True, text=True).stdout.split()
        for at in range(0, len(keys), 500):
            subprocess.run(["redis-cli", "-n", str(PEER_DB), "DEL"] + keys[at:at + 500], capture_output=True)
    if run.returncode != 0:
        sys.exit("the BullMQ peer failed (its error is above)")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    backlog = result["backlog"]
    return {"spawn": result["spawn"], "throughput": backlog["tasksPerSecond"], "failed": backlog["failed"],
            "tasks": backlog["tasks"],
            "cpu": {"node": backlog["nodeCpuMs"] / backlog["tasks"],
                    "Redis": backlog["redisCpuMs"] / backlog["tasks"]},
            "command_cpu": backlog["commandCpuMs"] / backlog["tasks"],
            "rate": result["steady"]["rate"], "steady": spread(result["steady"]["latencies"]),
            "steady_failed": result["steady"]["failed"], "single": spread(result["single"])}


def print_table(spawn, caravan, bullmq):
    """figure | Caravan | BullMQ | target | met? (met? for Caravan)"""
    def cell(value, unit=""):
        return "-" if value is None else f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"

    def peer(key):
        return bullmq[key] if bullmq else None

    def own(figures):
        return sum(figures["cpu"].values()) if figures else None

    def share(figures, raw):
        return 100 * figures["throughput"] / raw if figures else None

    def met(ok):
        return "yes" if ok else "no"

    caravan_share = share(caravan, spawn)
    bullmq_share = share(bullmq, bullmq["spawn"]) if bullmq else None
    caravan_own = 100 * own(caravan) / caravan["command_cpu"]
    bullmq_own = 100 * own(bullmq) / bullmq["command_cpu"] if bullmq else None
    rows = [
        ("raw spawn of `true` /s (Caravan: Java, BullMQ: Node)", cell(spawn), cell(peer("spawn")), "", ""),
        ("end-to-end `true` tasks/s", cell(caravan["throughput"]), cell(peer("throughput")), "", ""),
        ("share of raw spawn", cell(caravan_share, " %"), cell(bullmq_share, " %"), f">= {TARGET_SHARE} %",
         met(caravan_share >= TARGET_SHARE)),
    ]
    if bullmq:
        speed = 100 * caravan["throughput"] / bullmq["throughput"]
        rows += [("Caravan / BullMQ, tasks/s", cell(speed, " %"), "", "> 100 %", met(speed > 100)),
                 ("Caravan / BullMQ, share of raw spawn", cell(100 * caravan_share / bullmq_share, " %"), "",
                  "> 100 %", met(caravan_share > bullmq_share))]
    rows += [
        ("own CPU per task, ms (all processes)", f"{own(caravan):.2f}", f"{own(bullmq):.2f}" if bullmq else "-",
         "", ""),
        ("command's CPU per task, ms", f"{caravan['command_cpu']:.2f}",
         f"{bullmq['command_cpu']:.2f}" if bullmq else "-", "", ""),
        ("own CPU / command's CPU", cell(caravan_own, " %"), cell(bullmq_own, " %"), f"<= {TARGET_OWN_CPU} %",
         met(caravan_own <= TARGET_OWN_CPU)),
        (f"latency p99 at {caravan['rate']}/s, ms", cell(caravan["steady"][99]),
         cell(bullmq["steady"][99]) if bullmq else "-", f"<= {TARGET_STEADY_P99}",
         met(caravan["steady"][99] <= TARGET_STEADY_P99)),
        ("idle single task p99, ms", cell(caravan["single"][99]), cell(bullmq["single"][99]) if bullmq else "-",
         f"<= {TARGET_SINGLE_P99}", met(caravan["single"][99] <= TARGET_SINGLE_P99)),
    ]
    header = ("figure", "Caravan", "BullMQ", "target", "met?")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(5)]
    for row in [header, tuple("-" * w for w in widths)] + rows:
        print(" | ".join(text.ljust(width) if i == 0 else text.rjust(width)
                         for i, (text, width) in enumerate(zip(row, widths))).rstrip())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", choices=["embedded", "external"], default="embedded")
    parser.add_argument("--tasks", type=int, default=2000, help="backlog size for the throughput figure")
    parser.add_argument("--warmup", type=int, default=8000, help="tasks run before anything is measured")
    parser.add_argument("--rate", type=int, default=0,
                        help="steady rate for the latency figure (tasks/s); default half the end-to-end rate")
    parser.add_argument("--seconds", type=int, default=10, help="how long the steady rate lasts")
    parser.add_argument("--singles", type=int, default=200, help="single tasks, one at a time, for the idle latency")
    parser.add_argument("--single-gap", type=float, default=0.05, help="seconds of rest after each single task")
    parser.add_argument("--slots", type=int, default=4, help="the agent's slots, and the spawn test's threads")
    parser.add_argument("--clients", type=int, default=4, help="threads for the submit-rate figure")
    parser.add_argument("--submits", type=int, default=1000, help="single submissions for the submit-rate figure")
    parser.add_argument("--peer", choices=["bullmq"], help="also run the same through this peer")
    parser.add_argument("--peer-warmup", type=int, default=1000, help="jobs the peer runs before it is measured")
    parser.add_argument("--peer-dir", default=f"~/.cache/caravan-bench/bullmq-{BULLMQ}",
                        help="scratch folder the peer is installed into")
    args = parser.parse_args()
    build_jar()

    progress(f"raw spawn rate ({args.tasks} times true)")
    # with the launch mechanism Caravan's agent uses (CaravanApplication): the best a JVM does on this machine
    spawn = float(subprocess.run(["java", "-Djdk.lang.Process.launchMechanism=VFORK",
                                  os.path.join(ROOT, "ops", "bench", "SpawnRate.java"), str(args.tasks),
                                  str(args.slots), "true"], capture_output=True, text=True, check=True).stdout)
    caravan = run_caravan(args)
    bullmq = run_bullmq(args, caravan["rate"]) if args.peer == "bullmq" else None

    own = sum(caravan["cpu"].values())
    parts = ", ".join(f"{name if name != 'jvms' else 'JVMs'} {ms:.2f}" for name, ms in caravan["cpu"].items())
    stores = ", ".join(f"{name} pid {' '.join(map(str, pids)) or 'none found'}"
                       for name, pids in caravan["stores"].items())
    print(f"setup: {args.setup}, agent slots: {args.slots}, backlog: {caravan['tasks']} tasks "
          f"(after {args.warmup} to warm up); {stores}")
    print(f"raw spawn rate (true, {args.slots} threads, Java): {spawn:.0f} /s")
    print(f"submit rate ({args.clients} clients, one task per request): {caravan['submit_rate']:.0f} /s")
    print(f"end-to-end (backlog submitted in batches of 500): {caravan['throughput']:.0f} tasks/s "
          f"({caravan['failed']} not succeeded)")
    print(f"end-to-end / raw spawn: {100 * caravan['throughput'] / spawn:.0f} % (target >= {TARGET_SHARE} %)")
    print(f"CPU per task in the backlog: Caravan {own:.2f} ms ({parts}), the commands it ran "
          f"{caravan['command_cpu']:.2f} ms; Caravan / command {100 * own / caravan['command_cpu']:.0f} % "
          f"(target <= {TARGET_OWN_CPU} %)")
    s = caravan["steady"]
    print(f"latency submit->finished at {caravan['rate']}/s for {args.seconds} s: p50 {s[50]:.1f} ms, "
          f"p95 {s[95]:.1f} ms, p99 {s[99]:.1f} ms ({caravan['steady_failed']} not succeeded; "
          f"target p99 <= {TARGET_STEADY_P99} ms)")
    s = caravan["single"]
    print(f"latency of a single task on an idle node ({args.singles} one after another): p50 {s[50]:.1f} ms, "
          f"p95 {s[95]:.1f} ms, p99 {s[99]:.1f} ms (target p99 <= {TARGET_SINGLE_P99} ms)")
    if bullmq:
        own = sum(bullmq["cpu"].values())
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        print(f"BullMQ {BULLMQ} (Node {node}, Redis 127.0.0.1:6379 database {PEER_DB}, "
              f"Worker concurrency {args.slots}, after {args.peer_warmup} jobs to warm up):")
        print(f"  raw spawn rate (execFile true, {args.slots} at once, Node): {bullmq['spawn']:.0f} /s")
        print(f"  end-to-end (backlog added in bulk, 500 a call): {bullmq['throughput']:.0f} jobs/s "
              f"({bullmq['failed']} failed); / raw spawn: {100 * bullmq['throughput'] / bullmq['spawn']:.0f} %")
        print(f"  CPU per job: BullMQ {own:.2f} ms (Node {bullmq['cpu']['node']:.2f}, "
              f"Redis {bullmq['cpu']['Redis']:.2f}), the commands {bullmq['command_cpu']:.2f} ms; "
              f"BullMQ / command {100 * own / bullmq['command_cpu']:.0f} %")
        s = bullmq["steady"]
        print(f"  latency added->finished at {bullmq['rate']}/s: p50 {s[50]:.1f} ms, p95 {s[95]:.1f} ms, "
              f"p99 {s[99]:.1f} ms ({bullmq['steady_failed']} failed)")
        s = bullmq["single"]
        print(f"  latency of a single job on an idle queue: p50 {s[50]:.1f} ms, p95 {s[95]:.1f} ms, "
              f"p99 {s[99]:.1f} ms")
        print(f"Caravan / BullMQ: tasks/s {100 * caravan['throughput'] / bullmq['throughput']:.0f} %, share of raw "
              f"spawn {100 * (caravan['throughput'] / spawn) / (bullmq['throughput'] / bullmq['spawn']):.0f} % "
              f"(above 100 %: faster than BullMQ on this machine)")
    print()
    print_table(spawn, caravan, bullmq)


# The BullMQ peer, written into its scratch folder (beside node_modules) and run there by Node.
PEER_SCRIPT = r"""// The BullMQ peer of ops/bench/dispatch_bench.py: the same `true` tasks through BullMQ and
// Redis, with a Worker of the same concurrency, measured the same way. Written to the scratch folder by the
// bench, run there, and prints one JSON object. Argument: a JSON object of settings (see dispatch_bench.py, run_bullmq).
'use strict';
const fs = require('fs');
const { execFile } = require('child_process');
const { Queue, Worker } = require('bullmq');

const settings = JSON.parse(process.argv[2]);
const connection = { host: '127.0.0.1', port: settings.redisPort, db: settings.db };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const runTrue = () => new Promise((resolve, reject) =>
  execFile('true', (error) => (error ? reject(error) : resolve(null))));

// CPU (ms) of a process so far: its own, and that of its children it reaped (here: the commands)
function cpu(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop().trim().split(/\s+/);
  const ms = (i) => (Number(fields[i]) * 1000) / settings.ticks;
  return { own: ms(11) + ms(12), children: ms(13) + ms(14) };
}

// the raw spawn rate of `true` from Node, at the same concurrency, nothing else around it
async function spawnRate(count, concurrency) {
  for (let i = 0; i < 50; i++) await runTrue();
  let left = count;
  const began = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) await runTrue();
  }));
  return count / (Number(process.hrtime.bigint() - began) / 1e9);
}

// the jobs ended since expect(n), each as [added at, finished at] (ms); resolves when n have ended
let phase = null;
function expect(n) {
  const p = { need: n, ended: [], failed: 0 };
  p.done = new Promise((resolve) => { p.resolve = resolve; });
  phase = p;
  return p;
}
function ended(job, failed) {
  const p = phase;
  if (!p) return;
  p.ended.push([job.timestamp, job.finishedOn]);
  if (failed) p.failed++;
  if (p.ended.length === p.need) p.resolve();
}
const latencies = (p) => p.ended.map(([added, finished]) => finished - added);

async function backlog(queue, n) {
  const p = expect(n);
  for (let at = 0; at < n; at += 500) {
    await queue.addBulk(Array.from({ length: Math.min(500, n - at) }, () => ({ name: 'true', data: {} })));
  }
  await p.done;
  return p;
}

async function main() {
  const result = {};
  const queue = new Queue(settings.queue, { connection });
  const worker = new Worker(settings.queue, runTrue, { connection, concurrency: settings.concurrency });
  worker.on('completed', (job) => ended(job, false));
  worker.on('failed', (job) => ended(job, true));
  worker.on('error', (error) => console.error('worker:', error.message));
  await worker.waitUntilReady();
  try {
    if (settings.warmup > 0) await backlog(queue, settings.warmup);
    // after the warm-up, so that Node's spawn path is as warm as the Worker's
    result.spawn = await spawnRate(settings.spawnTasks, settings.concurrency);

    // a backlog of N jobs added in bulk, from the first added to the last finished
    const before = { node: cpu(process.pid), redis: cpu(settings.redisPid) };
    const p = await backlog(queue, settings.tasks);
    const after = { node: cpu(process.pid), redis: cpu(settings.redisPid) };
    const first = Math.min(...p.ended.map((e) => e[0]));
    const last = Math.max(...p.ended.map((e) => e[1]));
    result.backlog = {
      tasks: settings.tasks, failed: p.failed, tasksPerSecond: settings.tasks / ((last - first) / 1000),
      nodeCpuMs: after.node.own - before.node.own, redisCpuMs: after.redis.own - before.redis.own,
      commandCpuMs: after.node.children - before.node.children,
    };

    // a steady rate, one add at a time: added -> finished
    const rate = settings.rate > 0 ? settings.rate : Math.max(1, Math.round(result.backlog.tasksPerSecond / 2));
    const count = rate * settings.seconds;
    const steady = expect(count);
    let next = Date.now();
    for (let i = 0; i < count; i++) {
      await queue.add('true', {});
      next += 1000 / rate;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
    }
    await steady.done;
    result.steady = { rate, failed: steady.failed, latencies: latencies(steady) };

    // one job at a time on an idle queue: added -> finished
    const single = [];
    for (let i = 0; i < settings.singles; i++) {
      const one = expect(1);
      await queue.add('true', {});
      await one.done;
      single.push(...latencies(one));
      await sleep(settings.singleGapMs);
    }
    result.single = single;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
"""

if __name__ == "__main__":
    main()
