"""Member profiles as a signed-in viewer sees them.

A profile shows what its member says of themself: the person's name, headline,
location, industry and about text, and the positions their own data asserts
(their export's Positions and Education, or what they typed). What other
members' data says about them (a company read from someone's connections list)
stays with those members and their sharing level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from weakties.errors import NotFoundError
from weakties.model.identity import name_key
from weakties.model.tables import (
    Account,
    Member,
    MemberPhoto,
    Organization,
    Person,
    Position,
    utcnow,
)
from weakties.service.career import Employer, group_by_employer
from weakties.service.connections import (
    MemberCard,
    connection_state,
    member_of,
    pending_between,
)
from weakties.service.contact import ContactDetail, contact_details
from weakties.service.context import Viewer, person_of, reader
from weakties.service.follows import followers, is_following
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.service.recommendations import Recommendation, recommendations
from weakties.service.skills import SkillView, skills_of
from weakties.service.social import blocked_people, hidden_people, suspended_for
from weakties.store.reader import Reader

__all__ = [
    "PHOTO_SIZE",
    "MutualContact",
    "PathStep",
    "ProfileEdit",
    "ProfilePosition",
    "ProfileView",
    "member_photo",
    "member_profile",
    "remove_photo",
    "save_photo",
    "update_profile",
]

PHOTO_SIZE = 400  # pixels, square
PHOTO_MAX_PIXELS = 40_000_000  # larger images are refused before decoding
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
LIMITS = {"name": 200, "headline": 500, "location": 300, "industry": 200, "about": 5000}


@dataclass(frozen=True)
class ProfilePosition:
    kind: str  # job / study
    organization: str | None
    organization_id: int | None
    title: str | None
    location: str | None
    start: dt.date | None
    end: dt.date | None
    current: bool
    id: int | None = None
    source: str | None = None  # profile (imported) / platform (typed here)


@dataclass(frozen=True)
class PathStep:
    """A person on a path between the viewer and a profile's member."""

    person_id: int
    name: str | None
    handle: str | None


@dataclass(frozen=True)
class MutualContact:
    """A person both the viewer and the profile's member are connected with."""

    person_id: int
    name: str
    handle: str | None  # when they are a member too


@dataclass(frozen=True)
class ProfileView:
    handle: str
    person_id: int
    name: str
    headline: str | None
    location: str | None
    industry: str | None
    about: str | None
    member_id: int
    is_self: bool
    degree: int | None  # 1 for a connection, None when not connected (or self)
    # self / connected / invited (by the viewer) / invited_you / none
    connection: str
    invitation_id: int | None  # the pending invitation between the two, if any
    has_photo: bool = False
    is_operator: bool = False  # the member runs the platform
    mutual: list[MutualContact] = field(default_factory=list)
    experience: list[ProfilePosition] = field(default_factory=list)
    education: list[ProfilePosition] = field(default_factory=list)
    employers: list[Employer] = field(default_factory=list)  # experience per employer
    skills: list[SkillView] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    contact: list[ContactDetail] = field(default_factory=list)
    # "how you're connected": every shortest path (at most 3 hops) the viewer may see
    paths: list[list[PathStep]] = field(default_factory=list)
    following: bool = False  # the viewer follows this member
    followers: int = 0  # as the viewer may count them


@dataclass(frozen=True)
class ProfileEdit:
    """What a member may change of their own profile (all texts, trimmed)."""

    name: str
    headline: str = ""
    location: str = ""
    industry: str = ""
    about: str = ""


