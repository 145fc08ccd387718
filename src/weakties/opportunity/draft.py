"""The context of a request and a short, personal draft to the broker (English, French).

A draft is written from what the viewer, the broker and the target actually
share — the years the broker and the target worked together, the school the
viewer and the broker went to, how long since they were last in touch — and
leaves a marked place for the one sentence only the viewer can write (why this
person). It is never sent by weakties, and the same words cannot go to several
people (see :mod:`.etiquette`).

French uses *vous* throughout — the draft and the note to the viewer in it: a
request for an introduction is a professional letter, and weakties cannot know
whom the viewer tutoie (change it to *tu* where you do). The opener says
something true of the tie (recent contact, a shared place, how long since the
last contact, the year of the connection), never a bare "I hope you are well".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weakties.opportunity.explain import Relation, relation

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["RequestContext", "draft_request", "request_context"]


@dataclass
class RequestContext:
    """What the viewer, the broker and the target have in common."""

    viewer: dict[str, Any]
    broker: dict[str, Any]
    target: dict[str, Any]
    via: dict[str, Any] | None  # the second intermediary of a three-step path
    broker_knows: Relation  # how the broker knows the next person on the path
    viewer_knows_broker: Relation
    shared_viewer_broker: list[tuple[str, str]] = field(default_factory=list)
    shared_broker_target: list[tuple[str, str]] = field(default_factory=list)
    shared_viewer_target: list[tuple[str, str]] = field(default_factory=list)
    tie_class: str = "weak"
    days_since_contact: float | None = None
    purpose: str = "job"
    org: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "viewer": self.viewer,
            "broker": self.broker,
            "target": self.target,
            "via": self.via,
            "how_the_broker_knows_them": self.broker_knows.as_dict(),
            "how_you_know_the_broker": self.viewer_knows_broker.as_dict(),
            "shared": {
                "you_and_broker": _shared_text(self.shared_viewer_broker),
                "broker_and_target": _shared_text(self.shared_broker_target),
                "you_and_target": _shared_text(self.shared_viewer_target),
            },
            "tie": self.tie_class,
            "days_since_contact": self.days_since_contact,
            "purpose": self.purpose,
            "org": self.org,
        }


_SHARED_EN = {"job": "worked at {}", "study": "studied at {}", "group": "are in {}"}
_SHARED_FR = {"job": "travaillé chez {}", "study": "étudié à {}", "group": "fait partie de {}"}


def _shared_text(places: list[tuple[str, str]]) -> list[str]:
    return [_SHARED_EN.get(kind, "were at {}").format(name) for kind, name in places]


def request_context(
    reader: Reader,
    viewer_person: int,
    broker: int,
    target: int,
    *,
    via: int | None = None,
    purpose: str = "job",
    org: str | None = None,
    tie_class: str = "weak",
    days_since_contact: float | None = None,
    today: dt.date | None = None,
) -> RequestContext:
    """Everything a personal request can draw on (what the reader's scope may see)."""
    everyone = {viewer_person, broker, target, *([via] if via else [])}
    people = {pid: reader.person_card(pid) for pid in everyone}
    names = {pid: p["name"] for pid, p in people.items() if p["name"]}
    nxt = via if via is not None else target
    return RequestContext(
        viewer=people[viewer_person],
        broker=people[broker],
        target=people[target],
        via=people[via] if via is not None else None,
        broker_knows=relation(reader, broker, nxt, names=names, today=today),
        viewer_knows_broker=relation(reader, viewer_person, broker, names=names, today=today),
        shared_viewer_broker=reader.places_in_common(viewer_person, broker),
        shared_broker_target=reader.places_in_common(broker, nxt),
        shared_viewer_target=reader.places_in_common(viewer_person, target),
        tie_class=tie_class,
        days_since_contact=days_since_contact,
        purpose=purpose,
        org=org or people[target]["org"],
    )


def _years(rel: Relation) -> str:
    if rel.start is None:
        return ""
    end = "now" if rel.end is None else str(rel.end)
    return f" ({rel.start})" if end == str(rel.start) else f" ({rel.start}–{end})"


def _rel_en(rel: Relation, who: str) -> str:
    """How the broker knows ``who``, said to the broker."""
    org = rel.org or ""
    return {
        "colleague": f"you worked with {who} at {org}{_years(rel)}"
        if org
        else f"you worked with {who}",
        "classmate": f"you studied with {who} at {org}{_years(rel)}",
        "group": f"you and {who} are both in {org}",
        "same_org": f"you work with {who} at {org}",
        "connection": f"you are connected with {who}",
        "corecipient": f"you have been in conversations with {who}",
        "address_book": f"you know {who}",
    }.get(rel.kind, f"you know {who}")


def _rel_fr(rel: Relation, who: str) -> str:
    org = rel.org or ""
    years = _years(rel).replace("now", "aujourd'hui")
    forms = {
        "colleague": f"vous avez travaillé avec {who} chez {org}{years}",
        "classmate": f"vous avez étudié avec {who} à {org}{years}",
        "group": f"{who} et vous êtes tous les deux dans {org}",
        "same_org": f"vous travaillez avec {who} chez {org}",
        "connection": f"vous êtes en contact avec {who}",
        "corecipient": f"vous échangez avec {who}",
    }
    return forms.get(rel.kind, f"vous connaissez {who}")


def _opener_en(ctx: RequestContext) -> str:
    days = ctx.days_since_contact
    mine = ctx.viewer_knows_broker
    if days is not None and days < 60:
        return "Good to have been in touch recently."
    if mine.kind in ("colleague", "classmate") and mine.org:
        if mine.end is None:
            return f"I hope all is well at {mine.org}."
        return f"I hope all is well since our {mine.org} days."
    if days is not None and days > 3 * 365:
        return "It has been a long while since we last spoke."
    if days is not None:
        return "It has been a few months since we last spoke."
    if mine.start is not None:
        return f"We have been connected since {mine.start}, though we have not talked much."
    return "We have not been in touch much, so thank you for reading this."


def _opener_fr(ctx: RequestContext) -> str:
    days = ctx.days_since_contact
    mine = ctx.viewer_knows_broker
    if days is not None and days < 60:
        return "Ravi d'avoir échangé récemment."
    if mine.kind in ("colleague", "classmate") and mine.org:
        if mine.end is None:
            return f"J'espère que tout va bien chez {mine.org}."
        return f"J'espère que tout va bien depuis l'époque de {mine.org}."
    if days is not None and days > 3 * 365:
        return "Cela fait longtemps que nous n'avons pas échangé."
    if days is not None:
        return "Cela fait quelques mois que nous n'avons pas échangé."
    if mine.start is not None:
        return f"Nous sommes en contact depuis {mine.start}, sans avoir beaucoup échangé."
    return "Nous n'avons pas beaucoup échangé : merci de prendre le temps de me lire."


def _purpose_en(purpose: str, org: str | None, target_first: str) -> str:
    place = org or f"{target_first}'s organisation"
    return {
        "job": f"I am exploring a move to {place}",
        "client": f"I think my work could be useful to {place}",
        "info": f"I am trying to understand how things work at {place}",
    }[purpose]


def _purpose_fr(purpose: str, org: str | None, target_first: str) -> str:
    place = org or f"l'organisation de {target_first}"
    return {
        "job": f"Je m'intéresse à une évolution vers {place}",
        "client": f"Je pense que mon travail pourrait être utile à {place}",
        "info": f"J'essaie de comprendre comment les choses se passent chez {place}",
    }[purpose]


def draft_request(ctx: RequestContext, *, lang: str = "en", reason: str | None = None) -> str:
    """A short, personal request to the broker.

    ``reason`` is the viewer's own sentence (why this person, what to ask them);
    without it the draft keeps a marked place for it.
    """
    broker = ctx.broker["first_name"] or ctx.broker["name"]
    nxt = ctx.via or ctx.target
    who = nxt["name"]
    who_first = nxt["first_name"] or who
    me = ctx.viewer["first_name"] or ctx.viewer["name"]
    target_first = ctx.target["first_name"] or ctx.target["name"]
    if lang == "fr":
        role = f" ({nxt['title']})" if nxt.get("title") else ""
        hook = ""
        if ctx.shared_viewer_target and ctx.via is None:
            kind, name = ctx.shared_viewer_target[0]
            done = _SHARED_FR.get(kind, "été chez {}").format(name)
            hook = f" {target_first} et moi avons tous deux {done}, ce qui peut aider."
        onward = ""
        if ctx.via is not None:
            onward = f", qui connaît {ctx.target['name']}"
        line = reason or (
            f"[En une phrase : ce que vous aimeriez demander à {who_first}, "
            "et pourquoi à cette personne.]"
        )
        close = (
            "Si ce n'est pas le bon moment, ou si vous préférez ne pas le faire, aucun "
            "souci — dites-le-moi simplement. Et si je peux vous aider à mon tour, n'hésitez pas."
        )
        return (
            f"Bonjour {broker},\n\n"
            f"{_opener_fr(ctx)}\n\n"
            f"{_purpose_fr(ctx.purpose, ctx.org, target_first)}, et j'ai vu que "
            f"{_rel_fr(ctx.broker_knows, who)}. Accepteriez-vous de me présenter à "
            f"{who_first}{role}{onward} ?{hook}\n\n"
            f"{line}\n\n"
            f"{close}\n\n"
            f"{me}\n"
        )
    if lang != "en":
        raise ValueError("drafts are written in English (en) or French (fr)")
    role = f" ({nxt['title']})" if nxt.get("title") else ""
    hook = ""
    if ctx.shared_viewer_target and ctx.via is None:
        kind, name = ctx.shared_viewer_target[0]
        both = _SHARED_EN.get(kind, "were at {}").format(name)
        hook = f" {target_first} and I both {both}, which may help."
    onward = f", who knows {ctx.target['name']}" if ctx.via is not None else ""
    line = reason or f"[In one sentence: what you would like to ask {who_first}, and why them.]"
    return (
        f"Hi {broker},\n\n"
        f"{_opener_en(ctx)}\n\n"
        f"{_purpose_en(ctx.purpose, ctx.org, target_first)}, and I saw that "
        f"{_rel_en(ctx.broker_knows, who)}. Would you be comfortable introducing me to "
        f"{who_first}{role}{onward}?{hook}\n\n"
        f"{line}\n\n"
        "If it is not a good moment, or you would rather not, no problem at all — just say "
        "so. And if I can help you in return, please tell me.\n\n"
        f"{me}\n"
    )
