import pytest

from weakties.model.identity import (
    email_key,
    fold,
    linkedin_slug,
    linkedin_urn,
    name_key,
    phone_key,
    split_credentials,
)


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://www.linkedin.com/in/member-e658174e", "member-e658174e"),
        ("www.linkedin.com/in/member-65d9b7ce", "member-65d9b7ce"),  # endorsement files
        ("http://fr.linkedin.com/in/Jean-Dupont/", "jean-dupont"),
        ("https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa?trk=x", "josé-garcía"),
        # one key per member: the first segment after /in/, NFC after decoding
        ("https://www.linkedin.com/in/jane-doe/fr", "jane-doe"),
        ("https://www.linkedin.com/in/Jane-Doe/details/experience/", "jane-doe"),
        ("https://www.linkedin.com/in/jose%CC%81-garci%CC%81a", "josé-garcía"),
        ("https://www.linkedin.com/in/", None),
        ("https://www.linkedin.com/pub/john-doe/12/345/678", "pub/john-doe/12/345/678"),
        ("https://www.linkedin.com/company/acme", None),
        ("https://example.org/in/x", None),
        ("", None),
        (None, None),
    ],
)
def test_linkedin_slug(url, slug):
    assert linkedin_slug(url) == slug


def test_urn_email_phone():
    assert linkedin_urn("urn:li:member:123456789") == "member:123456789"
    assert linkedin_urn("member-123") is None
    assert email_key(" Ann.Lee@Example.ORG ") == "ann.lee@example.org"
    assert email_key("mailto:a@b.co") == "a@b.co"
    assert email_key("not an address") is None
    assert phone_key("+33 6 12 34 56 78") == "+33612345678"
    assert phone_key("0033 6 12 34 56 78") == "+33612345678"
    assert phone_key("0") is None  # pseudonymised phones in the samples are zeros


@pytest.mark.parametrize(
    ("last", "base", "creds"),
    [
        ("Smith, PhD", "Smith", ["PhD"]),
        ("Lee, MBA, SHRM-SCP", "Lee", ["MBA", "SHRM-SCP"]),
        ("Dvořák, Ph.D.", "Dvořák", ["Ph.D."]),
        ("Upton, Marchetti Ashford Lowther", "Upton, Marchetti Ashford Lowther", []),
        ("Garcia, Lopez", "Garcia, Lopez", []),
        ("O'Neil", "O'Neil", []),
    ],
)
def test_split_credentials(last, base, creds):
    assert split_credentials(last) == (base, creds)


def test_name_key_folds_case_accents_credentials_spaces():
    assert name_key("Zoë", "Dunmore") == name_key("ZOE", " dunmore ")
    assert name_key("Quinn", "Dvořák, Ph.D.") == "quinn dvorak"
    assert name_key("Lane Northcote Holloway, MBA") == "lane northcote holloway"
    assert name_key("Gray ", "Kettering ") == "gray kettering"


def test_fold_gives_ascii_text_the_key_of_the_whole_way():
    """Plain ASCII skips decomposition: the same key as decomposing it would give."""
    import string
    import unicodedata

    def decomposed(text):
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
        return " ".join(bare.casefold().split())

    samples = ["Ann  Lee", " O'Neil\t", "MCDONALD,\nJR.", string.printable, "\x1c a \x1f"]
    for text in samples:
        assert text.isascii()
        assert fold.__wrapped__(text) == decomposed(text)
    assert fold("Zoë  DVOŘÁK") == "zoe dvorak"  # and the rest still decomposes
