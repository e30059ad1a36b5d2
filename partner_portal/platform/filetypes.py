"""Which files the portal accepts: the extension and the content must agree, on an allow-list.

Pure functions on names and bytes (no I/O but reading the received file). Office documents are
zip containers: their structure is checked, and a zip bomb (a small file that unpacks to
gigabytes, or to millions of entries) is refused by actually unpacking it with a byte budget —
the sizes a zip declares in its headers can lie.
"""

from __future__ import annotations

import enum
import os
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from partner_portal.platform.i18n import gettext as _

# Unpacked, an office document may be at most this large in total, at most this many times its
# packed size, and have at most this many entries.
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_ENTRIES = 2000
_CHUNK = 64 * 1024


class FileType(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    ODT = "odt"
    ODS = "ods"
    CSV = "csv"
    TXT = "txt"
    PNG = "png"
    JPEG = "jpeg"


@dataclass(frozen=True, slots=True)
class _Kind:
    media_type: str
    magic: tuple[bytes, ...]  # the file starts with one of these; () for text
    zip_members: tuple[str, ...] = ()  # an office document must contain these entries
    odf_mimetype: str = ""  # an OpenDocument's ``mimetype`` entry


_ZIP = (b"PK\x03\x04",)
KINDS: dict[FileType, _Kind] = {
    FileType.PDF: _Kind("application/pdf", (b"%PDF-",)),
    FileType.DOCX: _Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
        ("[Content_Types].xml", "word/document.xml"),
    ),
    FileType.XLSX: _Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ZIP,
        ("[Content_Types].xml", "xl/workbook.xml"),
    ),
    FileType.ODT: _Kind(
        "application/vnd.oasis.opendocument.text",
        _ZIP,
        ("mimetype", "content.xml"),
        "application/vnd.oasis.opendocument.text",
    ),
    FileType.ODS: _Kind(
        "application/vnd.oasis.opendocument.spreadsheet",
        _ZIP,
        ("mimetype", "content.xml"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    FileType.CSV: _Kind("text/csv", ()),
    FileType.TXT: _Kind("text/plain", ()),
    FileType.PNG: _Kind("image/png", (b"\x89PNG\r\n\x1a\n",)),
    FileType.JPEG: _Kind("image/jpeg", (b"\xff\xd8\xff",)),
}
EXTENSIONS: dict[str, FileType] = {
    ".pdf": FileType.PDF,
    ".docx": FileType.DOCX,
    ".xlsx": FileType.XLSX,
    ".odt": FileType.ODT,
    ".ods": FileType.ODS,
    ".csv": FileType.CSV,
    ".txt": FileType.TXT,
    ".png": FileType.PNG,
    ".jpg": FileType.JPEG,
    ".jpeg": FileType.JPEG,
}
# Binary formats that must not pass as text even without NUL bytes in the first chunk.
_BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"MZ", b"\x7fELF")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")
MAX_NAME_LENGTH = 200


class FileRefused(Exception):
    """The file is not accepted; ``message`` (Swedish) says why, ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int = 415) -> None:
        self.message = message
        self.status = status
        super().__init__(message)


def allowed_list() -> str:
    return "PDF, DOCX, XLSX, ODT, ODS, CSV, TXT, PNG, JPEG"


def clean_name(raw: str) -> str:
    """The client's file name as metadata: refused when it holds a path or control characters
    (a browser sends only the name); normalised (NFC) and shortened, keeping the extension."""
    name = unicodedata.normalize("NFC", raw).strip()
    if not name or _UNSAFE_NAME.search(name) or name in (".", ".."):
        raise FileRefused(
            (
                _(
                    "Filnamnet ”%(name)s” går inte att använda. Det får inte innehålla sökvägar "
                    "eller kontrolltecken. Byt namn på filen och försök igen."
                )
                % {"name": _printable(name)}
            ),
            status=400,
        )
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name


def _printable(name: str) -> str:
    return _UNSAFE_NAME.sub("?", name)[:MAX_NAME_LENGTH]


def type_for_name(name: str) -> FileType:
    """The file type its extension claims, or FileRefused if the extension is not allowed."""
    extension = os.path.splitext(name)[1].lower()
    file_type = EXTENSIONS.get(extension)
    if file_type is None:
        raise FileRefused(
            _("Filen ”%(name)s” har en filtyp som inte tas emot. Tillåtna filtyper: %(types)s.")
            % {"name": name, "types": allowed_list()}
        )
    return file_type


def check_start(file_type: FileType, name: str, head: bytes) -> None:
    """The first bytes must be what the extension promises (text: no binary signature)."""
    kind = KINDS[file_type]
    if kind.magic:
        ok = any(head.startswith(magic) for magic in kind.magic)
    else:
        ok = not head.startswith(_BINARY_MAGIC)
    if not ok:
        raise FileRefused(_mismatch(name))


def _mismatch(name: str) -> str:
    return _(
        "Innehållet i ”%(name)s” stämmer inte med filändelsen. Spara filen i rätt format och "
        "försök igen."
    ) % {"name": name}


def check_complete(file_type: FileType, name: str, path: Path, *, has_nul: bool) -> None:
    """Checks that need the whole file: text has no NUL bytes; an office document is a sound zip
    with the expected entries that unpacks within the limits. Runs on a worker thread."""
    if file_type in (FileType.CSV, FileType.TXT):
        if has_nul:
            raise FileRefused(_mismatch(name))
        return
    if KINDS[file_type].zip_members:
        _check_zip(file_type, name, path)


def _check_zip(file_type: FileType, name: str, path: Path) -> None:
    kind = KINDS[file_type]
    bomb = FileRefused(
        (
            _(
                "”%(name)s” packas upp till orimligt mycket data och tas inte emot. Kontrollera "
                "filen och försök igen."
            )
            % {"name": name}
        ),
        status=400,
    )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise bomb
            names = {entry.filename for entry in entries}
            if not all(member in names for member in kind.zip_members):
                raise FileRefused(_mismatch(name))
            if any(e.filename.startswith("/") or ".." in e.filename.split("/") for e in entries):
                raise FileRefused(_mismatch(name))
            budget = min(ZIP_MAX_UNCOMPRESSED, ZIP_MAX_RATIO * max(path.stat().st_size, 1))
            if sum(entry.file_size for entry in entries) > budget:
                raise bomb
            unpacked = 0
            for entry in entries:
                with archive.open(entry) as member:
                    while chunk := member.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > budget:
                            raise bomb
            if (
                kind.odf_mimetype
                and archive.read("mimetype").decode("ascii", "replace").strip() != kind.odf_mimetype
            ):
                raise FileRefused(_mismatch(name))
    except FileRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,  # an encrypted entry
        NotImplementedError,  # an unsupported compression method
    ) as exc:
        raise FileRefused(_mismatch(name)) from exc
