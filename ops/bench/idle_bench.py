#!/usr/bin/env python3
"""Idle benchmark: what Caravan's processes cost while there is no work at all, and how much memory they hold.

Starts Caravan in one setup or both, one after the other, waits until the agent has registered, and measures two
windows of --seconds (60) with nothing submitted: one --settle seconds (30) after ready, while the JIT compiler still
works through what starting left, and one --steady seconds (300) after ready, when it has (0 skips it). Each prints:
  - each process's CPU, as % of one core (user + system time from /proc/<pid>/stat over the window),
  - each process's resident memory (VmRSS from /proc/<pid>/status) at the end of the window, and the Java heap in use
    (jcmd GC.heap_info, read after the window and the RSS so that the attach counts in neither),
  - the CPU of the stores it uses over the same window: the embedded redis-server (a child of the standalone JVM), or
    the machine's Redis (127.0.0.1:6379) and MariaDB (127.0.0.1:3306); those two serve anything else on the machine
    too, so their figure is an upper bound,
against the targets: a control node ≤ 1 % of a core, an agent ≤ 0.5 %, an agent ≤ 150 MB resident. With --threads N
it also prints the N threads that used the most CPU in each window (their names, as the JVM gives them; reading them
attaches jcmd to the processes before the first window, which adds a few MB to their resident memory).

The setups:
  external: a control node (java -Xmx1g -jar, as dispatch_bench's external setup) and an agent, started by the
            launcher ops/caravan-agent as the README runs it, against MariaDB and Redis (database caravan_bench and a
            Redis prefix of the run's own, both removed at the end). The launcher archives the agent's classes when an
            agent first stops (AppCDS); the bench starts and stops one agent first, so that the measured one starts as
            every later start of a deployed agent does. --agent-command java runs the agent with java -jar instead.
  embedded: the standalone role (java -Xmx1g -jar), embedded Redis + H2 (the quick start)

Usage: ops/bench/idle_bench.py [--setup external|embedded|both] [--settle S] [--steady S] [--seconds S]
                               [--threads N] [--agent-command launcher|java]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import benchlib
from benchlib import Api, JAR, ROOT, build_jar, start, start_control, stop, wait_ready

LAUNCHER = os.path.join(ROOT, "ops", "caravan-agent")
TARGETS = {"control": 1.0, "agent": 0.5}
AGENT_RSS_TARGET_MB = 150


def agent_command(how, workdir, agent_id, port, prefix):
    """The command line and environment of an agent of the external setup."""
    args = [f"--caravan.data-dir={workdir}/{agent_id}", f"--caravan.agent.id={agent_id}", f"--server.port={port}",
            "--logging.level.root=WARN", "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=6379",
            f"--caravan.redis.prefix={prefix}"]
    if how == "launcher":
        return [LAUNCHER] + args, dict(os.environ, CARAVAN_JAR=JAR)
    return ["java", "-jar", JAR, "--caravan.role=agent"] + args, dict(os.environ)


def first_agent_start(workdir):
    """Starts an agent with the launcher (a Redis prefix of its own) until it is ready, then stops it: at that stop
    the launcher's class archive is written, if this jar and java had none yet."""
    prefix = benchlib.PREFIX + "-first"
    command, env = agent_command("launcher", workdir, "first-agent", 18082, prefix)
    agent = subprocess.Popen(command, env=env, stdout=open(os.path.join(workdir, "first-agent.log"), "w"),
                             stderr=subprocess.STDOUT)
    deadline = time.time() + 300
    while time.time() < deadline and agent.poll() is None:
        try:
            with urllib.request.urlopen("http://127.0.0.1:18082/actuator/health/readiness", timeout=5) as answer:
                if answer.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(1)
    agent.terminate()
    agent.wait(timeout=120)
    keys = subprocess.run(["redis-cli", "--scan", "--pattern", "{%s}:*" % prefix], capture_output=True,
                          text=True).stdout.split()
    if keys:
        subprocess.run(["redis-cli", "DEL"] + keys, capture_output=True)


def start_external(workdir, how):
    """A control node and an agent process against MariaDB and Redis, the agent as the README runs it."""
    subprocess.run(["mariadb", "-uroot", "-e", f"DROP DATABASE IF EXISTS {benchlib.DATABASE}; "
                                               f"CREATE DATABASE {benchlib.DATABASE}"], check=True)
    logs = open(os.path.join(workdir, "caravan.log"), "w")
    common = ["-jar", JAR, f"--caravan.data-dir={workdir}", "--logging.level.root=WARN"]
    control = start_control(common, logs, 18080)
    command, env = agent_command(how, workdir, "idle-agent", 18081, benchlib.PREFIX)
    agent = subprocess.Popen(command, env=env, stdout=open(os.path.join(workdir, "agent.log"), "w"),
                             stderr=subprocess.STDOUT)
    return control, agent