def member_profile(conn: Connection, viewer: Viewer, handle: str) -> ProfileView:
    """The profile of the member ``handle`` for ``viewer``.

    Raises
    ------
    NotFoundError
        No member has this handle, or a block stands between them and the viewer
        (either way: the same answer, so that a block is not revealed), or the
        member is suspended (only the operator and the member themself read a
        suspended member's profile).
    """
    if has_control_characters(handle):
        raise NotFoundError(f"no member {handle!r}")
    hidden = blocked_people(conn, viewer)
    row = _by_handle(
        conn,
        select(
            Member.id,
            Member.handle,
            Person.id.label("pid"),
            Person.display_name,
            Person.headline,
            Person.location,
            Person.industry,
            Person.summary,
            Account.role,
        )
        .join(Person, Person.id == Member.person_id)
        .outerjoin(Account, Account.member_id == Member.id),
        handle,
    )
    if row is None or row.pid in hidden:
        raise NotFoundError(f"no member {handle!r}")
    if (
        row.pid != viewer.person_id
        and row.id in suspended_for(conn, viewer)
        and not _reads_everyone(conn, viewer)
    ):
        raise NotFoundError(f"no member {handle!r}")
    positions = conn.execute(
        select(
            Position.kind,
            Organization.name,
            Position.organization_id,
            Position.title,
            Position.location,
            Position.start_date,
            Position.end_date,
            Position.is_current,
            Position.id,
            Position.source,
        )
        .outerjoin(Organization, Organization.id == Position.organization_id)
        .where(
            Position.person_id == row.pid,
            Position.kind.in_(("job", "study")),
            or_(Position.asserted_by == row.id, Position.source == "platform"),
        )
        .order_by(Position.is_current.desc(), Position.start_date.desc(), Position.id)
    ).all()
    items = [
        ProfilePosition(
            p.kind,
            p.name,
            p.organization_id,
            p.title,
            p.location,
            p.start_date,
            p.end_date,
            p.is_current,
            id=p.id,
            source=p.source,
        )
        for p in positions
    ]
    is_self = row.pid == viewer.person_id
    card = MemberCard(row.id, row.pid, row.handle, row.display_name, row.headline)
    state = connection_state(conn, viewer, card)
    if is_self:
        mutual, paths = [], []
    else:
        # the member's ties the viewer may see, read once for both
        theirs = reader(conn, viewer).neighbours(row.pid)
        # nobody behind a block or suspended is named among the people shared
        # or on a path (a suspended member's profile is the operator's to read)
        unseen = hidden_people(conn, viewer)  # the blocked ones among them
        mutual = _mutual(conn, viewer, row.pid, unseen, theirs)
        paths = _paths(conn, viewer, row.pid, unseen, theirs)
    if state == "connected":
        degree: int | None = 1
    elif paths:
        degree = len(paths[0]) - 1
    else:
        degree = 2 if mutual else None
    experience = [p for p in items if p.kind == "job"]
    return ProfileView(
        handle=row.handle,
        person_id=row.pid,
        name=row.display_name,
        headline=row.headline,
        location=row.location,
        industry=row.industry,
        about=row.summary,
        member_id=row.id,
        is_self=is_self,
        is_operator=row.role == "operator",
        has_photo=conn.execute(
            select(MemberPhoto.member_id).where(MemberPhoto.member_id == row.id)
        ).first()
        is not None,
        degree=degree,
        mutual=mutual,
        connection=state,
        invitation_id=pending_between(conn, member_of(viewer), row.id),
        experience=experience,
        education=[p for p in items if p.kind == "study"],
        employers=group_by_employer(experience),
        skills=skills_of(conn, viewer, row.pid),
        recommendations=recommendations(conn, viewer, row.pid),
        contact=contact_details(conn, viewer, row.id, row.pid, connected=state == "connected"),
        paths=paths,
        following=not is_self and is_following(conn, viewer, person_id=row.pid),
        followers=followers(conn, viewer, person_id=row.pid).count,
    )


def _by_handle(conn: Connection, query: Any, handle: str) -> Any:
    """The first row of ``query`` (over ``member``) for the member ``handle``: as
    written, through the handle's unique index, else in any case (a hand-typed
    URL), which reads every member (at 10,000 members, 4 ms on PostgreSQL)."""
    found = conn.execute(query.where(Member.handle == handle)).first()
    if found is None:
        found = conn.execute(query.where(func.lower(Member.handle) == handle.lower())).first()
    return found


