"""Bad input: a clear error naming file, line and field, and the database untouched."""

import subprocess
import sys
import zipfile

import pytest

from tests.support import (
    MESSAGES_2024,
    connections,
    csv_text,
    table_snapshot,
    url,
    write_files,
    write_zip,
)
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.ingest.sources import Limits
from weakties.store.errors import InputError

GOOD = connections([["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024"]])


@pytest.fixture
def seeded(store, tmp_path, db_path):
    """A database with one good import, and its snapshot."""
    import_linkedin(store, write_files(tmp_path / "good", {"Connections.csv": GOOD}), "me")
    return table_snapshot(db_path)


def fails(store, path, member="me", **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        import_linkedin(store, path, member, **kwargs)
    return info.value


def test_unparseable_date_names_file_line_field(store, seeded, tmp_path, db_path):
    text = connections(
        [
            ["Bob", "Stone", url("bob"), "", "Globex", "Dev", "02 Jan 2024"],
            ["Cy", "Tran", url("cy"), "", "Initech", "Ops", "the day after"],
        ]
    )
    err = fails(store, write_files(tmp_path / "x", {"Connections.csv": text}))
    assert err.file.endswith("Connections.csv")
    assert (err.line, err.field) == (6, "Connected On")  # 3 preamble lines, header, 2 rows
    assert "the day after" in str(err)
    assert table_snapshot(db_path) == seeded


def test_failure_in_a_later_file_rolls_back_the_earlier_ones(store, seeded, tmp_path, db_path):
    bad_messages = csv_text(
        MESSAGES_2024,
        [
            [
                "c",
                "",
                "Bob Stone",
                url("bob"),
                "Me",
                url("me"),
                "not a date",
                "",
                "x",
                "INBOX",
                "No",
                "No",
            ]
        ],
    )
    files = {
        "Connections.csv": connections(
            [["Bob", "Stone", url("bob"), "", "Globex", "Dev", "02 Jan 2024"]]
        ),
        "messages.csv": bad_messages,
    }
    err = fails(store, write_files(tmp_path / "x", files))
    assert (err.line, err.field) == (2, "DATE")
    assert table_snapshot(db_path) == seeded  # Bob's connection was not kept either


def test_wrong_header(store, seeded, tmp_path, db_path):
    err = fails(store, write_files(tmp_path / "x", {"Connections.csv": "Foo,Bar\n1,2\n"}))
    assert err.line == 1
    assert err.field in ("Connected On", "First Name", "Last Name")
    assert "header lacks" in str(err)
    assert table_snapshot(db_path) == seeded


def test_missing_header(store, tmp_path):
    text = "Ann,Lee,,Acme,CTO,01 Jan 2024\n"  # data where the header should be
    err = fails(store, write_files(tmp_path / "x", {"Connections.csv": text}))
    assert err.line == 1 and "header" in str(err)


def test_windows_1252_is_detected_and_said(store, seeded, tmp_path, db_path):
    latin1 = connections([["Zoé", "Müller", url("zoe"), "", "Café SARL", "Chef", "01 Feb 2024"]])
    path = write_files(tmp_path / "x", {"Connections.csv": latin1}, encoding="cp1252")
    summary = import_linkedin(store, path, "me")
    assert summary.files[0].traces == 1
    assert summary.files[0].read_as == ["CP1252"]
    assert "Zoé Müller" in repr(table_snapshot(db_path)["person"])


def test_damaged_utf8_names_line_and_field_and_can_be_overridden(store, seeded, tmp_path, db_path):
    """Valid UTF-8 text, then a stray byte: damaged UTF-8, never read as cp1252."""
    text = connections(
        [
            ["Zoé", "Lee", url("zoe"), "", "Acme", "CTO", "01 Feb 2024"],
            ["Bob", "Stone", url("bob"), "", "Globex", "Dev", "02 Feb 2024"],
        ]
    ).encode()
    broken = text.replace(b"Globex", b"Glob\xe9x")
    path = write_files(tmp_path / "x", {"Connections.csv": broken})
    err = fails(store, path)
    assert (err.line, err.field) == (6, "Company")
    assert "cp1252" in str(err)
    assert table_snapshot(db_path) == seeded
    summary = import_linkedin(store, path, "me", encoding="cp1252")
    assert summary.files[0].traces == 2


def test_too_many_fields(store, tmp_path):
    text = connections([["Ann", "Lee", url("ann"), "", "Acme", "CTO", "01 Jan 2024", "extra"]])
    err = fails(store, write_files(tmp_path / "x", {"Connections.csv": text}))
    assert err.line == 5 and "fields" in str(err)


def test_truncated_zip(store, seeded, tmp_path, db_path):
    archive = write_zip(tmp_path / "export.zip", {"Connections.csv": GOOD * 50})
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    err = fails(store, archive)
    assert err.file == str(archive) and "ZIP" in str(err)
    assert table_snapshot(db_path) == seeded


def test_corrupt_zip_member(store, seeded, tmp_path, db_path):
    archive = write_zip(tmp_path / "export.zip", {"Connections.csv": GOOD * 50})
    data = bytearray(archive.read_bytes())
    start = data.index(b"Connections.csv") + len("Connections.csv")  # local header ends here
    for i in range(start + 10, start + 40):
        data[i] ^= 0xFF
    archive.write_bytes(bytes(data))
    err = fails(store, archive)
    assert "Connections.csv" in err.file
    assert table_snapshot(db_path) == seeded


@pytest.mark.parametrize("name", ["../evil.csv", "/etc/Connections.csv", "a/../../b.csv"])
def test_zip_path_traversal_refused(store, tmp_path, name):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Connections.csv", GOOD)
        z.writestr(zipfile.ZipInfo(name), "x")
    err = fails(store, archive)
    assert "unsafe path" in str(err)
    assert not (tmp_path.parent / "evil.csv").exists()


def test_zip_bomb_refused_by_ratio(store, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Connections.csv", GOOD)
        z.writestr("messages.csv", b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros, ~64 KiB packed
    assert archive.stat().st_size < 1024 * 1024
    err = fails(store, archive)
    assert "zip bomb" in str(err) and "messages.csv" in err.file


def test_zip_total_size_cap(store, tmp_path):
    archive = write_zip(tmp_path / "export.zip", {"Connections.csv": GOOD})
    err = fails(store, archive, limits=Limits(max_unzipped_total=100))
    assert "exceeds the limit" in str(err) and "--max-unzipped" in str(err)


def test_zip_member_lying_about_its_size(store, tmp_path):
    archive = write_zip(tmp_path / "export.zip", {"Connections.csv": GOOD * 20})
    data = bytearray(archive.read_bytes())
    # Patch the uncompressed size in the central directory to 10 bytes.
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    err = fails(store, archive)
    assert "Connections.csv" in err.file


def test_no_export_file_at_all(store, tmp_path):
    err = fails(store, write_files(tmp_path / "x", {"notes.txt": "hello"}))
    assert "no LinkedIn export file" in str(err)


@pytest.mark.slow
def test_two_gigabyte_file_is_streamed_with_bounded_memory(tmp_path, db_path):
    """A 2 GB file whose data is garbage: refused at its first line, memory bounded."""
    folder = tmp_path / "big"
    folder.mkdir()
    path = folder / "Connections.csv"
    with path.open("wb") as f:
        f.write(GOOD.encode()[: GOOD.index("Ann")])  # preamble and header
        f.truncate(2 * 1024**3)  # sparse: 2 GiB of NUL bytes, no newline
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from weakties.store.engine import open_store\n"
        "from weakties.ingest.linkedin.importer import import_linkedin\n"
        "from weakties.store.errors import InputError\n"
        f"store = open_store({str(db_path)!r})\n"
        "try:\n"
        f"    import_linkedin(store, Path({str(folder)!r}), 'me')\n"
        "    print('imported')\n"
        "except InputError as exc:\n"
        "    print('refused', exc.line, exc)\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print('maxrss_kib', hwm.split()[1])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("refused 5 "), out.stdout
    assert "line longer than" in lines[0]
    maxrss_mib = int(lines[-1].split()[1]) / 1024
    assert maxrss_mib < 300, f"peak RSS {maxrss_mib:.0f} MiB"
