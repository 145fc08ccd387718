"""vCard files are read card by card, a line at a time, in bounded memory.

A line over 4 MiB is refused with the file and the line (as in CSV, iCalendar
and mbox files), never loaded whole; what weakties does not use of a card (a
photo, a long note) is dropped while it is read.
"""

from __future__ import annotations

import tracemalloc

from tests.robustness.conftest import dump, refused, run

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vee Nul\r\nEMAIL:vee@example.org\r\n{extra}END:VCARD\r\n"


def test_a_line_over_4_mib_is_refused_with_its_file_and_line(seeded, tmp_path):
    db, before = seeded
    card = tmp_path / "big.vcf"
    note = "NOTE:" + "x" * (4 * 1024 * 1024 + 10) + "\r\n"
    card.write_text(CARD.format(extra="") + CARD.format(extra=note), newline="")
    ran = run(db, "import", "vcard", str(card), "--as", "me")
    refused(ran, 2, "big.vcf", "line 10", "longer than 4 MiB")
    assert dump(db) == before


def test_what_is_not_used_is_dropped_while_reading(seeded, tmp_path):
    """A 3.7 MiB photo (twice) folded over short lines: the card is imported, and the
    reading holds far less than the photo at any time."""
    from weakties.ingest.contacts import read_vcards

    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "\r\n ".join(["A" * 74] * 50_000) + "\r\n"
    card = tmp_path / "photo.vcf"
    card.write_text(CARD.format(extra=photo) * 2, newline="")
    assert card.stat().st_size > 7 * 1024 * 1024
    tracemalloc.start()
    try:
        with card.open(encoding="utf-8", newline="") as text:
            contacts = list(read_vcards(text, "photo.vcf"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(c.full, c.emails, c.line) for c in contacts] == [
        ("Vee Nul", ["vee@example.org"], 1),
        ("Vee Nul", ["vee@example.org"], 50_006),
    ]
    assert peak < 1024 * 1024, peak
    db, _ = seeded
    ran = run(db, "import", "vcard", str(card), "--as", "me")
    assert ran.code == 0, ran.err
