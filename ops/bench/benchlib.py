"""What Caravan's benchmarks share: starting Caravan (the standalone quick start, or control and agent processes
against MariaDB and Redis), its HTTP API with the bench's token, clean-up, and percentiles."""
import http.client
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "target", "caravan.jar")
TOKEN = "bench-token-" + os.urandom(8).hex()
PREFIX = "bench-" + os.urandom(4).hex()
DATABASE = "caravan_bench"
REDIS_ARGS = ["--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=6379", f"--caravan.redis.prefix={PREFIX}"]


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

    def text(self, path):
        request = urllib.request.Request(self.base + path, headers={"Authorization": "Bearer " + TOKEN})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read().decode()

    def submit(self):
        return self.call("POST", "/api/tasks", {"command": ["true"]})["id"]

    def submit_batch(self, count):
        batch = self.call("POST", "/api/tasks/batch", {"tasks": [{"command": ["true"]}] * count})
        return [s["task"]["id"] for s in batch]

    def task(self, task_id):
        return self.call("GET", "/api/tasks/" + task_id)


class Connection:
    """One kept-alive HTTP connection to Caravan's API, for requests so frequent (a poll every 2 ms) that a new
    connection each time would cost more than the request itself."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # the server closed an idle connection: open a new one, once
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        if response.status >= 400:
            sys.exit(f"{method} {path} answered {response.status}: {payload.decode(errors='replace')}")
        return json.loads(payload or b"null")

    def close(self):
        self.connection.close()


def wait_ready(api, process, seconds=120, agents=True):
    """Until the node is ready (its readiness probe: stores and essential routes up) and, unless agents=False, some
    agent has registered with it."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit("caravan exited during start; see its log")
        try:
            with urllib.request.urlopen(api.base + "/actuator/health/readiness", timeout=5):
                pass
            if not agents or api.call("GET", "/api/agents"):
                return
        except OSError:  # refused, reset, timed out, 503 while starting
            pass
        time.sleep(0.5)
    sys.exit("caravan did not become ready")


def start(setup, workdir, slots, control_args=(), control_heap="1g"):
    common = ["-jar", JAR, f"--caravan.data-dir={workdir}", f"--caravan.agent.slots={slots}",
              "--logging.level.root=WARN"]
    logs = open(os.path.join(workdir, "caravan.log"), "w")
    if setup == "embedded":
        port = 18080
        procs = [subprocess.Popen(["java", "-Xmx" + control_heap] + common + list(control_args) + [f"--server.port={port}",
                                                      f"--caravan.security.admin-token={TOKEN}"],
                                  stdout=logs, stderr=subprocess.STDOUT)]
        return port, procs
    subprocess.run(["mariadb", "-uroot", "-e", f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE}"],
                   check=True)
    port = 18080
    control = start_control(common, logs, port, control_args, control_heap)
    agent = subprocess.Popen(["java", "-Xmx1g"] + common + REDIS_ARGS + ["--caravan.role=agent", "--server.port=18081"],
                             stdout=logs, stderr=subprocess.STDOUT)
    return port, [control, agent]


def start_control(common, logs, port, control_args=(), heap="1g"):
    """A control node of the external setup (MariaDB database DATABASE, Redis prefix PREFIX) on the given port."""
    return subprocess.Popen(["java", "-Xmx" + heap] + list(common) + REDIS_ARGS + list(control_args) + [
        "--caravan.role=control", f"--server.port={port}", f"--caravan.security.admin-token={TOKEN}",
        f"--spring.datasource.url=jdbc:mysql://127.0.0.1:3306/{DATABASE}?rewriteBatchedStatements=true",
        "--spring.datasource.username=root", "--spring.datasource.password="],
        stdout=logs, stderr=subprocess.STDOUT)


def start_agent(workdir, agent_id, port, extra_args=()):
    """One more agent process against the external setup's Redis, with its own id, port and data directory."""
    logs = open(os.path.join(workdir, agent_id + ".log"), "w")
    return subprocess.Popen(["java", "-Xmx256m", "-jar", JAR, f"--caravan.data-dir={workdir}/{agent_id}",
                             "--caravan.role=agent", f"--caravan.agent.id={agent_id}", f"--server.port={port}",
                             "--logging.level.root=WARN"] + REDIS_ARGS + list(extra_args),
                            stdout=logs, stderr=subprocess.STDOUT)


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


