#!/usr/bin/env python3
"""Cron benchmark: jobs firing every second against MariaDB + Redis, and many registered jobs. Prints one line per
figure.

Starts a control process (heap capped at 512 MB) and an agent process against MariaDB (127.0.0.1:3306) and Redis
(127.0.0.1:6379), then measures:
  1. start lateness (agent start - scheduled time) of a few jobs firing every second whose tasks run on the agent;
  2. precision at load: J jobs firing every second (cron "* * * * * ?", all due at the same instant) for T seconds,
     their tasks of a type no agent serves so the machine's spawn rate stays out of it: lateness of task creation
     (created - scheduled) p50/p99/max, missed fires and duplicate fires, read from the database;
  3. scale: N registered jobs, mostly hourly and some daily, at random minutes and seconds: how fast they are
     defined, how long a planning pass takes, and the control node's heap after a full GC.

Usage: ops/bench/cron_bench.py [--jobs 2000] [--seconds 60] [--start-jobs 50] [--scale-jobs 100000]
"""
import argparse
import random
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from benchlib import Api, build_jar, percentile, sql, start, stop, wait_ready

EVERY_SECOND = "* * * * * ?"


def define(api, jobs, threads=8):
    """Creates jobs over HTTP from several client threads; returns their ids and the creation rate."""
    began = time.time()
    with ThreadPoolExecutor(threads) as pool:
        ids = list(pool.map(lambda job: api.call("POST", "/api/jobs", job)["id"], jobs))
    return ids, len(jobs) / (time.time() - began)


def pause(api, ids, threads=8):
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda job_id: api.call("POST", f"/api/jobs/{job_id}/pause"), ids))


def every_second(prefix, count, task):
    return [{"name": f"{prefix}-{i}", "schedule": {"cron": EVERY_SECOND}, "task": task} for i in range(count)]


def whole_second_after(seconds):
    return (int(time.time()) + seconds) * 1000


def wait_until(epoch_ms):
    time.sleep(max(0.0, epoch_ms / 1000 - time.time()))


def metrics(api, prefix):
    """The Prometheus samples whose names start with prefix, keyed by name and labels."""
    samples = {}
    for line in api.text("/actuator/prometheus").splitlines():
        if line.startswith(prefix):
            key, value = line.rsplit(" ", 1)
            samples[key] = float(value)
    return samples


def planner_passes(api):
    """(count, total seconds, max seconds) of the planner's passes."""
    samples = metrics(api, "caravan_planner_pass_seconds")
    return (samples.get("caravan_planner_pass_seconds_count", 0), samples.get("caravan_planner_pass_seconds_sum", 0),
            samples.get("caravan_planner_pass_seconds_max", 0))


