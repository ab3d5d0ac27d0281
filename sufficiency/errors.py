"""The project's exception types.

Every problem with an input file is an :class:`InputError` carrying the file, the
row (1-based line in the file as a person would count it, where known), the column
and a plain-English reason. The app shows ``str(error)``; the CLI prints it and
exits non-zero. Nothing here ever shows a traceback to a commissioner.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One thing wrong with an input: where it is and why it matters."""

    reason: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"file '{self.file}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = (", ".join(where) + ": ") if where else ""
        shown = f" (value: {self.value!r})" if self.value not in (None, "") else ""
        return f"{prefix}{self.reason}{shown}"


class SufficiencyError(Exception):
    """Base class of every error this project raises on purpose."""


@dataclass
class InputError(SufficiencyError):
    """An input file that cannot be used as it is.

    Collects every problem found so that a user can fix the file once.
    """

    problems: list[Problem] = field(default_factory=list)

    def __init__(
        self,
        reason: str | None = None,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.problems = list(problems or [])
        if reason is not None:
            self.problems.insert(0, Problem(reason, file, row, column, value))
        super().__init__(str(self))

    @property
    def file(self) -> str | None:
        return self.problems[0].file if self.problems else None

    @property
    def row(self) -> int | None:
        return self.problems[0].row if self.problems else None

    @property
    def column(self) -> str | None:
        return self.problems[0].column if self.problems else None

    @property
    def reason(self) -> str:
        return self.problems[0].reason if self.problems else ""

    def __str__(self) -> str:
        if not self.problems:
            return "The input could not be used."
        if len(self.problems) == 1:
            return str(self.problems[0])
        files = {p.file for p in self.problems}
        head = f"file '{files.pop()}': " if len(files) == 1 and None not in files else ""
        lines = [f"{head}{len(self.problems)} problems found:"]
        lines += [f"  - {p}" for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"  ... and {len(self.problems) - 20} more")
        return "\n".join(lines)


class EmptyFileError(InputError):
    """The file has no data rows (empty, or a header only)."""


class FileFormatError(InputError):
    """The file cannot be parsed: wrong format, delimiter, encoding or archive."""


class MissingColumnError(InputError):
    """A column the tool needs is not in the file."""


class DuplicateColumnError(InputError):
    """The same column name appears twice, so the tool cannot tell which to use."""


class BadValueError(InputError):
    """A cell holds a value the tool cannot use (non-numeric, negative, absurd)."""


class UnknownAuthorityError(InputError):
    """An authority name or code that matches no English children's services authority."""


class BoundaryError(InputError):
    """A boundary file that cannot be used (geometry, codes)."""


class CRSError(BoundaryError):
    """A boundary file whose coordinate reference system is missing or implausible."""


class FileTooLargeError(InputError):
    """A file larger than the configured upload limit."""


class UnsafeArchiveError(FileFormatError):
    """A zip archive with unsafe member paths or an implausible expansion ratio."""


class PostcodeError(InputError):
    """Postcodes that are not in the ONS Postcode Directory."""


class DistanceInputError(SufficiencyError, ValueError):
    """A frame handed to a distance measure that cannot be measured (a programming error
    or a dataset without points): every problem is listed together."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("the authorities cannot be measured: " + "; ".join(self.problems))
