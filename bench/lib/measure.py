"""Running one benchmark step: wall time, CPU time and peak memory of a whole
process tree, with a time limit.

The figures come from wait4(2), like /usr/bin/time -v: CPU time is user +
system of the process and every child it waited for (g++, verilator, make,
yosys), and peak memory is the largest "maximum resident set size" of any
single process in that tree, not the sum of processes running at once.
CPU time is the figure to trust on a loaded machine; wall time is what a
user waits.
"""

import os
import signal
import statistics
import subprocess
import threading
import time


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
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
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
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if timer:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        err.close()
        with open(log, "ab") as f:
            f.write(b"$ " + " ".join(cmd).encode() + b"\n" + out + b"\n")
    return Step(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=usage.ru_maxrss / 1024.0,
                returncode=proc.returncode, stdout=out.decode(errors="replace"), timed_out=timed_out.is_set())


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]