def heap_after_gc(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    # " garbage-first heap   total 123904K, used 61234K [..."
    for line in info.splitlines():
        if "used" in line and "total" in line:
            return int(line.split("used")[1].split("K")[0].strip().rstrip(",")) / 1024
    raise RuntimeError("no heap figure in: " + info)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2000, help="jobs firing every second for the precision figure")
    parser.add_argument("--seconds", type=int, default=60, help="how long the precision run lasts")
    parser.add_argument("--start-jobs", type=int, default=50, help="jobs whose tasks run, for start lateness")
    parser.add_argument("--start-seconds", type=int, default=20, help="how long the start-lateness run lasts")
    parser.add_argument("--warmup-seconds", type=int, default=20, help="how long those jobs run before it")
    parser.add_argument("--scale-jobs", type=int, default=100000, help="registered jobs for the scale figure")
    args = parser.parse_args()
    build_jar()
    workdir = tempfile.mkdtemp(prefix="caravan-cron-bench-")
    port, procs = start("external", workdir, slots=16, control_heap="512m")
    api = Api(port)
    try:
        wait_ready(api, procs[0])

        # 1. start lateness: tasks that run on the agent
        ids, _ = define(api, every_second("runs", args.start_jobs, {"command": ["true"]}))
        # measured after a warm-up: a fresh JVM spends the first seconds compiling
        began = whole_second_after(3 + args.warmup_seconds)
        ended = began + args.start_seconds * 1000
        wait_until(ended + 3000)
        pause(api, ids)
        time.sleep(3)
        starts = [int(r[0]) for r in sql(f"SELECT started_at - scheduled_at FROM tasks WHERE job_id IS NOT NULL "
                                         f"AND scheduled_at >= {began} AND scheduled_at < {ended} "
                                         f"AND started_at IS NOT NULL")]
        expected = args.start_jobs * args.start_seconds
        print(f"start lateness, {args.start_jobs} jobs every second for {args.start_seconds} s: "
              f"{len(starts)} of {expected} runs started; p50 {percentile(starts, 50)} ms, "
              f"p99 {percentile(starts, 99)} ms, max {max(starts)} ms")

        # 2. precision at load: fires whose tasks no agent takes
        ids, rate = define(api, every_second("load", args.jobs, {"type": "unserved", "command": ["true"]}))
        print(f"defined {args.jobs} jobs over HTTP at {rate:.0f} jobs/s")
        began = whole_second_after(5)
        ended = began + args.seconds * 1000
        wait_until(ended + 5000)
        window = f"job_id IS NOT NULL AND type = 'unserved' AND scheduled_at >= {began} AND scheduled_at < {ended}"
        lateness = [int(r[0]) for r in sql(f"SELECT created_at - scheduled_at FROM tasks WHERE {window}")]
        distinct = int(sql(f"SELECT COUNT(DISTINCT job_id, scheduled_at) FROM tasks WHERE {window}")[0][0])
        not_fired = sql(f"SELECT state, COUNT(*) FROM job_fires WHERE scheduled_at >= {began} "
                        f"AND scheduled_at < {ended} AND state NOT IN ('FIRED', 'PLANNED') GROUP BY state")
        expected = args.jobs * args.seconds
        print(f"precision, {args.jobs} jobs every second for {args.seconds} s ({expected} fires): "
              f"creation lateness p50 {percentile(lateness, 50)} ms, p99 {percentile(lateness, 99)} ms, "
              f"max {max(lateness)} ms")
        queued = metrics(api, "caravan_jobs_fire_queued_seconds")
        p50, p99 = (1000 * queued['caravan_jobs_fire_queued_seconds{quantile="%s"}' % q] for q in ("0.5", "0.99"))
        print(f"scheduled -> stored and queued (Caravan's timer, last ~2 min): p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
              f"max {1000 * queued['caravan_jobs_fire_queued_seconds_max']:.0f} ms")
        print(f"missed fires: {expected - distinct}; duplicate fires: {len(lateness) - distinct}; "
              f"fires skipped or missed by policy: {dict((s, int(n)) for s, n in not_fired) or 0}")
        pause(api, ids)

        # 3. scale: many registered jobs, mostly hourly, some daily
        rng = random.Random(7)
        jobs = []
        for i in range(args.scale_jobs):
            second, minute, hour = rng.randrange(60), rng.randrange(60), rng.randrange(24)
            cron = f"{second} {minute} * * * ?" if i % 5 else f"{second} {minute} {hour} * * ?"
            jobs.append({"name": f"scale-{i}", "schedule": {"cron": cron}, "task": {"type": "unserved",
                                                                                  "command": ["true"]}})
        _, rate = define(api, jobs)
        print(f"defined {args.scale_jobs} more jobs (80 % hourly, 20 % daily) over HTTP at {rate:.0f} jobs/s")
        count0, total0, _ = planner_passes(api)
        time.sleep(30)
        count1, total1, most = planner_passes(api)
        passes = count1 - count0
        print(f"planning with {args.scale_jobs + args.jobs + args.start_jobs} jobs: {passes:.0f} passes in 30 s, "
              f"mean {1000 * (total1 - total0) / max(1, passes):.1f} ms, max {1000 * most:.1f} ms per pass "
              f"(a pass plans the fires due in the next window)")
        print(f"control heap after a full GC: {heap_after_gc(procs[0].pid):.0f} MB (-Xmx512m)")
    finally:
        stop(procs, "external", workdir)


if __name__ == "__main__":
    main()
