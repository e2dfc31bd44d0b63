"""Running one benchmark step: wall time, CPU time and peak memory of a whole
process tree, with a time limit.

The command runs under GNU time (/usr/bin/time, Debian package `time`),
which forks it and reads wait4(2): CPU time is user + system of the process
and every child it waited for (g++, verilator, make, yosys), and peak memory
is the largest "maximum resident set size" of any single process in that
tree, not the sum of processes running at once. CPU time is the figure to
trust on a loaded machine; wall time is what a user waits.

Why not wait4 here directly: Python starts children with vfork, and Linux
carries the parent's high-water mark into the child's maximum resident set
size at exec, so every figure would be at least this script's own size.
GNU time is a 1 MB process that forks, so its floor is 1 MB.
"""

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time

GNU_TIME = "/usr/bin/time"


class Step:
    """The outcome of one run of a command."""

    def __init__(self, wall, cpu, rss_mb, returncode, stdout, timed_out):
        self.wall = wall
        self.cpu = cpu
        self.rss_mb = rss_mb
        self.returncode = returncode
        self.stdout = stdout
        self.timed_out = timed_out

    @property
    def ok(self):
        return self.returncode == 0 and not self.timed_out


def run(cmd, timeout=None, cwd=None, log=None, env=None):
    """Runs `cmd` (a list) in its own process group; kills the whole group
    after `timeout` seconds. stdout is captured (and appended to `log`),
    stderr goes to `log` or is dropped."""
    err = open(log, "ab") if log else subprocess.DEVNULL
    usage_fd, usage_path = tempfile.mkstemp(prefix="hepml-bench-usage-")
    os.close(usage_fd)
    timed = [GNU_TIME, "--quiet", "-f", "%U %S %M", "-o", usage_path] + list(cmd)
    start = time.monotonic()
    proc = subprocess.Popen(timed, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    # Read all output before reaping, or a chatty child blocks on a full pipe.
    out = proc.stdout.read()
    proc.wait()
    wall = time.monotonic() - start
    if timer:
        timer.cancel()
    cpu, rss_mb = read_usage(usage_path)
    if log:
        err.close()
        with open(log, "ab") as f:
            f.write(b"$ " + " ".join(cmd).encode() + b"\n" + out + b"\n")
    return Step(wall=wall, cpu=cpu, rss_mb=rss_mb,
                returncode=proc.returncode, stdout=out.decode(errors="replace"), timed_out=timed_out.is_set())


def read_usage(path):
    """(CPU seconds, peak MB) from GNU time's "%U %S %M" line; (None, None)
    when the run was killed before GNU time could write it."""
    try:
        with open(path) as f:
            fields = f.read().split()
    finally:
        os.unlink(path)
    try:
        user, system, kilobytes = float(fields[-3]), float(fields[-2]), int(fields[-1])
    except (IndexError, ValueError):
        return None, None
    return user + system, kilobytes / 1024.0


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def peak(values):
    """The largest of the figures that were measured (None for killed runs)."""
    values = [v for v in values if v is not None]
    return max(values) if values else None


def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]
