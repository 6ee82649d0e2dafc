#!/usr/bin/env python3
"""Fleet benchmark: does the per-task dispatch cost stay flat as the fleet and the backlog grow? Prints one line per
scenario and a table with each scenario's ratio to the first (the smallest fleet and backlog), against the target
"within 20 %".

Starts ONE control node against MariaDB (127.0.0.1:3306, database caravan_fleet_bench) and Redis (127.0.0.1:6379, a
prefix of its own) and no real agent. Instead this one process simulates N agents over the Redis protocol a Caravan
agent speaks (a small RESP client of its own, pipelined, on non-blocking sockets; each agent with two named
connections, as a real agent's are, "caravan-agent:{<prefix>}:<id>"):
  - it registers (looks at its in-flight list for abandoned runs) and heartbeats every --heartbeat-millis (the
    default of caravan.agent.heartbeat-millis): the drain check, its status JSON (types [default], --slots slots,
    cpu, memory and load figures drawn afresh each beat, so the dispatcher ranks them) and the heartbeat script read
    from AgentRegistry.java; every 5 s the code-sync read (caravan.agent.code-sync-millis);
  - it claims as AgentInbox does: BLMOVE inbox -> in-flight waiting up to 1 s, then LMOVE until empty or its slots
    are taken; reads each task's run specification; "runs" the task for --run-ms (0: at once), and reports SUCCEEDED
    with exit code 0 and frees the slot with the report-and-release script read from RunReports.java (which also
    wakes the dispatcher), with the wake-up hint; a run shorter than RunReports.START_HOLD_MILLIS sends its "started"
    report in that script too, a longer one to its own reports list at once.
While the bench fills a queue, the simulated agents say they are overloaded (as a real agent above its CPU threshold
does): the dispatcher offers them nothing, and they claim nothing.

Scenarios: every fleet size (--agents, default 10,1000) with every backlog size (--backlogs, default 1,000 and
1,000,000 queued tasks). Each backlog size gets a fresh control node and database (a fleet can only grow: Caravan
remembers every agent it has seen); on it the fleet grows from the smallest size to the largest. Per scenario:
  - idle: the backlog queued, the fleet live but overloaded, nothing running, for --idle-seconds: CPU of each
    process (and of this one, the simulator's, for context: it is in no total);
  - rounds of --settle tasks, not measured; then rounds until --tasks tasks ran (or --scenario-seconds passed, so
    that a slow scenario ends), each of --round tasks at most: the queue topped up to the backlog size, the fleet let
    go, and overloaded again once it has claimed what the round is to run; it still takes what the dispatch pass
    under way hands out, until a whole pass has run since (so that no round leaves work in an inbox for the next);
    the round lasts until the control node has recorded every task the fleet ran (caravan_tasks_ended_total). A
    backlog of 1,000 is thus run down from 1,000 in each round; a backlog of 1,000,000 stays near 1,000,000.
It prints per scenario: tasks/s through the simulated fleet, CPU per task in ms of the control JVM, redis-server and
mariadbd (from /proc, over the rounds only: shared servers count what others did meanwhile), the dispatch passes
(caravan_dispatch_pass_seconds, from the node's /actuator/prometheus): their mean and p99 (upper bound of the
histogram bucket), pass time per task and passes per task, and the ratio of CPU per task and pass time per task to
the baseline scenario.

Queues are filled through the batch API (POST /api/tasks/batch, --batch tasks a call, caravan.tasks.max-batch) up
to --direct-fill-above tasks (50,000); a larger fill writes the tasks directly: one task submitted through the API
as a template, its Redis run specification and queue entry copied with pipelined SET and RPUSH, then its SQL row and
its events copied in one INSERT ... SELECT each over MariaDB's sequence engine (seq_1_to_N), as retention_bench.py
fills its history. Redis first, SQL second, while the fleet is overloaded: neither the dispatcher nor the reconciler
sees a task in one store and not the other. Then it waits until the reconciler has compared the filled tasks once
(after a bulk of events it compares everything, a one-time cost of the fill), so that the scenario measures the
backlog standing, not its arrival.

At the end of each backlog size it checks the record: every task the fleet ran is SUCCEEDED in SQL with its
SUCCEEDED event, none failed, none ran twice; the rest is still QUEUED or DISPATCHED (in an inbox). Then it stops
the node and removes its database and Redis keys.

Usage: ops/bench/fleet_bench.py [--agents 10,1000] [--backlogs 1000,1000000] [--tasks 5000] [--settle 1000]
                                [--round 1000] [--scenario-seconds 90] [--warmup 3000] [--slots 4] [--run-ms 0]
                                [--idle-seconds 10]
Smaller, quicker: --agents 10,200 --backlogs 1000,20000 --tasks 2000
"""
import argparse
import collections
import heapq
import json
import os
import random
import re
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import benchlib
from benchlib import Api, JAR, PREFIX, ROOT, build_jar, cpu_ms, sql, start_control, stop

# a database of its own, so that another bench running at the same time keeps its own
benchlib.DATABASE = "caravan_fleet_bench"
PORT = 18090
TYPE = "default"


