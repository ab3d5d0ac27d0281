"""The load test's results section (``bench/results.md`` between ``<!-- load -->`` and ``<!-- /load -->``).

:func:`summarise` turns the sessions of :mod:`bench.load` into Markdown (p50/p95 per kind of
interaction, errors, isolation failures, tracebacks, peak server memory and CPU);
:func:`write_section` puts it in the file in place of the previous one, keeping the rest
(``bench/report.py`` keeps it in turn when the benchmarks rewrite the file).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

START, END = "<!-- load -->", "<!-- /load -->"


def _pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summarise(sessions: list, wall: float, rss: float, tracebacks: int, args,
              server_cpu_s: float) -> tuple[str, bool]:
    """The Markdown section for results.md, and whether everything passed."""
    every = [t for s in sessions for k, ts in s.times.items() if k not in ("first_map", "upload") for t in ts]
    opened = [t for s in sessions for t in s.times.get("first_map", [])]
    kinds = sorted({k for s in sessions for k in s.times})
    errors = [e for s in sessions for e in s.errors]
    leaks = [e for s in sessions for e in s.isolation]
    blocked = [u for s in sessions for u in s.blocked]
    ok = not errors and not leaks and not blocked and tracebacks == 0 and bool(every)
    lines = [START, "## Load and isolation test", "",
             f"`python -m bench.load --sessions {args.sessions} --seconds {args.seconds:g} --uploaders "
             f"{args.uploaders} --opening {args.opening}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} at the end): {args.sessions} "
             "sessions on one `python -m ui.serve` server (one headless Chromium, one context per session) open the "
             f"app {args.opening} at a time (first map, then the upload for {args.uploaders} of them), then all "
             f"interact at once for {args.seconds:g} s: year, measure, click, compare, download, scenario. "
             "Response time: from the input to the end of the server's rerun it caused (or to the download).", "",
             f"- **result**: {'passed' if ok else '**failed**'}; {len(every)} interactions in the {wall:.0f} s "
             f"of the shared phase ({len(every) / max(wall, 1e-9):.2f} per second)",
             f"- **errors**: {len(errors)}; **isolation failures**: {len(leaks)}; **tracebacks in the server "
             f"log**: {tracebacks}; **requests off the machine**: {len(blocked)}; authorities found by name because none of the "
             f"click targets was on the (zoomed) map: {sum(s.by_name for s in sessions)}",
             f"- **response time, all interactions**: p50 {_pct(every, 50):.2f} s, p95 {_pct(every, 95):.2f} s"
             if every else "- **response time**: no interaction completed",
             f"- **opening**: first map p50 {_pct(opened, 50):.1f} s, p95 {_pct(opened, 95):.1f} s "
             f"({len(opened)} of {len(sessions)} sessions opened)" if opened else "- **opening**: no session opened",
             f"- **peak server memory** (VmHWM of the streamlit process): {rss:.0f} MB; **server CPU** in the "
             f"shared phase: {server_cpu_s:.0f} s in {wall:.0f} s ({100 * server_cpu_s / max(wall, 1e-9):.0f}% of "
             f"one core; the machine has {os.cpu_count()}, shared with the {args.sessions} Chromium pages)", "",
             "| interaction | count | p50 s | p95 s | max s |", "|---|---|---|---|---|"]
    for kind in kinds:
        ts = [t for s in sessions for t in s.times.get(kind, [])]
        lines.append(f"| {kind} | {len(ts)} | {_pct(ts, 50):.2f} | {_pct(ts, 95):.2f} | {max(ts):.2f} |")
    shown = (errors + leaks)[:10]
    lines += ["", *(f"- {e}" for e in shown), END]
    return "\n".join(lines) + "\n", ok


def write_section(section: str, path: Path) -> None:
    """Put the section between the markers in ``path`` (appended when absent), keeping the rest."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        head, rest = old.split(START, 1)
        text = head + section.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = old.rstrip("\n") + ("\n\n" if old else "") + section
    path.write_text(text, encoding="utf-8")