def pids_named(*names):
    """Pids of the running processes whose name (/proc/PID/comm) is one of these."""
    return _pids(lambda name: name in names)


def pids_starting(prefix):
    """Pids of the running processes whose name (/proc/PID/comm, at most 15 characters) starts with this."""
    return _pids(lambda name: name.startswith(prefix))


def _pids(matches):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as comm:
                    if matches(comm.read().strip()):
                        pids.append(int(entry))
            except OSError:
                pass  # ended meanwhile
    return sorted(pids)


def redis_pid(port=6379):
    """The pid of the Redis serving 127.0.0.1:port, as it tells itself (INFO server), else the one redis-server
    whose command line names the port."""
    info = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "INFO", "server"], capture_output=True,
                          text=True).stdout
    for line in info.splitlines():
        if line.startswith("process_id:"):
            return int(line.split(":")[1])
    for pid in pids_named("redis-server"):
        with open(f"/proc/{pid}/cmdline") as cmdline:
            if f":{port}" in cmdline.read():
                return pid
    sys.exit(f"no redis-server found for port {port}")


def database_pids():
    """The pids of the MariaDB (or MySQL) server the external setup uses."""
    pids = pids_named("mariadbd", "mysqld")
    if not pids:
        sys.exit("no mariadbd or mysqld process found")
    return pids


def embedded_redis_pid(workdir, jvm_pid):
    """The pid of the embedded Redis a standalone JVM started (a child process with its pid file in
    WORKDIR/redis/redis.pid), or None when there is none. Its binary is named for its version
    (redis-server-6.2.6-v5-linux-amd64), so its /proc name is only "redis-server-6."."""
    redis = pids_starting("redis-server")
    try:
        with open(os.path.join(workdir, "redis", "redis.pid")) as pid_file:
            pid = int(pid_file.read().strip())
        if pid in redis:
            return pid
    except (OSError, ValueError):
        pass
    for pid in redis:
        with open(f"/proc/{pid}/stat") as stat:
            if int(stat.read().rsplit(")", 1)[1].split()[1]) == jvm_pid:
                return pid
    return None


def store_pids(setup, workdir, procs):
    """The processes besides Caravan's JVMs that do Caravan's work, by what they are: in the external setup the
    Redis on 127.0.0.1:6379 and the database server; in the embedded one the Redis child of the JVM (H2 runs
    inside the JVM)."""
    if setup == "external":
        return {"Redis": [redis_pid()], "database": database_pids()}
    redis = embedded_redis_pid(workdir, procs[0].pid)
    return {"Redis": [redis] if redis else []}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build_jar():
    if not os.path.exists(JAR):
        subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-q", "package", "-DskipTests"], cwd=ROOT, check=True)


def stop(procs, setup, workdir):
    """Stops Caravan and removes what the run left: its database and Redis keys (external), its data directory."""
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            # still starting, or stuck: what it left is removed below all the same
            p.kill()
            p.wait()
    if setup == "external":
        subprocess.run(["mariadb", "-uroot", "-e", "DROP DATABASE IF EXISTS " + DATABASE], check=False)
        keys = subprocess.run(["redis-cli", "--scan", "--pattern", "{%s}:*" % PREFIX],
                              capture_output=True, text=True).stdout.split()
        for start_at in range(0, len(keys), 500):
            subprocess.run(["redis-cli", "DEL"] + keys[start_at:start_at + 500], capture_output=True)
    shutil.rmtree(workdir, ignore_errors=True)


def flush_redis():
    """Deletes every key of the prefix, the restore marker last, so the restore sees the whole loss at once."""
    keys = subprocess.run(["redis-cli", "--scan", "--pattern", "{%s}:*" % PREFIX],
                          capture_output=True, text=True).stdout.split()
    keys.sort(key=lambda k: k.endswith(":restored"))
    for at in range(0, len(keys), 500):
        subprocess.run(["redis-cli", "DEL"] + keys[at:at + 500], capture_output=True)


def sql(query):
    """Rows of a query against the external setup's database, as lists of strings."""
    out = subprocess.run(["mariadb", "-uroot", "-N", "-B", DATABASE, "-e", query], capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]
