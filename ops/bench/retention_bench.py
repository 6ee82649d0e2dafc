#!/usr/bin/env python3
"""Retention benchmark: prunes 1,000,000 ended tasks on MariaDB while short tasks keep flowing, and prints one line
per figure.

Starts a control and an agent process (external setup: MariaDB 127.0.0.1:3306, database caravan_retention_bench; Redis
127.0.0.1:6379, a prefix of its own), fills the database with N tasks that ended 40 days ago (past
caravan.retention.tasks), each with two events and every tenth with output, in a few INSERT ... SELECT over MariaDB's
sequence engine. Then it submits `true` tasks at a steady rate through alternating phases: pruning held off, then
pruning running, and so on (the bench holds the retention lease {prefix}:pruning to hold it off, and deletes it to
let the node's next pass, within caravan.retention.interval-millis = 1 s, take it). It prints:
  - the fill: tasks, events and outputs written, and how long it took;
  - rows pruned per second while pruning ran: tasks, and their events (counted before and after);
  - latency p50/p99 of the steady tasks, submit->dispatched and submit->finished, without pruning and while
    pruning runs (tasks sorted by the phase they were submitted in), and the ratio of the p99s (target: within 20 %).

Usage: ops/bench/retention_bench.py [--tasks N] [--rate R] [--phase S] [--pairs P] [--batch-size B]
"""
import argparse
import subprocess
import tempfile
import time

import benchlib
from benchlib import Api, PREFIX, build_jar, percentile, sql, start, stop, wait_ready

# a database of its own, so that another bench running at the same time keeps its own
benchlib.DATABASE = "caravan_retention_bench"

LEASE = "{%s}:pruning" % PREFIX
OLD_TASK = "bench-old-"


def hold_pruning():
    """Takes the retention lease for the bench: no node starts a pass, a pass under way stops after its batch."""
    subprocess.run(["redis-cli", "SET", LEASE, "bench", "PX", "3600000"], check=True, capture_output=True)


def let_pruning_run():
    subprocess.run(["redis-cli", "DEL", LEASE], check=True, capture_output=True)


def fill(count):
    """N tasks that ended 40 days ago, two events each, output for every tenth: one statement per table."""
    sequence = f"seq_1_to_{count}"
    sql(f"""
        SET @t0 = (UNIX_TIMESTAMP() - 40 * 86400) * 1000;
        INSERT INTO tasks (id, type, priority, state, spec, agent, attempt, exit_code, created_at, dispatched_at,
                           started_at, finished_at)
        SELECT CONCAT('{OLD_TASK}', seq), 'default', 'normal', 'SUCCEEDED', '{{"type":"default","command":["true"]}}',
               'bench-agent', 1, 0, @t0 + seq, @t0 + seq + 1, @t0 + seq + 2, @t0 + seq + 3 FROM {sequence};
        INSERT INTO task_events (task_id, at, state, agent, attempt, message)
        SELECT CONCAT('{OLD_TASK}', seq), @t0 + seq, 'QUEUED', NULL, 0, 'submitted' FROM {sequence};
        INSERT INTO task_events (task_id, at, state, agent, attempt, message)
        SELECT CONCAT('{OLD_TASK}', seq), @t0 + seq + 3, 'SUCCEEDED', 'bench-agent', 1,
               'succeeded on bench-agent with exit code 0' FROM {sequence};
        INSERT INTO task_output (task_id, attempt, stdout, stderr)
        SELECT CONCAT('{OLD_TASK}', seq), 1, REPEAT('output line\\n', 20), '' FROM {sequence} WHERE seq % 10 = 0;
    """)


def old(table, column):
    """How many rows of the old tasks are left in this table."""
    return int(sql(f"SELECT COUNT(*) FROM {table} WHERE {column} LIKE '{OLD_TASK}%'")[0][0])


def steady(api, rate, seconds):
    """Submits `true` tasks at this rate for this long; their ids."""
    ids, interval, next_at = [], 1.0 / rate, time.time()
    for _ in range(int(rate * seconds)):
        ids.append(api.submit())
        next_at += interval
        time.sleep(max(0.0, next_at - time.time()))
    return ids


