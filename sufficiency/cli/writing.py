"""Where the command line writes: checked before anything is read, so no input is overwritten.

:func:`check_outputs` refuses, all problems at once: an output path that is one of the
command's input files (the same path, or the same file under another name: a link); two
outputs with the same path; an output that is a folder.
A missing folder on an output path is created. :func:`write` sends bytes to a file, or
to standard output when no path is given.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sufficiency.service import InputError, Problem

INPUT_OPTIONS = ("providers", "demand", "net_gain", "boundaries", "file", "roads", "placements")
OUTPUT_OPTIONS = ("out", "flows", "child_level", "report")


def _paths(args, names: tuple[str, ...]) -> list[tuple[str, Path]]:
    found = []
    for name in names:
        value = getattr(args, name, None)
        for path in value if isinstance(value, list) else [value]:
            if path is not None:
                found.append((name, Path(path)))
    return found


def _same(a: Path, b: Path) -> bool:
    """The same file: the same path once resolved, or (both existing) the same file on disk (a hard link)."""
    a, b = a.expanduser(), b.expanduser()
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def check_outputs(args) -> None:
    """Refuse outputs that would overwrite an input, each other, or a folder (module docstring)."""
    inputs = _paths(args, INPUT_OPTIONS)
    outputs = _paths(args, OUTPUT_OPTIONS)
    problems = []
    for i, (name, path) in enumerate(outputs):
        for in_name, in_path in inputs:
            if _same(path, in_path):
                problems.append(Problem(f"{_flag(name)} is the same file as the input given with {_flag(in_name)}: "
                                        "choose another output name (inputs are never overwritten)", file=str(path)))
        for other_name, other in outputs[:i]:
            if _same(path, other):
                problems.append(Problem(f"{_flag(name)} and {_flag(other_name)} name the same file: "
                                        "give each output its own name", file=str(path)))
        if path.is_dir():
            problems.append(Problem(f"{_flag(name)} is a folder: give a file name", file=str(path)))
    if problems:
        raise InputError(problems=problems)


def write(data: bytes, path: Path | None) -> None:
    """Write bytes to ``path`` (creating missing folders), or to standard output."""
    if path is None:
        sys.stdout.buffer.write(data)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise InputError(f"could not write the output file ({exc.strerror or exc})", file=str(path)) from exc
