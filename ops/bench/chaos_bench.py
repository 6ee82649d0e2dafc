#!/usr/bin/env python3
"""Chaos run: tasks keep coming while agents crash, a control node is killed and restarted and Redis loses its keys.
Prints the counts: submitted, succeeded, failed, lost, duplicate outcomes, and succeeded tasks that ran again.

Against MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379), default settings. Two control nodes (A on 18080, B on
18082) and four agents (4 slots each). --tasks tasks are submitted at --rate per second, alternately to A and B
(to the other one, with the same idempotency key, while one is down); each sleeps 0.1-1 s and then writes
"id attempt" to a ledger file, and one in ten exits 3 instead (FAILED, as written). Meanwhile, on a timeline:
an agent crashes (SIGKILL of its JVM and of every process it started, as when its machine dies) and a fresh one
joins, control node B is killed with SIGKILL, Redis loses every key of the run, B starts again, and two more
agents crash and are replaced. Then the run waits until every task has ended.

Usage: ops/bench/chaos_bench.py [--tasks 2000] [--rate 50]
"""
import argparse
import os
import signal
import tempfile
import threading
import time
import urllib.error

from benchlib import Api, build_jar, flush_redis, sql, start, start_agent, start_control, stop, wait_ready

ENDED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED")


def descendants(pid):
    """Every process below pid, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except OSError:
                pass
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def crash(process):
    """SIGKILL of a node's JVM and of everything it started."""
    below = descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    for pid in below:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


class Submitter(threading.Thread):
    def __init__(self, apis, count, rate, ledger):
        super().__init__(daemon=True)
        self.apis, self.count, self.rate, self.ledger = apis, count, rate, ledger
        self.ids = {}          # task id -> written to succeed
        self.rejected = 0

    def run(self):
        started = time.time()
        for i in range(self.count):
            time.sleep(max(0.0, started + i / self.rate - time.time()))
            succeeds = i % 10 != 9
            shell = (f"sleep 0.{1 + i % 10}; echo $CARAVAN_TASK_ID $CARAVAN_ATTEMPT >> {self.ledger}" if succeeds
                     else "sleep 0.1; exit 3")
            body = {"shell": shell, "key": f"chaos-{i}"}
            for attempt in range(20):
                api = self.apis[(i + attempt) % len(self.apis)]
                try:
                    self.ids[api.call("POST", "/api/tasks", body)["id"]] = succeeds
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.2)
            else:
                self.rejected += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50)
    args = parser.parse_args()
    build_jar()
    workdir = tempfile.mkdtemp(prefix="caravan-chaos-bench-")
    ledger = os.path.join(workdir, "ledger")
    port, procs = start("external", workdir, slots=4)
    a = Api(port)
    wait_ready(a, procs[0])
    common = ["-jar", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "target", "caravan.jar"),
              f"--caravan.data-dir={workdir}/control-b", "--caravan.control.node-id=control-b",
              "--logging.level.root=WARN"]
    logs = open(os.path.join(workdir, "control-b.log"), "a")
    control_b = start_control(common, logs, 18082)
    b = Api(18082)
    wait_ready(b, control_b)
    agents = {f"chaos-{n}": start_agent(workdir, f"chaos-{n}", 18090 + n) for n in range(1, 4)}
    extra = [control_b]
    next_agent = 4

    def replace_agent():
        nonlocal next_agent
        victim = sorted(agents)[0]
        crash(agents.pop(victim))
        agents[f"chaos-{next_agent}"] = start_agent(workdir, f"chaos-{next_agent}", 18090 + next_agent)
        next_agent += 1
        return f"agent {victim} crashed, a fresh one joins"

    submitter = Submitter([a, b], args.tasks, args.rate, ledger)
    begun = time.time()
    submitter.start()
    timeline = [(0.15, replace_agent), (0.3, lambda: (crash(control_b), "control node B killed with SIGKILL")[1]),
                (0.45, lambda: (flush_redis(), "Redis lost every key")[1]),
                (0.55, None),  # B starts again (below)
                (0.7, replace_agent), (0.85, replace_agent)]
    duration = args.tasks / args.rate
    for share, event in timeline:
        time.sleep(max(0.0, begun + share * duration - time.time()))
        if event is None:
            control_b = start_control(common, logs, 18082)
            extra.append(control_b)
            what = "control node B starts again"
        else:
            what = event()
        print(f"{time.time() - begun:6.1f} s  {what}", flush=True)
    submitter.join()
    print(f"{time.time() - begun:6.1f} s  all {len(submitter.ids)} tasks submitted", flush=True)

    ids = submitter.ids
    deadline = time.time() + 600
    while time.time() < deadline:
        ended = int(sql("SELECT COUNT(*) FROM tasks WHERE state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED')")[0][0])
        if ended >= len(ids):
            break
        time.sleep(1)
    print(f"{time.time() - begun:6.1f} s  every task ended" if time.time() < deadline else "gave up waiting", flush=True)

    records = {row[0]: (row[1], int(row[2])) for row in sql("SELECT id, state, attempt FROM tasks")}
    outcomes = {}
    for task_id, count in sql("SELECT task_id, COUNT(*) FROM task_events WHERE state IN "
                              "('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED') "
                              "AND (message IS NULL OR message NOT LIKE 'ignored%') GROUP BY task_id"):
        outcomes[task_id] = int(count)
    runs = {}
    if os.path.exists(ledger):
        with open(ledger) as f:
            for line in f:
                task_id, attempt = line.split()
                runs.setdefault(task_id, []).append(int(attempt))
    succeeded = sum(1 for t in ids if records.get(t, ("",))[0] == "SUCCEEDED")
    failed = sum(1 for t in ids if records.get(t, ("",))[0] == "FAILED")
    lost = sum(1 for t in ids if records.get(t, ("",))[0] not in ENDED)
    not_as_written = sum(1 for t, ok in ids.items()
                         if records.get(t, ("",))[0] in ENDED and (records[t][0] == "SUCCEEDED") != ok)
    duplicates = sum(1 for t in ids if outcomes.get(t, 0) > 1)
    ran_again = sum(1 for t in ids if records.get(t, ("",))[0] == "SUCCEEDED"
                    and (len(set(runs.get(t, []))) != len(runs.get(t, [])) or max(runs.get(t, [0])) > records[t][1]))
    moved = int(sql("SELECT COUNT(DISTINCT task_id) FROM task_events WHERE state = 'QUEUED' AND attempt > 0")[0][0])
    print(f"chaos: submitted {len(ids)} (+{submitter.rejected} never accepted), succeeded {succeeded}, "
          f"failed {failed} (written to fail: {sum(1 for ok in ids.values() if not ok)}), lost {lost}, "
          f"outcome not as written {not_as_written}, duplicate outcomes {duplicates}, "
          f"succeeded tasks that ran again {ran_again}; tasks put back in a queue after a dispatch (crash, flush) {moved}")
    stop(procs + [p for p in extra if p.poll() is None] + list(agents.values()), "external", workdir)


if __name__ == "__main__":
    main()
