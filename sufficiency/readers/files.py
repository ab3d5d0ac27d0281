"""Bytes in: reading a user's file safely, before any reader looks at its contents.

One place for the checks every file goes through, whoever reads it (tables, boundary
files, placements lists, road graphs):

- :func:`read_bytes`: a path, bytes or an upload; missing files, folders and files over
  :data:`MAX_INPUT_BYTES` are refused with a sentence naming the file;
- :func:`decode_text`: UTF-16 (with BOM), UTF-8 (with or without BOM) or Windows-1252;
  binary files (PDF, images, old .xls, gzip, NUL bytes) are refused with what they are;
- the archive guard, :func:`check_archive` and :func:`safe_extract`: zip archives
  (zipped shapefiles, .xlsx workbooks) whose members point outside the archive, that
  hold too many files, or that would expand past a size or ratio limit (a "zip bomb")
  are refused; resource-fork entries a Mac adds to a zip (``__MACOSX/``, ``._name``)
  are ignored.

Nothing here imports the rest of the project except :mod:`sufficiency.errors`.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sufficiency.errors import FileFormatError, FileTooLargeError, InputError, Problem, UnsafeArchiveError

Source = str | os.PathLike | bytes | BinaryIO

#: Largest input file read, in bytes (the app's upload limit is in .streamlit/config.toml).
MAX_INPUT_BYTES = 200 * 1024 * 1024
#: Archive limits: the largest ONS full-extent layers are ~150 MiB unzipped; sheet XML and
#: shapefiles compress 2-30x, so 200x above 10 MiB is a bomb.
MAX_UNZIPPED_BYTES = 1024**3
MAX_ZIP_RATIO = 200.0
RATIO_FROM_BYTES = 10 * 1024**2
MAX_ZIP_MEMBERS = 1000

BINARY_SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "an old Excel 97-2003 (.xls) workbook: save it as .xlsx or CSV",
    b"%PDF": "a PDF document, not a table: download the CSV or .xlsx version",
    b"\x89PNG": "a PNG image, not a table",
    b"\xff\xd8\xff": "a JPEG image, not a table",
    b"GIF8": "a GIF image, not a table",
    b"\x1f\x8b": "a gzip archive: unpack it first",
}


def source_name(source: Source, name: str | None = None) -> str:
    """The file name to quote in messages (a path's last part, an upload's name)."""
    if name:
        return name
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    return str(getattr(source, "name", "") and Path(source.name).name or "uploaded file")


def check_size(path: Path, limit: int | None = None, file: str | None = None) -> None:
    """Refuse a path that is missing, a folder, or larger than ``limit`` bytes (default
    :data:`MAX_INPUT_BYTES`); ``file`` is the name to quote (default: the path)."""
    limit = MAX_INPUT_BYTES if limit is None else limit
    file = file or str(path)
    if not path.exists():
        raise InputError("file not found", file=file)
    if not path.is_file():
        raise InputError("this is a folder, not a file", file=file)
    size = path.stat().st_size
    if size > limit:
        raise FileTooLargeError(f"file is {size:,} bytes; the limit is {limit // 2**20} MiB ({limit:,} bytes)",
                                file=file)


def read_bytes(source: Source, file: str | None = None) -> bytes:
    """All bytes of a path, bytes object or binary file-like (size-checked for paths)."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        check_size(path, file=file)
        return path.read_bytes()
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def decode(raw: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-16 (with BOM), UTF-8 (with or without BOM) or else cp1252.

    Returns
    -------
    (text, encoding) : encoding is "utf-16", "utf-8-sig", "utf-8" or "cp1252".

    Raises
    ------
    UnicodeDecodeError
        Bytes that start with a UTF-8 byte-order mark but are not UTF-8 (a file
        pasted together from two encodings): guessing would garble names silently.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; map them through latin-1 rather than fail.
        return raw.decode("cp1252", errors="replace"), "cp1252"


def decode_text(raw: bytes, file: str) -> tuple[str, str]:
    """:func:`decode`, refusing binary files with a sentence that says what the file is."""
    for magic, what in BINARY_SIGNATURES.items():
        if raw.startswith(magic):
            raise FileFormatError(f"this is {what}", file=file)
    try:
        text, encoding = decode(raw)
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"the file starts with a UTF-8 byte-order mark but byte {exc.start + 3:,} is not UTF-8 "
            "(mixed encodings?): save it again as CSV UTF-8", file=file) from exc
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FileFormatError("the file holds binary data (NUL bytes), not comma separated text",
                              file=file, row=line)
    return text, encoding


def is_resource_fork(name: str) -> bool:
    """True for the ``__MACOSX/`` and ``._name`` entries macOS adds to a zip (not data)."""
    posix = name.replace("\\", "/")
    return posix.startswith("__MACOSX/") or "/__MACOSX/" in posix or PurePosixPath(posix).name.startswith("._")


def _is_unsafe_name(name: str) -> bool:
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    return posix.startswith("/") or re.match(r"^[A-Za-z]:", posix) is not None or ".." in parts


def _too_big(expanded: int, packed: int) -> bool:
    return expanded > MAX_UNZIPPED_BYTES or (expanded > RATIO_FROM_BYTES and expanded / packed > MAX_ZIP_RATIO)


def check_archive(archive: zipfile.ZipFile, file: str | None = None) -> list[zipfile.ZipInfo]:
    """The archive's data members, after refusing unsafe names, too many members or a bomb.

    Returns
    -------
    list of ZipInfo: the files to use (folders and Mac resource forks left out).

    Raises
    ------
    UnsafeArchiveError
        Listing every problem found.
    """
    infos = [i for i in archive.infolist() if not i.is_dir() and not is_resource_fork(i.filename)]
    problems = [Problem(f"archive member '{i.filename}' points outside the archive folder", file=file)
                for i in infos if _is_unsafe_name(i.filename)]
    if len(infos) > MAX_ZIP_MEMBERS:
        problems.append(Problem(f"archive holds {len(infos)} files, more than {MAX_ZIP_MEMBERS}", file=file))
    declared = sum(i.file_size for i in archive.infolist())
    packed = max(sum(i.compress_size for i in archive.infolist()), 1)
    if _too_big(declared, packed):
        problems.append(Problem(f"archive would expand to {declared:,} bytes from {packed:,} (a 'zip bomb'?)",
                                file=file))
    if problems:
        raise UnsafeArchiveError(problems=problems)
    return infos


def check_xlsx_archive(raw: bytes, file: str) -> None:
    """Refuse an .xlsx whose parts would expand to an implausible size (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            check_archive(archive, file)
    except zipfile.BadZipFile as exc:
        raise FileFormatError("not a readable Excel workbook (a damaged zip archive)", file=file) from exc


def safe_extract(archive: zipfile.ZipFile, dest: Path, source: str | None = None) -> list[Path]:
    """Extract a zip archive's data members into ``dest`` (see :func:`check_archive`).

    Real bytes are counted while extracting, since headers can lie about sizes.
    """
    infos = check_archive(archive, source)
    packed = max(sum(i.compress_size for i in archive.infolist()), 1)
    written: list[Path] = []
    total = 0
    for info in infos:
        target = dest / PurePosixPath(info.filename.replace("\\", "/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(1 << 20):
                total += len(chunk)
                if _too_big(total, packed):
                    raise UnsafeArchiveError(
                        f"archive expands past {total:,} bytes from {packed:,} (a 'zip bomb'?)", file=source)
                out.write(chunk)
        written.append(target)
    return written