# ---- Redis keys: the same names as routes.redis.RedisKeys --------------------------------------------------------

class Keys:
    tag = "{%s}" % PREFIX
    agents = tag + ":agents"
    reported = tag + ":reported"
    drains = tag + ":drains"
    code = tag + ":code"
    wake = PREFIX + ":wake"

    @staticmethod
    def agent(agent_id):
        return f"{Keys.tag}:agent:{agent_id}"

    @staticmethod
    def connection_name(agent_id):
        return f"caravan-agent:{Keys.tag}:{agent_id}"

    @staticmethod
    def inbox(agent_id):
        return f"{Keys.tag}:inbox:{agent_id}"

    @staticmethod
    def inflight(agent_id):
        return f"{Keys.tag}:inflight:{agent_id}"

    @staticmethod
    def reports(agent_id):
        return f"{Keys.tag}:reports:{agent_id}"

    @staticmethod
    def task(task_id):
        return f"{Keys.tag}:task:{task_id}"

    @staticmethod
    def queue(task_type, priority="normal"):
        return f"{Keys.tag}:queue:{task_type}:{priority}"


def java_script(path, name):
    """The Lua text of a RedisScript constant in the Java source, so the simulated agent runs what a real one runs."""
    with open(os.path.join(ROOT, "src", "main", "java", "routes", path)) as source:
        found = re.search(name + r' = RedisScript\.of\("""\n(.*?)""", ', source.read(), re.S)
    if not found:
        sys.exit(f"script {name} not found in {path}")
    return textwrap.dedent(found.group(1))


HEARTBEAT = java_script("redis/AgentRegistry.java", "HEARTBEAT")
REPORT_AND_RELEASE = java_script("agent/RunReports.java", "REPORT_AND_RELEASE")
START_HOLD_MS = int(re.search(r"START_HOLD_MILLIS = (\d+);", open(os.path.join(
    ROOT, "src/main/java/routes/agent/RunReports.java")).read()).group(1))


# ---- RESP: commands out, replies in --------------------------------------------------------------------------------

class RespError(Exception):
    pass


