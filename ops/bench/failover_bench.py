#!/usr/bin/env python3
"""Failover and Redis-loss benchmark. Prints one line per trial and p50/max over the trials.

Failover: kill -9 of an agent with running tasks, until those tasks run on another agent.
Redis loss: every key of Caravan's prefix deleted (as a flush or a restart without persistence does) while
--queued tasks wait in a queue, until they are all back in it.

Against MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379), with default settings (heartbeat every 1 s, agent
timeout 5 s, disconnected timeout 2 s: a killed agent's connections close, so it is dead once its heartbeat is 2 s
late). Each trial starts a fresh "victim" agent serving a type of its own, runs --tasks `sleep` tasks of
that type on it, starts a "survivor" agent for the same type, sends SIGKILL to the victim, and measures from the
kill until the last of those tasks has started again on the survivor (its startedAt).

Usage: ops/bench/failover_bench.py [--trials 5] [--tasks 4] [--queued 1000]
"""
import argparse
import signal
import tempfile
import time

from benchlib import Api, build_jar, flush_redis, parse_time, percentile, start, start_agent, stop, wait_ready


def wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise SystemExit("timed out waiting for " + what)


def alive(api, agent_id):
    return any(a["status"]["id"] == agent_id and a["alive"] for a in api.call("GET", "/api/agents"))


def queue_depth(api, task_type):
    return sum(q["normal"] + q["urgent"] for q in api.call("GET", "/api/queues") if q["type"] == task_type)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=4, help="running tasks on the agent that is killed")
    parser.add_argument("--queued", type=int, default=1000, help="queued tasks when Redis loses its keys")
    args = parser.parse_args()
    build_jar()
    workdir = tempfile.mkdtemp(prefix="caravan-failover-bench-")
    port, procs = start("external", workdir, slots=4)
    api = Api(port)
    times = []
    try:
        wait_ready(api, procs[0])
        for trial in range(args.trials):
            task_type = f"failover-{trial}"
            victim = start_agent(workdir, f"victim-{trial}", 18100 + 2 * trial, [f"--caravan.agent.types={task_type}"])
            procs.append(victim)
            wait_for(lambda: alive(api, f"victim-{trial}"), 120, "the victim agent")
            ids = [api.call("POST", "/api/tasks", {"type": task_type, "command": ["sleep", "60"]})["id"]
                   for _ in range(args.tasks)]
            wait_for(lambda: all(api.task(i)["state"] == "RUNNING" for i in ids), 60, "the tasks to run")
            survivor = start_agent(workdir, f"survivor-{trial}", 18101 + 2 * trial, [f"--caravan.agent.types={task_type}"])
            procs.append(survivor)
            wait_for(lambda: alive(api, f"survivor-{trial}"), 120, "the survivor agent")

            victim.send_signal(signal.SIGKILL)
            killed = time.time()
            wait_for(lambda: all(api.task(i)["agent"] == f"survivor-{trial}" and api.task(i)["state"] == "RUNNING"
                                 for i in ids), 60, "the tasks to run on the survivor")
            restarted = max(parse_time(api.task(i)["startedAt"]) for i in ids)
            times.append(restarted - killed)
            print(f"trial {trial + 1}: {args.tasks} tasks running again elsewhere {restarted - killed:.2f} s after kill -9")
            for i in ids:
                api.call("POST", f"/api/tasks/{i}/cancel")
            survivor.terminate()
        print(f"failover (kill -9 -> running elsewhere), {args.trials} trials: p50 {percentile(times, 50):.2f} s, "
              f"max {max(times):.2f} s (heartbeat 1 s, agent timeout 5 s, disconnected timeout 2 s)")

        recoveries = []
        for trial in range(args.trials):
            task_type = f"parked-{trial}"
            for at in range(0, args.queued, 500):
                api.call("POST", "/api/tasks/batch", {"tasks": [{"type": task_type, "command": ["true"]}]
                                                      * min(500, args.queued - at)})
            flushed = time.time()
            flush_redis()
            wait_for(lambda: queue_depth(api, task_type) == args.queued, 60, "the queue to be restored")
            recoveries.append(time.time() - flushed)
            print(f"trial {trial + 1}: {args.queued} queued tasks back in their queue {recoveries[-1]:.2f} s after "
                  f"Redis lost its keys")
        print(f"Redis-loss recovery, {args.trials} trials: p50 {percentile(recoveries, 50):.2f} s, "
              f"max {max(recoveries):.2f} s (check every 1 s)")
    finally:
        stop([p for p in procs if p.poll() is None], "external", workdir)


if __name__ == "__main__":
    main()