PATHS_SHOWN = 5


def _paths(
    conn: Connection,
    viewer: Viewer,
    pid: int,
    hidden: set[int] | None = None,
    theirs: dict[int, bool] | None = None,
) -> list[list[PathStep]]:
    """The shortest paths (at most three hops) from the viewer to ``pid`` over the
    ties the viewer may see (any source), each person named; a few of them. None
    goes through the ``hidden`` people (members with a block between them and the
    viewer). ``theirs``: ``pid``'s neighbours, when the caller has them.

    Bounded by the two people's own ties (a meet in the middle), not the whole
    network: one query for each side's neighbours, one for the ties between them."""
    me = person_of(viewer)
    hidden = hidden or set()
    scoped = reader(conn, viewer)
    mine = set(scoped.neighbours(me)) - {me} - hidden
    found: list[list[int]]
    if pid in mine:
        found = [[me, pid]]
    else:
        if theirs is None:
            theirs = scoped.neighbours(pid)
        others = set(theirs) - {pid, me} - hidden
        common = sorted(mine & others)
        if common:
            found = [[me, m, pid] for m in common]
        else:
            found = [[me, a, b, pid] for a, b in _bridges(scoped, mine, others)]
    found = found[:PATHS_SHOWN]
    ids = {p for path in found for p in path}
    names = scoped.names(ids)
    query = select(Member.person_id, Member.handle).where(Member.person_id.in_(ids))
    handles = {int(a): b for a, b in conn.execute(query).all()} if ids else {}
    return [[PathStep(p, names.get(p), handles.get(p)) for p in path] for path in found]


#: the viewer's contacts whose ties to the member's are read at once
BRIDGE_CHUNK = 16


def _bridges(scoped: Reader, mine: set[int], theirs: set[int]) -> list[tuple[int, int]]:
    """The first :data:`PATHS_SHOWN` (one of mine, one of theirs) pairs, in order,
    tied now by a tie the viewer may see: the viewer's contacts are walked in
    order, a few at a time, until enough are found."""
    out: list[tuple[int, int]] = []
    walk = sorted(mine)
    for start in range(0, len(walk), BRIDGE_CHUNK):
        chunk = set(walk[start : start + BRIDGE_CHUNK])
        found = {
            (a, b) if a in chunk else (b, a)
            for a, b in scoped.ties_between(chunk, theirs, "names", social=False)
        }
        out += sorted(found)
        if len(out) >= PATHS_SHOWN:
            break
    return out


def _mutual(
    conn: Connection,
    viewer: Viewer,
    pid: int,
    hidden: set[int] | None = None,
    theirs: dict[int, bool] | None = None,
) -> list[MutualContact]:
    """The viewer's contacts connected with ``pid`` by a social tie the viewer may
    see (but the ``hidden`` people). ``theirs``: ``pid``'s neighbours, when the
    caller has them."""
    scoped = reader(conn, viewer)
    mine = scoped.first_degree() - (hidden or set())
    if not mine:
        return []
    if theirs is None:
        theirs = scoped.neighbours(pid)
    common = sorted(mine & {p for p, social in theirs.items() if social})
    if not common:
        return []
    rows = conn.execute(
        select(Person.id, Person.display_name, Member.handle)
        .outerjoin(Member, Member.person_id == Person.id)
        .where(Person.id.in_(common))
        .order_by(Person.display_name, Person.id)
    )
    return [MutualContact(*r) for r in rows]


