"""The allow-list by extension and content, without HTTP: every allowed type is accepted in its
true form and refused in another's clothes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from partner_portal.platform import filetypes
from partner_portal.platform.filetypes import FileRefused, FileType
from tests.attachments import files


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def check(tmp_path: Path, name: str, content: bytes) -> FileType:
    file_type = filetypes.type_for_name(filetypes.clean_name(name))
    filetypes.check_start(file_type, name, content[:16])
    path = tmp_path / "f"
    path.write_bytes(content)
    filetypes.check_complete(file_type, name, path, has_nul=b"\x00" in content)
    return file_type


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.pdf", files.PDF, FileType.PDF),
        ("a.PNG", files.PNG, FileType.PNG),
        ("a.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", FileType.JPEG),
        ("a.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", FileType.JPEG),
        ("a.docx", files.docx(), FileType.DOCX),
        ("a.xlsx", xlsx(), FileType.XLSX),
        ("a.odt", odf("application/vnd.oasis.opendocument.text"), FileType.ODT),
        ("a.ods", odf("application/vnd.oasis.opendocument.spreadsheet"), FileType.ODS),
        ("a.csv", "namn;värde\r\nå;1\r\n".encode(), FileType.CSV),
        ("a.txt", "Hej, Botkyrka!".encode("cp1252"), FileType.TXT),
    ],
)
def test_allowed_types_in_their_true_form_are_accepted(
    tmp_path: Path, name: str, content: bytes, expected: FileType
) -> None:
    assert check(tmp_path, name, content) is expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.ods", odf("application/vnd.oasis.opendocument.text")),  # a text document renamed
        ("a.xlsx", files.docx()),  # a Word document renamed
        ("a.docx", xlsx()),
        ("a.txt", files.PDF),
        ("a.csv", b"PK\x03\x04rest"),
        ("a.jpg", files.PNG),
        ("a.svg", b"<svg onload=alert(1)>"),
        ("a.html", b"<script>"),
        ("a", files.PDF),
        ("a.pdf.exe", b"MZ"),
    ],
)
def test_content_in_another_types_clothes_is_refused(
    tmp_path: Path, name: str, content: bytes
) -> None:
    with pytest.raises(FileRefused):
        check(tmp_path, name, content)


def test_a_bomb_that_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    """The sizes in the zip's headers are rewritten to look small: the declared sizes pass, and
    unpacking (which reads what is really there) refuses it."""
    data = files.zip_bomb_docx()
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer) as archive:
        info = archive.getinfo("word/media/zeros.bin")
        real_size = info.file_size
    forged = data.replace(real_size.to_bytes(4, "little"), (10).to_bytes(4, "little"))
    assert forged != data

    with pytest.raises(FileRefused):
        check(tmp_path, "lögn.docx", forged)


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for number in range(filetypes.ZIP_MAX_ENTRIES):
            archive.writestr(f"word/x{number}.xml", "")

    with pytest.raises(FileRefused, match="orimligt mycket data"):
        check(tmp_path, "många.docx", buffer.getvalue())


def test_a_long_name_keeps_its_extension(tmp_path: Path) -> None:
    name = filetypes.clean_name("å" * 300 + ".pdf")

    assert len(name) == filetypes.MAX_NAME_LENGTH
    assert name.endswith(".pdf")