def latencies(ids, seconds=120):
    """Submit->dispatched and submit->finished (ms) of these tasks, once all have ended."""
    marks = ", ".join(f"'{i}'" for i in ids)
    deadline = time.time() + seconds
    while True:
        rows = sql(f"SELECT created_at, dispatched_at, finished_at, state FROM tasks WHERE id IN ({marks})")
        if all(row[3] in ("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED") for row in rows) or time.time() > deadline:
            break
        time.sleep(0.5)
    ended = [row for row in rows if row[2] != "NULL"]
    return ([int(r[1]) - int(r[0]) for r in ended], [int(r[2]) - int(r[0]) for r in ended], len(rows) - len(ended))


def figures(values):
    return f"p50 {percentile(values, 50):.0f} ms, p99 {percentile(values, 99):.0f} ms" if values else "no tasks"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1_000_000, help="ended tasks to prune")
    parser.add_argument("--rate", type=int, default=25, help="steady rate of short tasks (tasks/s)")
    parser.add_argument("--phase", type=int, default=20, help="seconds of each phase")
    parser.add_argument("--pairs", type=int, default=3, help="phases without pruning and with it, alternating")
    parser.add_argument("--batch-size", type=int, default=1000, help="caravan.retention.batch-size")
    parser.add_argument("--slots", type=int, default=4, help="the agent's slots")
    args = parser.parse_args()
    build_jar()

    workdir = tempfile.mkdtemp(prefix="caravan-bench-")
    hold_pruning()
    port, procs = start("external", workdir, args.slots, control_args=[
        "--caravan.retention.first-delay-millis=0", "--caravan.retention.interval-millis=1000",
        f"--caravan.retention.batch-size={args.batch_size}"])
    api = Api(port)
    try:
        wait_ready(api, procs[0])
        began = time.time()
        fill(args.tasks)
        filled = time.time() - began
        tasks_before, events_before = old("tasks", "id"), old("task_events", "task_id")
        outputs_before = old("task_output", "task_id")

        latencies_by_phase = {"held": ([], [], 0), "pruning": ([], [], 0)}
        steady(api, args.rate, args.phase / 2)      # warm-up, not measured
        pruning_seconds, tasks_left, phases = 0.0, tasks_before, []
        for _ in range(args.pairs):
            for phase in ("held", "pruning"):
                if phase == "pruning":
                    let_pruning_run()
                phase_began = time.time()
                ids = steady(api, args.rate, args.phase)
                if phase == "pruning":
                    hold_pruning()
                    pruning_seconds += time.time() - phase_began
                    left = old("tasks", "id")
                    phases.append(tasks_left - left)
                    tasks_left = left
                dispatched, finished, unfinished = latencies(ids)
                kept = latencies_by_phase[phase]
                latencies_by_phase[phase] = (kept[0] + dispatched, kept[1] + finished, kept[2] + unfinished)
            if tasks_left == 0:
                break
        tasks_after, events_after = old("tasks", "id"), old("task_events", "task_id")
        outputs_after = old("task_output", "task_id")

        held, running = latencies_by_phase["held"], latencies_by_phase["pruning"]
        print(f"setup: MariaDB + Redis, control + agent ({args.slots} slots), batch size {args.batch_size}, "
              f"{args.rate} tasks/s in phases of {args.phase} s, {len(phases)} with pruning")
        print(f"fill: {tasks_before} ended tasks, {events_before} events, {outputs_before} outputs in {filled:.0f} s")
        print(f"pruned while pruning ran ({pruning_seconds:.0f} s): {tasks_before - tasks_after} tasks "
              f"({(tasks_before - tasks_after) / pruning_seconds:.0f} /s), {events_before - events_after} events "
              f"({(events_before - events_after) / pruning_seconds:.0f} /s), {outputs_before - outputs_after} outputs; "
              f"tasks per phase: {phases}")
        print(f"submit->dispatched without pruning: {figures(held[0])}; while pruning: {figures(running[0])}")
        print(f"submit->finished without pruning: {figures(held[1])}; while pruning: {figures(running[1])}")
        if held[1] and running[1]:
            print(f"p99 submit->finished while pruning / without: "
                  f"{100 * percentile(running[1], 99) / percentile(held[1], 99):.0f} % "
                  f"({len(held[1])} and {len(running[1])} tasks; {held[2] + running[2]} not ended in time)")
    finally:
        let_pruning_run()
        stop(procs, "external", workdir)


if __name__ == "__main__":
    main()