def update_profile(conn: Connection, viewer: Viewer, edit: ProfileEdit) -> None:
    """Change the viewer's own name, headline, location, industry and about text.

    Raises
    ------
    FormError
        A text is too long or holds control characters, or the name is empty.
    """
    fields: dict[str, str] = {}
    values: dict[str, str | None] = {}
    for name, limit in LIMITS.items():
        value = getattr(edit, name).strip()
        if name != "about":
            value = " ".join(value.split())
        if has_control_characters(value, multiline=name == "about"):
            fields[name] = N_("Remove the control characters.")
        elif len(value) > limit:
            fields[name] = N_("This text is too long.")
        values[name] = value or None
    if not values["name"]:
        fields["name"] = N_("Give your name.")
    if fields:
        raise FormError(fields)
    name = values.pop("name") or ""
    first, _, last = name.partition(" ")
    conn.execute(
        update(Person)
        .where(Person.id == person_of(viewer))
        .values(
            display_name=name,
            first_name=first,
            last_name=last or None,
            name_key=name_key(first, last or None),
            headline=values["headline"],
            location=values["location"],
            industry=values["industry"],
            summary=values["about"],
            updated_at=utcnow(),
        )
    )


def _reads_everyone(conn: Connection, viewer: Viewer) -> bool:
    """The operator: the whole database, or the member whose account has that role."""
    if viewer.is_operator:
        return True
    if viewer.member_id is None:
        return False
    role = conn.execute(select(Account.role).where(Account.member_id == viewer.member_id))
    return role.scalar() == "operator"


def _reencode(data: bytes) -> bytes:
    """The image as a square JPEG of PHOTO_SIZE pixels; its metadata is not copied."""
    import io
    import warnings

    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS
    # Over the limit, Pillow warns on opening (and raises only above twice the limit):
    # the size is checked below and such an image is refused before it is decoded.
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in PHOTO_FORMATS:
                raise FormError.one("photo", N_("Send a JPEG, PNG, WebP or GIF image."))
            # Only the header is read so far: the size is known before any pixel is
            # decoded (Pillow itself refuses only above twice MAX_IMAGE_PIXELS).
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise FormError.one("photo", N_("The image is too large."))
            image.seek(0)
            image.load()
            square = ImageOps.fit(
                ImageOps.exif_transpose(image).convert("RGB"), (PHOTO_SIZE, PHOTO_SIZE)
            )
    except Image.DecompressionBombError:
        raise FormError.one("photo", N_("The image is too large.")) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise FormError.one("photo", N_("Send a JPEG, PNG, WebP or GIF image.")) from None
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def save_photo(conn: Connection, viewer: Viewer, data: bytes, *, max_bytes: int) -> None:
    """Check, re-encode and keep the viewer's profile photo (replacing the old one).

    Raises
    ------
    FormError
        Too large, empty, or not an image (the content decides, not the name).
    """
    if not data:
        raise FormError.one("photo", N_("Choose an image."))
    if len(data) > max_bytes:
        raise FormError.one("photo", N_("The image is too large."))
    content = _reencode(data)
    conn.execute(delete(MemberPhoto).where(MemberPhoto.member_id == member_of(viewer)))
    conn.execute(
        insert(MemberPhoto).values(
            member_id=member_of(viewer), content=content, size=PHOTO_SIZE, updated_at=utcnow()
        )
    )


def remove_photo(conn: Connection, viewer: Viewer) -> None:
    conn.execute(delete(MemberPhoto).where(MemberPhoto.member_id == member_of(viewer)))


def member_photo(conn: Connection, viewer: Viewer, handle: str) -> bytes:
    """The JPEG photo of the member ``handle`` (members see each other's photos, but
    for a suspended member's, which only the operator and the member see).

    Raises
    ------
    NotFoundError
        No such member, or no photo.
    """
    if has_control_characters(handle):
        raise NotFoundError(f"no photo of {handle!r}")
    row = _by_handle(
        conn,
        select(MemberPhoto.content, Member.id, Member.person_id).join(
            Member, Member.id == MemberPhoto.member_id
        ),
        handle,
    )
    content = None if row is None or row.person_id in blocked_people(conn, viewer) else row.content
    if (
        content is not None
        and row.person_id != viewer.person_id
        and row.id in suspended_for(conn, viewer)
        and not _reads_everyone(conn, viewer)
    ):
        content = None  # as their profile: the operator's (and their own) to see
    if content is None:
        raise NotFoundError(f"no photo of {handle!r}")
    return bytes(content)