def ticks(pid):
    """User + system CPU time of a process so far, in clock ticks."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def thread_ticks(pid):
    """CPU ticks per thread of a process: {(tid, name): ticks}."""
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                text = stat.read()
        except FileNotFoundError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        threads[(tid, name)] = int(fields[11]) + int(fields[12])
    return threads


def java_thread_names(pid):
    """{tid: the Java thread's full name} from a thread dump (Linux cuts a thread's own name at 15 characters)."""
    out = subprocess.run(["jcmd", str(pid), "Thread.print"], capture_output=True, text=True).stdout
    return {str(int(nid, 16)): name for name, nid in re.findall(r'^"(.*?)".*? nid=0x([0-9a-f]+)', out, re.MULTILINE)}


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def heap_used_mb(pid):
    """The Java heap in use (jcmd GC.heap_info: the sum of each heap or generation's "total …, used …K"), or None
    where jcmd cannot tell."""
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    used = [int(kb) for kb in re.findall(r"^\s*[a-z- ]+?\s+total \d+K, used (\d+)K", out, re.MULTILINE)]
    return sum(used) / 1024 if used else None


def measure(processes, stores, seconds, top_threads, names, last):
    """CPU % of one core over the window for every process and store; each process's RSS after it, and after the last
    window its heap too (jcmd attaches to the process, which costs it memory: not before an RSS still to be read)."""
    clock = os.sysconf("SC_CLK_TCK")
    watched = {**processes, **stores}
    before = {name: ticks(pid) for name, pid in watched.items()}
    threads_before = {name: thread_ticks(pid) for name, pid in processes.items()} if top_threads else {}
    began = time.time()
    time.sleep(seconds)
    elapsed = time.time() - began
    cpu = {name: 100 * (ticks(pid) - before[name]) / clock / elapsed for name, pid in watched.items()}
    threads_after = {name: thread_ticks(pid) for name, pid in processes.items()} if top_threads else {}
    rss = {name: rss_mb(pid) for name, pid in processes.items()}
    memory = {name: (rss[name], heap_used_mb(pid) if last else None) for name, pid in processes.items()}
    busiest = {}
    for name, after in threads_after.items():
        used = [(after[t] - threads_before[name].get(t, 0), names.get(name, {}).get(t[0], t[1])) for t in after]
        busiest[name] = sorted((u for u in used if u[0] > 0), reverse=True)[:top_threads]
    return elapsed, cpu, memory, busiest, clock


def report(title, elapsed, cpu, memory, busiest, clock, stores):
    print(f"{title} ({elapsed:.0f} s)")
    for name, (rss, heap) in memory.items():
        role = name.split(" ")[0]
        target = f" (target ≤ {TARGETS[role]} %)" if role in TARGETS else ""
        heap_text = f", heap used {heap:.0f} MB" if heap is not None else ""
        rss_target = f" (target ≤ {AGENT_RSS_TARGET_MB} MB)" if role == "agent" else ""
        print(f"  {name}: CPU {cpu[name]:.2f} % of a core{target}, RSS {rss:.0f} MB{rss_target}{heap_text}")
    for name in stores:
        print(f"  {name}: CPU {cpu[name]:.2f} % of a core")
    for name, threads in busiest.items():
        listed = ", ".join(f"{thread} {1000 * used / clock / elapsed:.1f} ms/s" for used, thread in threads)
        print(f"  {name} busiest threads: {listed or 'none used CPU'}")


def windows(args, ready_at, processes, stores):
    """The window after --settle, then the one after --steady, each since ready. With --threads, the threads' Java
    names are read (jcmd Thread.print) before the first window, so that both windows carry that cost alike; threads
    started later show the name Linux keeps (its first 15 characters)."""
    names = {name: java_thread_names(pid) for name, pid in processes.items()} if args.threads else {}
    time.sleep(max(0.0, ready_at + args.settle - time.time()))
    report(f"  window {args.settle} s after ready",
           *measure(processes, stores, args.seconds, args.threads, names, args.steady == 0), stores)
    if args.steady > 0:
        time.sleep(max(0.0, ready_at + args.steady - time.time()))
        report(f"  window {args.steady} s after ready",
               *measure(processes, stores, args.seconds, args.threads, names, True), stores)


def run_external(args):
    workdir = tempfile.mkdtemp(prefix="caravan-idle-")
    procs = []
    try:
        if args.agent_command == "launcher":
            first_agent_start(workdir)
        control, agent = start_external(workdir, args.agent_command)
        procs = [control, agent]
        wait_ready(Api(18080), control, 400)
        ready_at = time.time()
        how = "ops/caravan-agent" if args.agent_command == "launcher" else "java -jar"
        print("setup: external (control + agent, MariaDB + Redis)")
        windows(args, ready_at, {"control node (java -Xmx1g -jar)": control.pid, f"agent ({how})": agent.pid},
                {"redis (127.0.0.1:6379, shared)": benchlib.redis_pid(),
                 "mariadb (127.0.0.1:3306, shared)": benchlib.database_pids()[0]})
    finally:
        stop(procs, "external", workdir)


def run_embedded(args):
    workdir = tempfile.mkdtemp(prefix="caravan-idle-")
    port, procs = start("embedded", workdir, 4)
    try:
        wait_ready(Api(port), procs[0], 400)
        ready_at = time.time()
        print("setup: embedded (standalone, embedded Redis + H2)")
        redis = benchlib.embedded_redis_pid(workdir, procs[0].pid)
        windows(args, ready_at, {"standalone (java -Xmx1g -jar)": procs[0].pid},
                {} if redis is None else {f"embedded redis-server (pid {redis})": redis})
    finally:
        stop(procs, "embedded", workdir)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", choices=["external", "embedded", "both"], default="both")
    parser.add_argument("--settle", type=int, default=30, help="seconds after ready the first window opens")
    parser.add_argument("--steady", type=int, default=300, help="seconds after ready the second window opens (0: none)")
    parser.add_argument("--seconds", type=int, default=60, help="how long each window lasts")
    parser.add_argument("--threads", type=int, default=0, help="print this many busiest threads per process")
    parser.add_argument("--agent-command", choices=["launcher", "java"], default="launcher",
                        help="start the agent with ops/caravan-agent (default) or java -jar")
    args = parser.parse_args()
    if args.steady and args.steady < args.settle + args.seconds:
        sys.exit("--steady must be at least --settle + --seconds")
    build_jar()
    print(f"{os.cpu_count()} cores, load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.setup in ("external", "both"):
        run_external(args)
    if args.setup in ("embedded", "both"):
        run_embedded(args)


if __name__ == "__main__":
    sys.exit(main())
