#!/usr/bin/env python3
"""Caravan's reference worker: leases payload tasks of its types over /api/workers, works on them, reports back.

Python 3.8+ standard library only. It registers (and registers again every few seconds: its heartbeat), long-polls
for up to as many tasks as it has free capacity, extends each lease while it works on it, and reports the outcome
with a result. A worker that dies mid-task simply stops extending: its lease expires, and Caravan gives the task to
another worker as its next attempt.

What it does with a payload:
  --exec PROGRAM [ARG...]  runs the program with the payload (JSON) on stdin; exit 0 is success, and its stdout is
                           the result (as JSON if it parses, else as a string); any other exit is a failure whose
                           message is the end of its stderr
  (default)                a demonstration: {"sleep": S} sleeps S seconds, {"fail": "why"} fails, and the result
                           echoes the payload

    CARAVAN_TOKEN=cvt_... caravan_worker.py --url http://localhost:8080 --id resizer-1 --types resize --capacity 4

The token is a token of the role worker made for these types (docs/api.md, "Workers").
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request


def log(message):
    print(time.strftime("%H:%M:%S ") + message, flush=True)


class Caravan:
    """The worker protocol, one call per method. Each returns (HTTP status, JSON answer)."""

    def __init__(self, url, token, worker_id):
        self.base = url.rstrip("/") + "/api/workers/" + worker_id
        self.token = token

    def _post(self, path, body, timeout):
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode("utf-8"), method="POST",
                                         headers={"Authorization": "Bearer " + self.token,
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            try:
                return refused.code, json.loads(refused.read() or b"null")
            except ValueError:
                return refused.code, None

    def register(self, types, labels, capacity):
        return self._post("", {"types": types, "labels": labels, "capacity": capacity}, 10)

    def lease(self, count, wait_seconds, lease_seconds):
        return self._post("/leases", {"max": count, "waitSeconds": wait_seconds, "leaseSeconds": lease_seconds},
                          wait_seconds + 10)

    def extend(self, lease_id, lease_seconds):
        return self._post("/leases/" + lease_id + "/extend", {"leaseSeconds": lease_seconds}, 10)

    def report(self, lease_id, outcome, result, message):
        body = {"outcome": outcome, "result": result}
        if message:
            body["message"] = message[:1000]
        return self._post("/leases/" + lease_id + "/report", body, 10)


class Failed(Exception):
    """The work failed; the message says why."""


def demonstrate(payload):
    if isinstance(payload, dict):
        if "sleep" in payload:
            time.sleep(float(payload["sleep"]))
        if "fail" in payload:
            raise Failed(str(payload["fail"]))
    return {"echo": payload}


def execute(program, payload):
    done = subprocess.run(program, input=json.dumps(payload).encode("utf-8"), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise Failed("exit code %d: %s" % (done.returncode, done.stderr.decode("utf-8", "replace")[-500:].strip()))
    out = done.stdout.decode("utf-8", "replace")
    try:
        return json.loads(out)
    except ValueError:
        return out


class Worker:

    def __init__(self, caravan, options):
        self.caravan = caravan
        self.options = options
        self.busy = 0
        self.changed = threading.Condition()
        self.stopping = threading.Event()

    def run(self):
        self._register()
        threading.Thread(target=self._heartbeat, daemon=True).start()
        while not self.stopping.is_set():
            with self.changed:
                while self.busy >= self.options.capacity and not self.stopping.is_set():
                    self.changed.wait(1)
                free = self.options.capacity - self.busy
            if self.stopping.is_set():
                break
            try:
                status, answer = self.caravan.lease(free, self.options.wait_seconds, self.options.lease_seconds)
            except (OSError, urllib.error.URLError) as e:
                log("cannot lease (%s); trying again" % e)
                time.sleep(2)
                continue
            if status == 409:
                self._register()
                continue
            if status != 200:
                log("lease refused: %s %s" % (status, answer))
                time.sleep(2)
                continue
            for lease in answer["leases"]:
                with self.changed:
                    self.busy += 1
                threading.Thread(target=self._work_on, args=(lease,), daemon=True).start()
        # a stop (SIGTERM) lets the tasks at hand finish and be reported
        with self.changed:
            while self.busy:
                self.changed.wait(1)
        log("stopped")

    def _register(self):
        while not self.stopping.is_set():
            try:
                status, answer = self.caravan.register(self.options.types, self.options.labels, self.options.capacity)
                if status == 200:
                    return
                log("registration refused: %s %s" % (status, answer))
                if status in (400, 401, 403):
                    sys.exit(2)
            except (OSError, urllib.error.URLError) as e:
                log("cannot register (%s); trying again" % e)
            time.sleep(2)

    def _heartbeat(self):
        while not self.stopping.wait(self.options.heartbeat_seconds):
            try:
                self.caravan.register(self.options.types, self.options.labels, self.options.capacity)
            except (OSError, urllib.error.URLError) as e:
                log("heartbeat failed (%s)" % e)

    def _work_on(self, lease):
        lease_id = lease["leaseId"]
        log("leased %s (attempt %d)" % (lease["taskId"], lease["attempt"]))
        finished = threading.Event()
        threading.Thread(target=self._keep, args=(lease_id, finished), daemon=True).start()
        outcome, result, message = "succeeded", None, None
        try:
            if self.options.program:
                result = execute(self.options.program, lease["payload"])
            else:
                result = demonstrate(lease["payload"])
        except Failed as e:
            outcome, message = "failed", str(e)
        except Exception as e:  # the work is the worker's user's code: any error is a failed task, not a dead worker
            outcome, message = "failed", "%s: %s" % (type(e).__name__, e)
        finally:
            finished.set()
        try:
            status, answer = self.caravan.report(lease_id, outcome, result, message)
            log("reported %s %s: %s" % (lease["taskId"], outcome, status if status == 200 else answer))
        except (OSError, urllib.error.URLError) as e:
            log("cannot report %s (%s): the lease will expire and the task run again" % (lease["taskId"], e))
        with self.changed:
            self.busy -= 1
            self.changed.notify_all()

    def _keep(self, lease_id, finished):
        """Extends the lease a third of the way through each lease time, until the work is done."""
        while not finished.wait(self.options.lease_seconds / 3.0):
            try:
                status, answer = self.caravan.extend(lease_id, self.options.lease_seconds)
                if status == 409:
                    log("lease %s lost: %s" % (lease_id, answer.get("message") if answer else status))
                    return
            except (OSError, urllib.error.URLError) as e:
                log("cannot extend %s (%s)" % (lease_id, e))


def labels(text):
    found = {}
    for pair in filter(None, (text or "").split(",")):
        key, _, value = pair.partition("=")
        found[key.strip()] = value.strip()
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("CARAVAN_URL", "http://localhost:8080"))
    parser.add_argument("--token", default=os.environ.get("CARAVAN_TOKEN"), help="default: $CARAVAN_TOKEN")
    parser.add_argument("--id", default=socket.gethostname() + "-" + str(os.getpid()), help="default: host-pid")
    parser.add_argument("--types", required=True, help="comma-separated task types")
    parser.add_argument("--labels", default="", help="k=v,k2=v2")
    parser.add_argument("--capacity", type=int, default=1, help="most tasks at once (default 1)")
    parser.add_argument("--lease-seconds", type=int, default=60)
    parser.add_argument("--wait-seconds", type=int, default=30, help="long poll, at most 30")
    parser.add_argument("--heartbeat-seconds", type=float, default=10)
    parser.add_argument("--exec", dest="program", nargs=argparse.REMAINDER,
                        help="program run per task, payload on stdin (the rest of the line)")
    options = parser.parse_args()
    if not options.token:
        parser.error("a worker token is needed: --token or $CARAVAN_TOKEN")
    options.types = [t.strip() for t in options.types.split(",") if t.strip()]
    options.labels = labels(options.labels)
    worker = Worker(Caravan(options.url, options.token, options.id), options)
    signal.signal(signal.SIGTERM, lambda *_: worker.stopping.set())
    log("worker %s serves %s with capacity %d" % (options.id, options.types, options.capacity))
    try:
        worker.run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
