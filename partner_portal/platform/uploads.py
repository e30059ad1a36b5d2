"""Receiving a multipart form with files: the only module that uses python-multipart.

The request body is parsed as it streams in, and refused at the first byte over a limit: a file
larger than the size limit, one file too many, a field too long, a name with a path in it, or
content that does not match the extension. Files go to a temporary directory of the request's
own under the data directory (the same file system as the store, so keeping a file is a
rename); whatever is not kept is removed when the request ends, refused or not.

The form's CSRF token must come before its first file: a forged upload is refused before a
single byte of it reaches the disk.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from io import BufferedWriter
from pathlib import Path

import anyio.to_thread
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from partner_portal.platform import filetypes
from partner_portal.platform.errors import PortalError, StorageUnavailable, is_storage_error
from partner_portal.platform.filetypes import FileRefused, FileType
from partner_portal.platform.i18n import gettext as _

_HEAD = 16  # bytes needed to recognise every allowed type
_FILENAME = re.compile(rb'filename="((?:[^"\\]|\\.)*)"', re.IGNORECASE)


class UploadRefused(PortalError):
    """The upload was refused; nothing of it was kept."""

    def __init__(self, message: str, status: int = 400) -> None:
        self.status = status
        super().__init__(message)

    def default_title(self) -> str:
        return _("Filen kunde inte tas emot")


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_file_bytes: int
    max_files: int
    max_fields: int = 50
    max_field_bytes: int = 100_000

    @property
    def max_body_bytes(self) -> int:
        return self.max_files * self.max_file_bytes + 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReceivedFile:
    field: str
    name: str  # the client's name, cleaned: metadata only, never part of a path
    file_type: FileType
    media_type: str
    path: Path  # in the request's temporary directory
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class ReceivedForm:
    fields: FormData
    files: list[ReceivedFile]

    def files_for(self, name: str) -> list[ReceivedFile]:
        return [f for f in self.files if f.field == name]


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


@dataclass
class _File:
    field: str
    name: str
    file_type: FileType
    path: Path
    out: BufferedWriter
    size: int = 0
    head: bytes = b""
    has_nul: bool = False
    hasher: hashlib._Hash = dataclass_field(default_factory=hashlib.sha256)


class _Parser:
    def __init__(
        self,
        limits: UploadLimits,
        directory: Path,
        check_token: Callable[[Mapping[str, str]], None],
    ) -> None:
        self.limits = limits
        self.directory = directory
        self.check_token = check_token
        self.token_checked = False
        self.items: list[tuple[str, str | UploadFile]] = []
        self.files: list[_File] = []
        self.file_count = 0
        self.field_count = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._field_name = ""
        self._data = bytearray()
        self._file: _File | None = None
        self._skip = False  # a file input left empty

    # python-multipart callbacks (synchronous; raising stops the parse at once)

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._data = bytearray()
        self._file = None
        self._skip = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _kind, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise UploadRefused(_("Formuläret kunde inte läsas. Ladda om sidan och försök igen."))
        self._field_name = options[b"name"].decode("utf-8", "replace")
        if b"filename" not in options:
            self.field_count += 1
            if self.field_count > self.limits.max_fields:
                raise UploadRefused(_("Formuläret har för många fält."), status=413)
            return
        raw_name = options[b"filename"].decode("utf-8", "replace")
        # python-multipart quietly drops a Windows path ("C:\\x\\plan.pdf" → "plan.pdf"):
        # a path is refused, whichever way it is written, so look at the name as sent.
        as_sent = _FILENAME.search(self._disposition)
        if as_sent and (b"/" in as_sent.group(1) or b"\\" in as_sent.group(1)):
            raw_name = as_sent.group(1).decode("utf-8", "replace")
        if not raw_name:
            self._skip = True
            return
        if not self.token_checked:
            self.check_token(self._fields())
            self.token_checked = True
        self.file_count += 1
        if self.file_count > self.limits.max_files:
            raise UploadRefused(
                (
                    _(
                        "Högst %(count)s filer kan skickas på en gång. Skicka färre filer och "
                        "försök igen."
                    )
                    % {"count": self.limits.max_files}
                ),
                status=413,
            )
        name = filetypes.clean_name(raw_name)
        file_type = filetypes.type_for_name(name)
        path = self.directory / str(self.file_count)
        self._file = _File(self._field_name, name, file_type, path, path.open("xb"))
        self.files.append(self._file)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._skip:
            return
        current = self._file
        if current is None:
            if len(self._data) + len(chunk) > self.limits.max_field_bytes:
                raise UploadRefused(_("Ett fält i formuläret är för långt."), status=413)
            self._data.extend(chunk)
            return
        current.size += len(chunk)
        if current.size > self.limits.max_file_bytes:
            raise UploadRefused(
                _("Filen ”%(name)s” är större än %(mb)s MB och tas inte emot.")
                % {"name": current.name, "mb": megabytes(self.limits.max_file_bytes)},
                status=413,
            )
        if len(current.head) < _HEAD:
            current.head += chunk[: _HEAD - len(current.head)]
            if len(current.head) >= _HEAD:
                filetypes.check_start(current.file_type, current.name, current.head)
        current.has_nul = current.has_nul or b"\x00" in chunk
        current.hasher.update(chunk)
        current.out.write(chunk)

    def on_part_end(self) -> None:
        current = self._file
        if self._skip:
            return
        if current is None:
            self.items.append((self._field_name, self._data.decode("utf-8", "replace")))
            return
        current.out.close()
        if current.size == 0:
            raise UploadRefused(_("Filen ”%(name)s” är tom.") % {"name": current.name})
        if len(current.head) < _HEAD:
            filetypes.check_start(current.file_type, current.name, current.head)

    def _fields(self) -> dict[str, str]:
        return {k: v for k, v in self.items if isinstance(v, str)}

    def close_all(self) -> None:
        for received in self.files:
            received.out.close()


@asynccontextmanager
async def receive(
    request: Request,
    *,
    limits: UploadLimits,
    tmp_root: Path,
    check_token: Callable[[Mapping[str, str]], None],
) -> AsyncIterator[ReceivedForm]:
    """Parse the request's form within the limits; yield it; remove every temporary file that
    was not moved away meanwhile. Raises UploadRefused (a 4xx with a Swedish message), or what
    ``check_token`` raises."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data":
        form = await request.form(max_files=0, max_fields=limits.max_fields)
        yield ReceivedForm(
            FormData([(k, v) for k, v in form.multi_items() if isinstance(v, str)]), []
        )
        return
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise UploadRefused(_too_large(limits), status=413)
    boundary = options.get(b"boundary")
    if not boundary:
        raise UploadRefused(_("Formuläret kunde inte läsas. Ladda om sidan och försök igen."))
    directory = tmp_root / secrets.token_hex(12)
    try:
        directory.mkdir(parents=True, mode=0o700)
    except OSError as exc:
        if is_storage_error(exc):
            raise StorageUnavailable(exc) from None
        raise
    try:
        yield await _parse(request, limits, directory, boundary, check_token)
    finally:
        await anyio.to_thread.run_sync(lambda: shutil.rmtree(directory, ignore_errors=True))


