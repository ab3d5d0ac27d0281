"""Re-export of the project's exception types (defined in :mod:`geo.errors`)."""

from geo.errors import (  # noqa: F401
    BadValueError,
    BoundaryError,
    CRSError,
    DuplicateColumnError,
    EmptyFileError,
    FileFormatError,
    FileTooLargeError,
    InputError,
    MissingColumnError,
    PostcodeError,
    Problem,
    SufficiencyError,
    UnknownAuthorityError,
    UnsafeArchiveError,
)
