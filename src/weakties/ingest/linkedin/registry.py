"""Which file of an export is which, and which version of it.

A file is recognised by its name (``Connections.csv``, ``Endorsement Received
Info.csv`` ...) and, failing that, by its header. Each kind lists the header
variants seen in real exports from 2018 to 2024 (see
``formats/linkedin-export.md``); a header is accepted when it holds the kind's
required columns, and its version is the variant it equals.

Files weakties deliberately does not read are *ignored* (and listed by name in the
import summary); anything else is *unknown* — reported, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from weakties.ingest.csvread import norm_header
from weakties.store.errors import InputError

__all__ = ["IGNORED", "KINDS", "FileKind", "classify", "detect_version"]


def _cols(header: str) -> tuple[str, ...]:
    return tuple(norm_header(c) for c in header.split(",") if c.strip())


@dataclass(frozen=True)
class FileKind:
    kind: str
    names: tuple[str, ...]  # normalised file stems
    required: frozenset[str]
    variants: tuple[tuple[str, tuple[str, ...]], ...]  # (version, columns)
    order: int  # processing order: people before the traces that refer to them
    labels: tuple[tuple[str, str], ...] = ()  # normalised column -> name as exported

    def label(self, column: str) -> str:
        return dict(self.labels).get(column, column)

    def version_of(self, header: list[str]) -> str | None:
        """The variant this header equals; ``partial`` / ``extended`` when it holds the
        required columns but lacks or adds others (Excel re-saves drop columns)."""
        present = set(header) - {""}
        if not self.required <= present:
            return None
        for version, columns in self.variants:
            if set(columns) == present:
                return version
        if not self.required and max(len(present & set(c)) for _, c in self.variants) < 3:
            return None
        return "extended" if any(set(c) <= present for _, c in self.variants) else "partial"


def _kind(kind: str, names: str, required: str, order: int, **variants: str) -> FileKind:
    raw = [c.strip() for h in (required, *variants.values()) for c in h.split(",") if c.strip()]
    return FileKind(
        kind=kind,
        names=tuple(norm_header(n) for n in names.split("|")),
        required=frozenset(_cols(required)),
        variants=tuple((v.replace("_", "-").lstrip("v"), _cols(h)) for v, h in variants.items()),
        order=order,
        labels=tuple({norm_header(c): c for c in reversed(raw)}.items()),
    )


_CONN_OLD = "First Name,Last Name,Email Address,Company,Position,Connected On"
_MSG_2021 = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER"
)
_MSG_2023 = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER"
)
_ENDORSE = "Endorsement Date,Skill Name,{r} First Name,{r} Last Name"
_CONTACTS_2018 = (
    "First Name,Last Name,Companies,Title,Email Address,Phone Numbers,Created At,"
    "Instant Message Handles,Addresses,Sites,Full Name,Birthday,Location,Bookmarked At,Profiles"
)
_CONTACTS = (
    "Source,FirstName,LastName,Companies,Title,Emails,PhoneNumbers,CreatedAt,Addresses,Sites,"
    "InstantMessageHandles,FullName,Birthday,Location,BookmarkedAt,Profiles"
)
_PROFILE = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
    "Geo Location,Twitter Handles,Websites,Instant Messengers"
)

KINDS: dict[str, FileKind] = {
    k.kind: k
    for k in [
        _kind(
            "profile",
            "Profile",
            "First Name,Last Name",
            10,
            v2022=_PROFILE,
            v2018=_PROFILE + ",Contact Instructions,Country",
        ),
        _kind(
            "email_addresses",
            "Email Addresses",
            "Email Address",
            11,
            v2018="Email Address,Confirmed,Primary,Updated On",
        ),
        _kind(
            "phone_numbers",
            "PhoneNumbers|Phone Numbers",
            "Number",
            12,
            v2018="Extension,Number,Type",
        ),
        _kind(
            "positions",
            "Positions",
            "Company Name,Title,Started On",
            13,
            v2018="Company Name,Title,Description,Location,Started On,Finished On",
        ),
        _kind(
            "education",
            "Education",
            "School Name",
            14,
            v2018="School Name,Start Date,End Date,Notes,Degree Name,Activities",
        ),
        _kind("skills", "Skills", "Name", 15, v2018="Name"),
        _kind(
            "connections",
            "Connections",
            "First Name,Last Name,Connected On",
            20,
            v2018=_CONN_OLD,
            v2023="First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        ),
        _kind(
            "contacts", "Contacts|Imported Contacts", "", 25, v2018=_CONTACTS_2018, v2021=_CONTACTS
        ),
        _kind(
            "invitations",
            "Invitations",
            "From,To,Sent At,Direction",
            30,
            v2018="From,To,Sent At,Message,Direction",
            v2023="From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl",
            v2023_urn="From,To,Sent At,Message,Direction,inviterProfileUrn,inviteeProfileUrn",
        ),
        _kind(
            "messages",
            "messages",
            "From,To,Date",
            40,
            v2018="From,To,Date,Subject,Content,Direction,Folder",
            v2021=_MSG_2021,
            v2023=_MSG_2023,
            v2024=_MSG_2023 + ",IS MESSAGE DRAFT,IS CONVERSATION DRAFT",
        ),
        _kind(
            "endorsements_received",
            "Endorsement_Received_Info|Endorsement Received Info",
            "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name",
            50,
            v2018=_ENDORSE.format(r="Endorser") + ",Endorsement Status",
            v2023=_ENDORSE.format(r="Endorser") + ",Endorser Public Url,Endorsement Status",
            v2022_utf16=_ENDORSE.format(r="Endorser") + ",Endorsement Status,Display Status",
        ),
        _kind(
            "endorsements_given",
            "Endorsement_Given_Info|Endorsement Given Info",
            "Endorsement Date,Skill Name,Endorsee First Name,Endorsee Last Name",
            51,
            v2018=_ENDORSE.format(r="Endorsee") + ",Endorsement Status",
            v2023=_ENDORSE.format(r="Endorsee") + ",Endorsee Public Url,Endorsement Status",
            v2022_utf16=_ENDORSE.format(r="Endorsee") + ",Endorsement Status,Display Status",
        ),
        _kind(
            "recommendations_received",
            "Recommendations_Received|Recommendations Received",
            "First Name,Last Name,Creation Date",
            55,
            v2018="First Name,Last Name,Company,Job Title,Text,Creation Date,Status",
        ),
        _kind(
            "recommendations_given",
            "Recommendations_Given|Recommendations Given",
            "First Name,Last Name,Creation Date",
            56,
            v2018="First Name,Last Name,Company,Job Title,Text,Creation Date,Status",
        ),
        _kind(
            "company_follows",
            "Company Follows|Company_Follows",
            "Organization",
            60,
            v2018="Organization,Followed On",
        ),
        _kind(
            "member_follows",
            "Member_Follows|Member Follows",
            "FullName,Status",
            61,
            v2018="Date,Status,FullName",
        ),
        _kind("reactions", "Reactions", "Date,Type,Link", 70, v2018="Date,Type,Link"),
        _kind("comments", "Comments", "Date,Link", 71, v2018="Date,Link,Message"),
        _kind(
            "shares",
            "Shares",
            "Date,ShareLink",
            72,
            v2021="Date,ShareLink,ShareCommentary,SharedURL,MediaURL,Visibility",
        ),
    ]
}

# Read by no importer, on purpose: account security, ads, learning, job search,
# coaching chats, free-form profile sections. Listed in the summary as ignored.
IGNORED: frozenset[str] = frozenset(
    norm_header(n)
    for n in (
        "Logins|Search Queries|SearchQueries|Security Challenges|Account Status History|"
        "Ad Targeting|Ads Clicked|Learning|Events|Rich_Media|Receipts|Receipts_v2|"
        "Registration|Inferences_about_you|Votes|coach_messages|learning_coach_messages|"
        "learning_role_play_messages|guide_messages|Private_identity_asset|"
        "Causes You Care About|Languages|Certifications|Projects|Publications|Honors|Courses|"
        "Volunteering|Patents|Test Scores|Organizations|Saved_Jobs|Job Applicant Saved Answers|"
        "Job Applicant Saved Screening Question Responses|Job Seeker Preferences|Job Applications|"
        "Hashtag_Follows|Services Marketplace|Verifications|Whatsapp Phone Numbers|"
        "SavedJobAlerts|Saved Job Alerts|Endorsement Given Info_old|Online Jobs|"
        "Member_Follows_old|Jobs|Articles|Instant Messengers|Email Addresses_old"
    ).split("|")
)
_IGNORED_FOLDERS = frozenset({"jobs", "articles", "verifications"})


@dataclass(frozen=True)
class Classified:
    status: str  # "kind" / "ignored" / "unknown"
    kind: FileKind | None = None


def classify(name: str) -> Classified:
    """Classify a file by its path inside the export (header checks come later)."""
    path = PurePosixPath(name)
    stem = norm_header(path.stem)
    parents = {norm_header(p) for p in path.parts[:-1]}
    if parents & _IGNORED_FOLDERS:
        return Classified("ignored")
    if path.suffix.lower() not in (".csv", ".txt", ""):
        return Classified("ignored" if path.suffix.lower() in (".html", ".htm") else "unknown")
    for kind in KINDS.values():
        if stem in kind.names:
            return Classified("kind", kind)
    if stem in IGNORED:
        return Classified("ignored")
    return Classified("unknown")


def kind_for_header(header: list[str]) -> FileKind | None:
    """The kind whose header variant this exactly is (for renamed files)."""
    present = set(header)
    for kind in KINDS.values():
        for _, columns in kind.variants:
            if set(columns) == present:
                return kind
    return None


def detect_version(
    kind: FileKind, header: list[str], origin: str, line: int, raw_header: list[str] | None = None
) -> str:
    """The version of a file's header, or an error naming the missing column."""
    version = kind.version_of(header)
    if version is None:
        missing = [kind.label(c) for c in sorted(kind.required - set(header))] or [
            kind.label(sorted(set(cols) - set(header))[0]) for _, cols in kind.variants[-1:]
        ]
        found = [h for h in (raw_header or header) if h]
        raise InputError(
            f"header lacks the column(s) {', '.join(missing)} of a {kind.kind} file "
            f"(found: {', '.join(found) or 'nothing'})",
            file=origin,
            line=line,
            field=missing[0] if missing else None,
        )
    return version