INCOMPLETE = object()


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def parse(buf, pos):
    """One reply from buf at pos: (value, position after it), or INCOMPLETE. An error reply is a RespError value."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        return INCOMPLETE
    kind, line, pos = buf[pos], buf[pos + 1:end], end + 2
    if kind == 43:  # +
        return line.decode(), pos
    if kind == 45:  # -
        return RespError(line.decode()), pos
    if kind == 58:  # :
        return int(line), pos
    if kind == 36:  # $
        size = int(line)
        if size < 0:
            return None, pos
        if len(buf) < pos + size + 2:
            return INCOMPLETE
        return buf[pos:pos + size].decode(), pos + size + 2
    if kind == 42:  # *
        size = int(line)
        if size < 0:
            return None, pos
        items = []
        for _ in range(size):
            got = parse(buf, pos)
            if got is INCOMPLETE:
                return INCOMPLETE
            item, pos = got
            items.append(item)
        return items, pos
    raise RespError("unexpected reply type %r" % chr(kind))


class Redis:
    """A blocking connection: a call, or a pipeline of calls in one write."""

    def __init__(self, name=None):
        self.sock = socket.create_connection(("127.0.0.1", 6379))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf, self.pos = bytearray(), 0
        if name:
            self.call("CLIENT", "SETNAME", name)

    def pipeline(self, commands):
        self.sock.sendall(b"".join(encode(c) for c in commands))
        replies = [self.reply() for _ in commands]
        for reply in replies:
            if isinstance(reply, RespError):
                raise reply
        return replies

    def call(self, *args):
        return self.pipeline([args])[0]

    def reply(self):
        while True:
            got = parse(self.buf, self.pos)
            if got is not INCOMPLETE:
                value, self.pos = got
                return value
            del self.buf[:self.pos]
            self.pos = 0
            data = self.sock.recv(1 << 16)
            if not data:
                raise ConnectionError("Redis closed the connection")
            self.buf += data

    def close(self):
        self.sock.close()


class Conn(Redis):
    """A non-blocking connection of the simulator's event loop: commands go out pipelined, each group's replies to its
    callback, in order."""

    def __init__(self, loop, name):
        super().__init__(name)
        self.loop = loop
        self.client_id = self.call("CLIENT", "ID")
        self.waiting = collections.deque()
        self.out = bytearray()

    def attach(self):
        self.sock.setblocking(False)
        self.loop.selector.register(self.sock, selectors.EVENT_READ, self)

    def send(self, commands, callback=None):
        data = b"".join(encode(c) for c in commands)
        self.waiting.append((len(commands), callback, []))
        if self.out:
            self.out += data
            return
        try:
            sent = self.sock.send(data)
        except BlockingIOError:
            sent = 0
        if sent < len(data):
            self.out += data[sent:]
            self.loop.selector.modify(self.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, self)

    def ready(self, mask):
        if mask & selectors.EVENT_WRITE and self.out:
            try:
                sent = self.sock.send(self.out)
            except BlockingIOError:
                sent = 0
            del self.out[:sent]
            if not self.out:
                self.loop.selector.modify(self.sock, selectors.EVENT_READ, self)
        if mask & selectors.EVENT_READ:
            data = self.sock.recv(1 << 16)
            if not data:
                raise ConnectionError("Redis closed the connection")
            self.buf += data
            while self.waiting:
                got = parse(self.buf, self.pos)
                if got is INCOMPLETE:
                    break
                value, self.pos = got
                count, callback, replies = self.waiting[0]
                replies.append(value)
                if len(replies) == count:
                    self.waiting.popleft()
                    for reply in replies:
                        if isinstance(reply, RespError):
                            raise reply
                    if callback:
                        callback(replies)
            del self.buf[:self.pos]
            self.pos = 0


# ---- the simulated agents ------------------------------------------------------------------------------------------

class Agent:
    """One simulated agent. Its claim connection blocks in BLMOVE; its other connection carries the heartbeat and the
    reports, as a real agent's shared connection does.

    How it claims (mode): OFF, nothing; WAIT, as AgentInbox.claim (BLMOVE waiting up to 1 s, then LMOVE until empty or
    its slots are taken, over and over); LAST, LMOVE until its inbox is empty, then OFF (the end of a round)."""

    OFF, WAIT, LAST = "off", "wait", "last"

    def __init__(self, fleet, agent_id):
        self.fleet = fleet
        self.id = agent_id
        self.claims = Conn(fleet, Keys.connection_name(agent_id))
        self.talk = Conn(fleet, Keys.connection_name(agent_id))
        self.started_at = int(time.time() * 1000)
        self.overloaded = True
        self.mode = Agent.OFF
        self.claiming = self.blocking = False
        self.running = 0
        self.inbox, self.inflight = Keys.inbox(agent_id), Keys.inflight(agent_id)
        self.reports = Keys.reports(agent_id)

    def register(self):
        self.claims.attach()
        self.talk.attach()
        # a real agent first reports what its in-flight list still holds (runs it abandoned): here nothing
        self.talk.send([("LRANGE", self.inflight, 0, -1)])
        self.beat()
        self.fleet.at(time.monotonic() + random.random() * self.fleet.heartbeat, self.heartbeat_loop)
        self.fleet.at(time.monotonic() + random.random() * self.fleet.code_sync, self.code_sync_loop)

    def status(self):
        return json.dumps({
            "id": self.id, "types": [TYPE], "labels": {}, "slots": self.fleet.slots,
            "cpu": round(random.uniform(0.02, 0.4), 3), "memory": round(random.uniform(0.2, 0.6), 3),
            "load": round(random.uniform(0.05, 0.8), 3), "cores": 2, "startedAt": self.started_at,
            "heartbeatAt": int(time.time() * 1000), "overloaded": self.overloaded, "draining": False, "code": {},
            "installFailures": []})

    def beat(self, callback=None):
        self.talk.send([("SISMEMBER", Keys.drains, self.id), ("SET", Keys.agent(self.id), self.status()),
                        ("EVALSHA", self.fleet.heartbeat_sha, 1, Keys.agents, self.id)], callback)

    def heartbeat_loop(self):
        if not self.fleet.stopping:
            self.beat()
            self.fleet.at(time.monotonic() + self.fleet.heartbeat, self.heartbeat_loop)

    def code_sync_loop(self):
        if not self.fleet.stopping:
            self.talk.send([("HGETALL", Keys.code)])
            self.fleet.at(time.monotonic() + self.fleet.code_sync, self.code_sync_loop)

    def claim(self):
        if self.mode == Agent.OFF or self.claiming or self.fleet.stopping:
            return
        self.claiming = True
        self.fleet.claiming += 1
        if self.mode == Agent.WAIT:
            self.blocking = True
            self.claims.send([("BLMOVE", self.inbox, self.inflight, "LEFT", "RIGHT", 1)],
                             lambda replies: self.claimed([], replies[0]))
        else:
            self.claims.send([("LMOVE", self.inbox, self.inflight, "LEFT", "RIGHT")],
                             lambda replies: self.claimed([], replies[0]))

    def claimed(self, batch, entry):
        self.blocking = False
        if entry is not None:
            batch.append(entry)
            self.fleet.took()
            if len(batch) < self.fleet.slots:
                self.claims.send([("LMOVE", self.inbox, self.inflight, "LEFT", "RIGHT")],
                                 lambda replies: self.claimed(batch, replies[0]))
                return
        self.claiming = False
        self.fleet.claiming -= 1
        for claimed in batch:
            self.open(claimed)
        if self.mode == Agent.LAST and not batch:
            self.mode = Agent.OFF
            self.fleet.off += 1
        self.claim()
        self.fleet.check_idle()

    def open(self, entry):
        self.running += 1
        self.fleet.running += 1
        task_id, attempt = entry.rsplit(":", 1)
        self.talk.send([("GET", Keys.task(task_id))], lambda replies: self.start(entry, task_id, int(attempt),
                                                                                  replies[0]))

    def start(self, entry, task_id, attempt, spec):
        if spec is None:
            # cancelled before it started: the slot is freed, nothing is reported
            self.fleet.not_found += 1
            self.talk.send([("LREM", self.inflight, 1, entry)], lambda replies: self.ended())
            return
        started = report("started", task_id, attempt, self.id)
        if self.fleet.run_ms < START_HOLD_MS:
            # as RunReports: a start is held START_HOLD_MS, and goes with the outcome when that comes sooner
            self.finish(entry, task_id, attempt, started)
            return
        self.talk.send([("RPUSH", self.reports, started), ("RPUSH", Keys.reported, self.id)])
        self.fleet.at(time.monotonic() + self.fleet.run_ms / 1000, lambda: self.finish(entry, task_id, attempt, ""))

    def finish(self, entry, task_id, attempt, started):
        self.fleet.runs[task_id] += 1
        self.talk.send([("EVALSHA", self.fleet.report_sha, 2, self.reports, self.inflight,
                         report("finished", task_id, attempt, self.id), entry, Keys.wake, self.id, started),
                        ("RPUSH", Keys.reported, self.id)], lambda replies: self.ended(finished=True))

    def ended(self, finished=False):
        self.running -= 1
        self.fleet.running -= 1
        if finished:
            self.fleet.finished += 1
        self.fleet.check_idle()


def report(kind, task_id, attempt, agent_id):
    """A RunReport as the agent writes it: started, or finished SUCCEEDED with exit code 0 and no output."""
    finished = kind == "finished"
    return json.dumps({
        "kind": kind, "taskId": task_id, "attempt": attempt, "agent": agent_id, "at": int(time.time() * 1000),
        "outcome": "SUCCEEDED" if finished else None, "exitCode": 0 if finished else None,
        "stdout": "" if finished else None, "stderr": "" if finished else None, "stdoutTruncated": False,
        "stderrTruncated": False, "message": None})


class Fleet:
    """The simulated agents and the one thread that runs them all: a selector over their connections and a timer
    heap. The bench talks to it from its main thread through call_soon and the idle event."""

    def __init__(self, slots, run_ms, heartbeat_ms):
        self.slots, self.run_ms = slots, run_ms
        self.heartbeat, self.code_sync = heartbeat_ms / 1000, 5.0
        self.selector = selectors.DefaultSelector()
        self.timers, self.sequence = [], 0
        self.calls = collections.deque()
        self.waker_in, self.waker_out = socket.socketpair()
        self.waker_in.setblocking(False)
        self.selector.register(self.waker_in, selectors.EVENT_READ, self)
        setup = Redis()
        self.heartbeat_sha = setup.call("SCRIPT", "LOAD", HEARTBEAT)
        self.report_sha = setup.call("SCRIPT", "LOAD", REPORT_AND_RELEASE)
        setup.close()
        self.admin = Conn(self, "fleet-bench")
        self.admin.attach()
        self.agents = []
        self.stopping = False
        self.failure = None
        self.runs = collections.Counter()
        self.not_found = 0
        self.claiming = self.running = 0
        self.quota, self.taken, self.finished, self.off = 0, 0, 0, 0
        self.idle, self.overloaded = threading.Event(), threading.Event()
        self.idle.set()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    # -- the loop thread --

    def run(self):
        try:
            while not self.stopping:
                timeout = 0.05
                if self.timers:
                    timeout = max(0.0, min(timeout, self.timers[0][0] - time.monotonic()))
                for key, mask in self.selector.select(timeout):
                    key.data.ready(mask)
                now = time.monotonic()
                while self.timers and self.timers[0][0] <= now:
                    heapq.heappop(self.timers)[2]()
        except Exception as e:  # the bench's main thread reports it and stops
            self.failure = e
            self.idle.set()
            self.overloaded.set()

    def ready(self, mask):
        self.waker_in.recv(4096)
        while self.calls:
            self.calls.popleft()()

    def at(self, when, action):
        self.sequence += 1
        heapq.heappush(self.timers, (when, self.sequence, action))

    def took(self):
        self.taken += 1
        if self.taken == self.quota:
            self.overload()

    def overload(self):
        """The round's quota is claimed: every agent says it is overloaded, at once, and the dispatcher stops offering
        it work. The agents go on claiming what a pass under way hands out still (last_claims ends that)."""
        pending = [len(self.agents)]

        def written(replies):
            pending[0] -= 1
            if pending[0] == 0:
                self.overloaded.set()
        for agent in self.agents:
            agent.overloaded = True
            agent.beat(written)

    def check_idle(self):
        if self.off == len(self.agents) and self.claiming == 0 and self.running == 0:
            self.idle.set()

    # -- called from the main thread --

    def call_soon(self, action):
        self.calls.append(action)
        self.waker_out.send(b"x")

    def grow(self, size):
        """Adds agents up to size: connected here, registered by the loop (overloaded, like the others now)."""
        new = [Agent(self, f"sim-{i:04d}") for i in range(len(self.agents), size)]

        def register():
            for agent in new:
                self.agents.append(agent)
                self.off += 1
                agent.register()
        self.call_soon(register)

    def let_go(self, quota):
        """The agents take work until they have claimed quota entries; then they say they are overloaded (the
        overloaded event is set once every status says so) and take only what was handed to them already. Returns
        once they are told."""
        told = threading.Event()

        def go():
            self.idle.clear()
            self.overloaded.clear()
            self.quota, self.taken, self.finished = quota, 0, 0
            self.off = 0
            pending = [len(self.agents)]

            def written(replies):
                pending[0] -= 1
                if pending[0] == 0:
                    # the statuses say "not overloaded": the dispatcher may look now, without waiting for its tick
                    self.admin.send([("PUBLISH", Keys.wake, "fleet-bench")])
                    told.set()
            for agent in self.agents:
                agent.overloaded = False
                agent.mode = Agent.WAIT
                agent.beat(written)
                agent.claim()
        self.call_soon(go)
        if not told.wait(30):
            sys.exit("the simulated agents did not start")

    def last_claims(self):
        """Once the dispatcher has made a pass that saw them all overloaded: each agent empties its inbox and stops
        (a wait in BLMOVE on an empty inbox ends at once); the idle event is set when nothing runs."""
        def last():
            for agent in self.agents:
                agent.mode = Agent.LAST
                if agent.blocking:
                    self.admin.send([("CLIENT", "UNBLOCK", agent.claims.client_id)])
                agent.claim()
        self.call_soon(last)

    def wait(self, event, seconds=600):
        if not event.wait(seconds):
            sys.exit("the simulated agents did not get there in time")
        if self.failure:
            raise self.failure

    def close(self):
        self.stopping = True
        self.thread.join(5)
        for agent in self.agents:
            agent.claims.close()
            agent.talk.close()
        self.admin.close()


# ---- the control node's figures --------------------------------------------------------------------------------------

def server_pids(redis):
    """redis-server on 6379 (by its own INFO) and mariadbd (by /proc/*/comm)."""
    info = redis.call("INFO", "server")
    pids = {"redis": int(re.search(r"process_id:(\d+)", info).group(1))}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as comm:
                    if comm.read().strip() in ("mariadbd", "mysqld"):
                        pids["db"] = int(entry)
            except OSError:
                pass
    return pids


def cpu_now(pids):
    return {name: cpu_ms([pid])[0] for name, pid in pids.items()}


SERIES = re.compile(r"^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$")


def scrape(api):
    """The figures the bench reads from /actuator/prometheus: tasks ended and dispatched (type default), and the
    dispatch passes' count, sum and histogram buckets (le in seconds -> count)."""
    figures = {"ended": 0.0, "dispatched": 0.0, "passes": 0.0, "pass_seconds": 0.0, "buckets": {}}
    for line in api.text("/actuator/prometheus").splitlines():
        found = SERIES.match(line)
        if not found:
            continue
        name, labels, value = found.group(1), found.group(2) or "", float(found.group(3))
        if name == "caravan_tasks_ended_total" and f'type="{TYPE}"' in labels:
            figures["ended"] += value
        elif name == "caravan_tasks_dispatched_total" and f'type="{TYPE}"' in labels:
            figures["dispatched"] += value
        elif name == "caravan_dispatch_pass_seconds_count":
            figures["passes"] = value
        elif name == "caravan_dispatch_pass_seconds_sum":
            figures["pass_seconds"] = value
        elif name == "caravan_dispatch_pass_seconds_bucket":
            le = re.search(r'le="([^"]+)"', labels).group(1)
            figures["buckets"][float("inf") if le == "+Inf" else float(le)] = value
    return figures


class Sample:
    """What one scenario measured, summed over its rounds."""

    def __init__(self):
        self.tasks = 0
        self.seconds = 0.0
        self.cpu = collections.Counter()
        self.passes = 0.0
        self.pass_seconds = 0.0
        self.buckets = collections.Counter()
        self.dispatched = 0.0

    def add(self, tasks, seconds, cpu_before, cpu_after, before, after):
        self.tasks += tasks
        self.seconds += seconds
        for name in cpu_after:
            self.cpu[name] += cpu_after[name] - cpu_before[name]
        self.passes += after["passes"] - before["passes"]
        self.pass_seconds += after["pass_seconds"] - before["pass_seconds"]
        self.dispatched += after["dispatched"] - before["dispatched"]
        for le, count in after["buckets"].items():
            self.buckets[le] += count - before["buckets"].get(le, 0)

    def cpu_per_task(self, name):
        return self.cpu[name] / self.tasks

    def total_cpu_per_task(self):
        return sum(self.cpu[name] for name in ("control", "redis", "db")) / self.tasks

    def pass_ms(self):
        return 1000 * self.pass_seconds / self.passes if self.passes else 0.0

    def pass_p99_ms(self):
        """Upper bound of the bucket that holds the 99th percentile pass."""
        wanted = 0.99 * self.passes
        for le in sorted(self.buckets):
            if self.buckets[le] >= wanted:
                return 1000 * le
        return float("nan")

    def pass_ms_per_task(self):
        return 1000 * self.pass_seconds / self.tasks


# ---- the bench -----------------------------------------------------------------------------------------------------

class Bench:

    def __init__(self, args, api, control, fleet, redis):
        self.args, self.api, self.fleet, self.redis = args, api, fleet, redis
        # the simulator's own CPU is read too, for context: it is not Caravan's and not in the totals
        self.pids = {"control": control.pid, **server_pids(redis), "simulator": os.getpid()}
        self.fills = 0

    def depth(self):
        return self.redis.call("LLEN", Keys.queue(TYPE))

    def top_up(self, backlog):
        """Fills the queue up to backlog tasks, with the fleet overloaded (it is offered nothing meanwhile)."""
        for _ in range(3):
            wanted = backlog - self.depth()
            if wanted <= 0:
                return
            if wanted > self.args.direct_fill_above:
                self.direct_fill(wanted)
            else:
                for at in range(0, wanted, self.args.batch):
                    self.api.call("POST", "/api/tasks/batch", {"tasks": [{"type": TYPE, "command": ["true"]}]
                                                                        * min(self.args.batch, wanted - at)})
        held = sum(self.redis.pipeline([("LLEN", Keys.inbox(a.id)) for a in self.fleet.agents]))
        sys.exit(f"the queue holds {self.depth()} tasks, not {backlog}; the inboxes hold {held}")

    def direct_fill(self, count):
        """count tasks at once: one submitted through the API as the template, the others copied from it, in Redis
        (run specification and queue entry) and then in SQL (its row and its events)."""
        began = time.time()
        self.fills += 1
        template = self.api.call("POST", "/api/tasks", {"type": TYPE, "command": ["true"]})["id"]
        spec = self.redis.call("GET", Keys.task(template))
        prefix = f"fill{self.fills}-"
        copies = count - 1
        chunk = 1000
        for at in range(1, copies + 1, chunk):
            ids = [f"{prefix}{n:09d}" for n in range(at, min(copies, at + chunk - 1) + 1)]
            self.redis.pipeline([("SET", Keys.task(i), spec) for i in ids] + [("RPUSH", Keys.queue(TYPE), *ids)])
        columns = [row[0] for row in sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name ="
            " 'tasks' ORDER BY ordinal_position")]
        chosen = {"id": f"CONCAT('{prefix}', LPAD(seq, 9, '0'))", "created_at": f"t.created_at - {copies} + seq"}
        event_columns = [row[0] for row in sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name ="
            " 'task_events' AND column_name <> 'id' ORDER BY ordinal_position")]
        event_chosen = {"task_id": f"CONCAT('{prefix}', LPAD(seq, 9, '0'))", "at": f"e.at - {copies} + seq"}
        sql(f"""
            INSERT INTO tasks ({', '.join(columns)})
            SELECT {', '.join(chosen.get(c, 't.' + c) for c in columns)}
            FROM seq_1_to_{copies} JOIN tasks t ON t.id = '{template}';
            INSERT INTO task_events ({', '.join(event_columns)})
            SELECT {', '.join(event_chosen.get(c, 'e.' + c) for c in event_columns)}
            FROM seq_1_to_{copies} JOIN task_events e ON e.task_id = '{template}';
        """)
        print(f"  filled {count} tasks directly (Redis, then SQL) in {time.time() - began:.0f} s", flush=True)
        self.await_reconciled()

    def await_reconciled(self):
        """Until the reconciler has looked at the fill: the control node compares every queued task once after a
        bulk of events (a one-time cost of the fill, which a real bulk submission pays too), then only what changes.
        Its passes record in {p}:reconcile:marks the newest event id as each began; once the older of the two is
        past the fill's last event, the passes are incremental again."""
        last = int(sql("SELECT MAX(id) FROM task_events")[0][0])
        began = time.time()
        while time.time() - began < 300:
            mark = self.redis.call("LINDEX", Keys.tag + ":reconcile:marks", 1)
            if mark is not None and int(mark) >= last:
                print(f"  the reconciler looked at the fill in {time.time() - began:.0f} s", flush=True)
                return
            time.sleep(1)
        sys.exit("the reconciler did not look at the fill within 300 s")

    def wait_fleet(self, size):
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.fleet.failure:
                raise self.fleet.failure
            alive = sum(1 for a in self.api.call("GET", "/api/agents") if a["alive"]
                        and a["status"]["id"].startswith("sim-"))
            if alive == size:
                return
            time.sleep(1)
        sys.exit(f"the control node does not see {size} live agents")

    def round(self, backlog, quota, sample=None):
        """Tops the queue up, lets the fleet take quota tasks, and ends when the control node has recorded every task
        the fleet ran: quota, and what the dispatch pass under way as the agents said they were overloaded still
        handed out, so that no round leaves work in an inbox for the next."""
        self.top_up(backlog)
        quota = min(quota, self.depth())
        before, cpu_before = scrape(self.api), cpu_now(self.pids)
        began = time.time()
        self.fleet.let_go(quota)
        # while the fleet works the node is not scraped, so that the scrapes cost it nothing measured
        self.fleet.wait(self.fleet.overloaded)
        mark, passes, deadline = None, None, time.time() + 300
        while True:
            if self.fleet.failure:
                raise self.fleet.failure
            idle, finished = self.fleet.idle.is_set(), self.fleet.finished
            after = scrape(self.api)
            now, cpu_after = time.time(), cpu_now(self.pids)
            if passes is None:
                passes = after["passes"]
            elif passes >= 0 and (after["passes"] >= passes + 2 or self.depth() == 0):
                # a whole pass ran since every agent said it is overloaded, or the queue is empty (and the node runs
                # no pass then): nothing more is handed out
                self.fleet.last_claims()
                passes = -1
            if after["ended"] - before["ended"] >= finished:
                # the first moment the record held all the fleet had run
                if mark is None or mark[1] != finished:
                    mark = (now, finished, cpu_after, after)
                if idle and passes < 0:
                    break
            if now > deadline:
                sys.exit(f"the control node recorded {after['ended'] - before['ended']:.0f} of {finished} tasks")
            time.sleep(0.05)
        ended, ran, cpu_after, after = mark
        if sample is not None:
            sample.add(ran, ended - began, cpu_before, cpu_after, before, after)
        return ran

    def rounds(self, backlog, tasks, sample=None):
        """Rounds of at most --round tasks until tasks ran, or --scenario-seconds passed (at least one round)."""
        done, began = 0, time.time()
        while done < tasks and (done == 0 or time.time() - began < self.args.scenario_seconds):
            done += self.round(backlog, min(backlog, self.args.round, tasks - done), sample)

    def idle(self):
        """CPU of each process per second with the fleet live, overloaded and idle (heartbeats, ticks, gauges)."""
        before = cpu_now(self.pids)
        time.sleep(self.args.idle_seconds)
        after = cpu_now(self.pids)
        return {name: (after[name] - before[name]) / (10 * self.args.idle_seconds) for name in after}

    def check_record(self):
        """Every task the fleet ran is SUCCEEDED in SQL with its event, none failed, none ran twice."""
        states = {state: int(count) for state, count in sql("SELECT state, COUNT(*) FROM tasks GROUP BY state")}
        ran = len(self.fleet.runs)
        twice = sum(1 for n in self.fleet.runs.values() if n > 1)
        without_event = int(sql("SELECT COUNT(*) FROM tasks t WHERE t.state = 'SUCCEEDED' AND NOT EXISTS (SELECT 1"
                                " FROM task_events e WHERE e.task_id = t.id AND e.state = 'SUCCEEDED')")[0][0])
        others = {s: n for s, n in states.items() if s not in ("SUCCEEDED", "QUEUED", "DISPATCHED")}
        good = states.get("SUCCEEDED", 0) == ran and twice == 0 and without_event == 0 and not others \
            and self.fleet.not_found == 0
        print(f"  record: {states.get('SUCCEEDED', 0)} SUCCEEDED in SQL of {ran} tasks the fleet ran, {twice} ran "
              f"twice, {without_event} without their SUCCEEDED event, other states {others or 'none'}; still "
              f"{states.get('QUEUED', 0)} QUEUED, {states.get('DISPATCHED', 0)} DISPATCHED; "
              f"{'OK' if good else 'NOT AS EXPECTED'}", flush=True)
        return good


def delete_keys(redis):
    """Every key of the prefix, with a pipelined SCAN and UNLINK (a million of them take seconds)."""
    cursor = "0"
    while True:
        cursor, keys = redis.call("SCAN", cursor, "MATCH", Keys.tag + ":*", "COUNT", 10000)
        if keys:
            redis.call("UNLINK", *keys)
        if cursor == "0":
            return


def print_scenario(size, backlog, sample, idle):
    print(f"  {size} agents, {backlog} queued: {sample.tasks} tasks in {sample.seconds:.1f} s, "
          f"{sample.tasks / sample.seconds:.0f} tasks/s; CPU ms/task control {sample.cpu_per_task('control'):.2f}, "
          f"redis {sample.cpu_per_task('redis'):.2f}, db {sample.cpu_per_task('db'):.2f}, total "
          f"{sample.total_cpu_per_task():.2f} (the simulator {sample.cpu_per_task('simulator'):.2f}); dispatch passes "
          f"{sample.passes:.0f} ({sample.passes / sample.tasks:.2f}/task), mean {sample.pass_ms():.2f} ms, p99 <= "
          f"{sample.pass_p99_ms():.2f} ms, {sample.pass_ms_per_task():.3f} ms/task", flush=True)
    if idle:
        print("    idle (fleet live and overloaded, backlog queued), % of a core: "
              + ", ".join(f"{name} {share:.1f}" for name, share in idle.items()), flush=True)


def ratio_text(value, base):
    ratio = value / base if base else float("nan")
    return f"{ratio:.2f}x {'within' if abs(ratio - 1) <= 0.2 else 'OUTSIDE'} 20 %"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", default="10,1000", help="fleet sizes, comma separated")
    parser.add_argument("--backlogs", default="1000,1000000", help="queued tasks, comma separated")
    parser.add_argument("--tasks", type=int, default=5000, help="tasks measured per scenario")
    parser.add_argument("--settle", type=int, default=1000, help="tasks run, not measured, before each scenario")
    parser.add_argument("--round", type=int, default=1000, help="most tasks one round runs")
    parser.add_argument("--scenario-seconds", type=int, default=90,
                        help="no new round after this long (settling and measuring each), so slow scenarios end")
    parser.add_argument("--warmup", type=int, default=3000, help="tasks run on each new node before anything else")
    parser.add_argument("--slots", type=int, default=4, help="each simulated agent's slots")
    parser.add_argument("--run-ms", type=int, default=0, help="how long each task 'runs' on its simulated agent")
    parser.add_argument("--heartbeat-millis", type=int, default=1000, help="caravan.agent.heartbeat-millis")
    parser.add_argument("--idle-seconds", type=int, default=10, help="idle figure's length (0: none)")
    parser.add_argument("--batch", type=int, default=1000, help="tasks per batch call (caravan.tasks.max-batch)")
    parser.add_argument("--direct-fill-above", type=int, default=50000,
                        help="larger fills write Redis and SQL directly instead of using the API")
    parser.add_argument("--heap", default="1g", help="the control node's -Xmx")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.agents.split(","))
    backlogs = sorted(int(n) for n in args.backlogs.split(","))
    build_jar()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * max(sizes) + 256)), hard))

    results, all_good = [], True
    for backlog in backlogs:
        workdir = tempfile.mkdtemp(prefix="caravan-fleet-bench-")
        subprocess.run(["mariadb", "-uroot", "-e", f"DROP DATABASE IF EXISTS {benchlib.DATABASE}; "
                                                   f"CREATE DATABASE {benchlib.DATABASE}"], check=True)
        logs = open(os.path.join(workdir, "caravan.log"), "w")
        control = start_control(["-jar", JAR, f"--caravan.data-dir={workdir}", "--logging.level.root=WARN"], logs,
                                PORT, heap=args.heap)
        api = Api(PORT)
        redis = Redis("fleet-bench")
        fleet = None
        try:
            benchlib.wait_ready(api, control, 300, agents=False)
            fleet = Fleet(args.slots, args.run_ms, args.heartbeat_millis)
            bench = Bench(args, api, control, fleet, redis)
            print(f"backlog {backlog}: control node pid {control.pid}, redis-server {bench.pids['redis']}, "
                  f"mariadbd {bench.pids.get('db')}", flush=True)
            for index, size in enumerate(sizes):
                fleet.grow(size)
                bench.wait_fleet(size)
                if index == 0 and args.warmup:
                    bench.rounds(min(backlog, 1000), args.warmup)
                bench.top_up(backlog)
                idle = bench.idle() if args.idle_seconds else {}
                if args.settle:
                    bench.rounds(backlog, args.settle)
                sample = Sample()
                bench.rounds(backlog, args.tasks, sample)
                results.append((size, backlog, sample))
                print_scenario(size, backlog, sample, idle)
            all_good &= bench.check_record()
        finally:
            if fleet:
                fleet.close()
            control.terminate()
            try:
                control.wait(timeout=60)
            except subprocess.TimeoutExpired:
                control.kill()
            delete_keys(redis)
            redis.close()
            stop([control], "external", workdir)

    base = results[0][2]
    print()
    print(f"fleet simulator: {args.slots} slots per agent, tasks 'run' {args.run_ms} ms, heartbeat every "
          f"{args.heartbeat_millis} ms; {args.tasks} tasks measured per scenario")
    print(f"{'agents':>7} {'queued':>9} {'tasks/s':>8} | {'CPU ms/task: control':>20} {'redis':>6} {'db':>6} "
          f"{'total':>6} | {'pass mean':>9} {'p99 <=':>7} {'ms/task':>8} | vs {results[0][0]} agents, "
          f"{results[0][1]} queued: CPU/task, pass time/task")
    for size, backlog, sample in results:
        print(f"{size:>7} {backlog:>9} {sample.tasks / sample.seconds:>8.0f} | "
              f"{sample.cpu_per_task('control'):>20.2f} {sample.cpu_per_task('redis'):>6.2f} "
              f"{sample.cpu_per_task('db'):>6.2f} {sample.total_cpu_per_task():>6.2f} | {sample.pass_ms():>9.2f} "
              f"{sample.pass_p99_ms():>7.2f} {sample.pass_ms_per_task():>8.3f} | "
              f"{ratio_text(sample.total_cpu_per_task(), base.total_cpu_per_task())}, "
              f"{ratio_text(sample.pass_ms_per_task(), base.pass_ms_per_task())}")
    print("target: per-task dispatch cost within 20 % of the baseline for 10 vs 1,000 agents and 1,000 vs "
          "1,000,000 queued")
    if not all_good:
        sys.exit("the record is not as expected (see the record lines above)")


if __name__ == "__main__":
    main()
