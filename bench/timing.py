"""Timing and peak-memory helpers shared by the benchmark cases.

Times are wall-clock seconds (``time.perf_counter``), reported as the median of
several runs. Peak memory is measured on a separate run so that tracing does not
slow the timed ones:

- in-process: ``tracemalloc`` peak, in MB (10^6 bytes). It sees Python objects
  and numpy/pandas buffers, not memory that C++ libraries (GEOS, HiGHS, PROJ)
  allocate themselves, so it is a lower bound for shapely-heavy work;
- subprocesses: the child's peak resident set size in MB, read from its own
  ``VmHWM`` while it runs (see :func:`wait_with_rusage` for why not ``ru_maxrss``).
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MB = 1e6


@dataclass
class Result:
    """One row of the results table.

    Attributes
    ----------
    key : str
        Stable identifier of the row (the smoke test checks every key is present).
    name : str
        What was measured, for people.
    size : str
        Problem size ("153 authorities", "1,000,000 points").
    seconds : float
        Median wall-clock seconds (NaN when the row is skipped).
    runs : int
        Number of timed runs behind the median (0 when skipped).
    peak_mb : float
        Peak memory in MB (see the module docstring for what is counted), NaN if not measured.
    memory_kind : str
        "traced" (tracemalloc, in-process) or "RSS" (child process peak resident set).
    measure : str
        Extra figure: a ratio, a byte count, a hit rate.
    target : str
        The issue's target for this row, if any.
    met : bool or None
        Whether the target is met (None: no target, or skipped).
    note : str
        Why a row is skipped, or anything a reader should know.
    values : dict
        Machine-readable extras (ratios, bytes) for the JSON output.
    """

    key: str
    name: str
    size: str
    seconds: float
    runs: int
    peak_mb: float = float("nan")
    memory_kind: str = "traced"
    measure: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def median_time(fn: Callable[[], Any], repeats: int, warmup: int = 0) -> tuple[float, list[float], Any]:
    """Median seconds of ``repeats`` calls of ``fn`` (after ``warmup`` untimed calls).

    Returns
    -------
    (median seconds, all timings in seconds, the last call's return value)
    """
    out = None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(max(1, repeats)):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, out


def traced_peak_mb(fn: Callable[[], Any]) -> float:
    """Peak traced allocation (MB) during one call of ``fn``, above what was allocated before."""
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - base) / MB


def vm_hwm_mb(pid: int) -> float:
    """Peak resident set (``VmHWM`` in ``/proc/<pid>/status``) of a running process, MB; NaN if gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / MB
    except (OSError, ValueError):
        pass
    return float("nan")


def wait_with_rusage(proc: subprocess.Popen, timeout_s: float) -> tuple[int, float]:
    """Wait for ``proc``; return its exit code and peak RSS in MB.

    The peak is the child's own ``VmHWM``, polled while it runs (it only grows).
    ``ru_maxrss`` from ``os.wait4`` (what ``getrusage(RUSAGE_CHILDREN)`` reports) is
    used only when the child ended before it could be read: Linux keeps the
    high-water mark across ``execve``, so a child started from a large process
    reports at least the parent's size.

    Raises ``TimeoutError`` (after killing the child) when it runs past ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    peak = float("nan")
    while True:
        now = vm_hwm_mb(proc.pid)
        if now == now:  # not NaN: still running (or a zombie, which reads as gone)
            peak = now if peak != peak else max(peak, now)
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            code = os.waitstatus_to_exitcode(status)
            proc.returncode = code  # reaped here, so Popen must not wait again
            return code, peak if peak == peak else usage.ru_maxrss * 1024 / MB  # Linux ru_maxrss: KiB
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            raise TimeoutError(f"{proc.args!r} ran longer than {timeout_s:.0f} s")
        time.sleep(0.005)


def run_child(cmd: list[str], cwd: str, timeout_s: float = 180) -> tuple[float, float, str]:
    """Run ``cmd`` to completion; return (wall seconds, peak RSS MB, its standard output).

    Raises ``RuntimeError`` with the end of its standard error on a non-zero exit.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        code, rss = wait_with_rusage(proc, timeout_s)
        seconds = time.perf_counter() - start
        if code != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.read().decode(errors='replace')[-2000:]}")
        out.seek(0)
        return seconds, rss, out.read().decode(errors="replace")


def child_median(cmd: list[str], cwd: str, repeats: int) -> tuple[float, float, int]:
    """Median seconds and the largest peak RSS (MB) over ``repeats`` runs of ``cmd``."""
    runs = [run_child(cmd, cwd)[:2] for _ in range(max(1, repeats))]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), len(runs)


def skipped(rows: list[tuple[str, str]], reason: str) -> list[Result]:
    """The rows (key, label), not measured, saying why (``note``: "skipped: <reason>")."""
    nan = float("nan")
    return [Result(k, n, "", nan, 0, nan, "RSS", note=f"skipped: {reason}") for k, n in rows]
