"""Render the profile side of an export: invitations, endorsements,
recommendations, positions, education, skills, profile, contact details, company
follows, and the file importers must ignore."""

from __future__ import annotations

from datetime import date

from weakties.synth.exportplan import ExportPlan, mix, sentence, text_pools
from weakties.synth.formats import (
    HEADERS,
    IGNORED_HEADER,
    csv_bytes,
    java_date,
    month_year,
    padded_us,
    short_us,
    slash_utc,
)
from weakties.synth.vocabulary import INVITATION_NOTES
from weakties.synth.world import DAY, World, day_number, day_start, to_datetime


def invitations_csv(world: World, plan: ExportPlan, keep_content: bool) -> bytes:
    people = world.people
    rows = []
    for inviter, invitee, sent, _pending in plan.invitations:
        note = ""
        if keep_content and mix(inviter * 31 + invitee) % 8 == 0:
            note = INVITATION_NOTES[int(mix(invitee)) % len(INVITATION_NOTES)].format(
                first=people[invitee].first_name
            )
        row = [
            people[inviter].full_name,
            people[invitee].full_name,
            short_us(to_datetime(sent)),
            note,
            "OUTGOING" if inviter == plan.person else "INCOMING",
        ]
        if plan.variant == "2024":
            row += [people[inviter].url, people[invitee].url]
        rows.append(row)
    return csv_bytes(HEADERS[plan.variant]["Invitations.csv"], rows)


def endorsements_csv(world: World, plan: ExportPlan, given: bool) -> bytes:
    e = world.endorsements
    idx = plan.endorse_given if given else plan.endorse_received
    other = (e.endorsee if given else e.endorser)[idx].tolist()
    rows = []
    for k, o in zip(idx.tolist(), other, strict=True):
        p = world.people[o]
        row = [
            slash_utc(to_datetime(int(e.ts[k]))),
            world.skill_names[int(e.skill[k])],
            p.first_name,
            p.last_name,
        ]
        if plan.variant == "2024":
            row.append(f"www.linkedin.com/in/{p.slug}")
        row.append("PENDING" if e.pending[k] else "ACCEPTED")
        rows.append(row)
    name = "Endorsement_Given_Info.csv" if given else "Endorsement_Received_Info.csv"
    return csv_bytes(HEADERS[plan.variant][name], rows)


def recommendations_csv(world: World, plan: ExportPlan, given: bool, keep_content: bool) -> bytes:
    rows = []
    for k in plan.recs_given if given else plan.recs_received:
        r = world.recommendations[k]
        o = r.recommendee if given else r.recommender
        p = world.people[o]
        job = world.current_position(o, to_datetime(r.ts).date())
        rows.append(
            [
                p.first_name,
                p.last_name,
                world.orgs[job.org].name if job else "",
                job.title if job else "",
                r.text if keep_content else "",
                padded_us(to_datetime(r.ts)),
                "" if given else "VISIBLE",
            ]
        )
    name = "Recommendations_Given.csv" if given else "Recommendations_Received.csv"
    return csv_bytes(HEADERS[plan.variant][name], rows)


def profile_files(world: World, plan: ExportPlan, keep_content: bool) -> dict[str, bytes]:
    ego = world.people[plan.person]
    hdr = HEADERS[plan.variant]
    texts = text_pools(world) if keep_content else {}
    jobs = []
    for p in plan.jobs:
        org = world.orgs[p.org]
        ended = p.end is not None and p.end <= plan.as_of
        desc = (
            sentence(texts, ego.locale, day_number(p.start) + p.org)
            if keep_content and mix(p.org + day_number(p.start)) % 3 == 0
            else ""
        )
        jobs.append(
            [
                org.name,
                p.title,
                desc,
                org.location,
                month_year(p.start),
                month_year(p.end) if ended and p.end else "",
            ]
        )
    edu = [
        [
            world.orgs[p.org].name,
            str(p.start.year),
            str(p.end.year) if p.end else "",
            "",
            p.degree,
            "",
        ]
        for p in plan.studies
    ]
    job = world.current_position(plan.person, plan.as_of)
    fr = ego.locale == "fr_FR"
    headline = (
        f"{job.title} {'chez' if fr else 'at'} {world.orgs[job.org].name}" if job else ego.headline
    )
    birth = date(2000, 1, 1).toordinal() + int(mix(plan.person)) % 366
    b = date.fromordinal(birth)
    summary = sentence(texts, ego.locale, plan.person) if keep_content else ""
    profile = [
        [
            ego.first_name,
            ego.last_name,
            "",
            "",
            f"{month_year(b)[:3]} {b.day}",
            headline,
            summary,
            ego.industry,
            "",
            ego.location,
            "",
            "",
            "",
        ]
    ]
    joined = to_datetime(day_start(ego.joined) + int(mix(plan.person)) % DAY)
    follows = [f for f in world.follows.get(plan.person, ()) if f.since < plan.cutoff]
    follows.sort(key=lambda f: (-f.since, f.org))
    return {
        "Positions.csv": csv_bytes(hdr["Positions.csv"], jobs),
        "Education.csv": csv_bytes(hdr["Education.csv"], edu),
        "Skills.csv": csv_bytes(hdr["Skills.csv"], [[s] for s in world.skills[plan.person]]),
        "Profile.csv": csv_bytes(hdr["Profile.csv"], profile),
        "Email Addresses.csv": csv_bytes(
            hdr["Email Addresses.csv"], [[ego.email, "Yes", "Yes", short_us(joined)]]
        ),
        "PhoneNumbers.csv": csv_bytes(hdr["PhoneNumbers.csv"], [["", ego.phone, "Mobile"]]),
        "Company Follows.csv": csv_bytes(
            hdr["Company Follows.csv"],
            [[world.orgs[f.org].name, java_date(to_datetime(f.since))] for f in follows],
        ),
    }


def ignored_file() -> bytes:
    rows = [
        [
            "Building Trust",
            "Learn how to build trust with your team.\r\nTwo short videos.",
            "Course",
            "2018-09-16 14:44 UTC",
            "N/A",
            "false",
            "",
            "",
        ],
        [
            "Excel Essential Training",
            "Formulas, tables and charts.",
            "Course",
            "N/A",
            "N/A",
            "true",
            "",
            "",
        ],
    ]
    return csv_bytes(IGNORED_HEADER, rows)