def _too_large(limits: UploadLimits) -> str:
    return _(
        "Det du skickade är för stort. En fil får vara högst %(mb)s MB och högst %(count)s "
        "filer kan skickas på en gång."
    ) % {"mb": megabytes(limits.max_file_bytes), "count": limits.max_files}


async def _parse(
    request: Request,
    limits: UploadLimits,
    directory: Path,
    boundary: bytes,
    check_token: Callable[[Mapping[str, str]], None],
) -> ReceivedForm:
    state = _Parser(limits, directory, check_token)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": state.on_part_begin,
            "on_part_data": state.on_part_data,
            "on_part_end": state.on_part_end,
            "on_header_field": state.on_header_field,
            "on_header_value": state.on_header_value,
            "on_header_end": state.on_header_end,
            "on_headers_finished": state.on_headers_finished,
        },
    )
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limits.max_body_bytes:
                raise UploadRefused(_too_large(limits), status=413)
            parser.write(chunk)
        parser.finalize()
        if not state.token_checked:
            state.check_token(state._fields())
        for item in state.files:
            await anyio.to_thread.run_sync(
                functools.partial(
                    filetypes.check_complete,
                    item.file_type,
                    item.name,
                    item.path,
                    has_nul=item.has_nul,
                )
            )
    except FileRefused as refused:
        raise UploadRefused(refused.message, status=refused.status) from None
    except (UploadRefused, PortalError):
        raise
    except OSError as exc:
        if is_storage_error(exc):  # the disk is full or cannot be written: not the form's fault
            raise StorageUnavailable(exc) from None
        raise
    except Exception as exc:  # a malformed body: python-multipart's own errors
        raise UploadRefused(
            _("Formuläret kunde inte läsas. Ladda om sidan och försök igen.")
        ) from exc
    finally:
        state.close_all()
    files = [
        ReceivedFile(
            field=f.field,
            name=f.name,
            file_type=f.file_type,
            media_type=filetypes.KINDS[f.file_type].media_type,
            path=f.path,
            size=f.size,
            sha256=f.hasher.hexdigest(),
        )
        for f in state.files
    ]
    return ReceivedForm(FormData(state.items), files)
