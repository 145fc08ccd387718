"""The vocabularies of the data model: allowed values of the string enumerations.

They are checked in Python (the tables store short strings) and shared by every
layer; :mod:`weakties.model.tables` re-exports them next to the tables that use
them, and the engines read them from here without touching the tables.
"""

from __future__ import annotations

__all__ = [
    "ASK_PURPOSES",
    "ASK_STATUSES",
    "CAREER_KINDS",
    "CONVERSATION_KINDS",
    "DATE_PRECISIONS",
    "EVENT_KINDS",
    "IDENTITY_KINDS",
    "INFERRED_SOURCES",
    "INTERACTION_KINDS",
    "KIND_CODE",
    "NOTE_KINDS",
    "ORG_KINDS",
    "PEOPLE_ORIGINS",
    "POSITION_KINDS",
    "SHARING_LEVELS",
    "SOCIAL_TIE_SOURCES",
    "TIE_SOURCES",
]

SHARING_LEVELS = ("nothing", "counts", "names")
IDENTITY_KINDS = ("linkedin", "linkedin_urn", "email", "phone", "external")
ORG_KINDS = ("organization", "group")
POSITION_KINDS = ("job", "study", "group")  # "group": membership of a group (org kind group)
DATE_PRECISIONS = ("day", "month", "year")
TIE_SOURCES = (
    "connection",  # declared LinkedIn connection
    "address_book",  # the member holds their contact details
    "inferred_colleague",
    "inferred_classmate",
    "inferred_corecipient",
    "manual",
    "platform",
)
# Ties that make someone a first-degree contact (inferred ties do not, on purpose).
SOCIAL_TIE_SOURCES = ("connection", "address_book", "manual", "platform")
#: how the people of a member's data are known, in the order LinkedIn counts them
PEOPLE_ORIGINS = ("connections", "address_book", "only_messaged", "invitations", "others")
INFERRED_SOURCES = ("inferred_colleague", "inferred_classmate", "inferred_corecipient")
INTERACTION_KINDS = (
    "message",
    "email",
    "meeting",
    "call",
    "invitation",
    "endorsement",
    "recommendation",
    "introduction",
    "comment",
    "reaction",
    "share",
)
NOTE_KINDS = ("meeting", "call", "collaboration", "note")
EVENT_KINDS = (
    "new_connection",
    "connection_gone",
    "career_move",  # new employer
    "title_change",  # same employer, new title
    "left_company",  # employer gone, no new one
    "started_job",  # employer appears where there was none
    "contact_details_changed",
)
#: the events that are news about someone's career (the feed's material)
CAREER_KINDS = ("career_move", "title_change", "left_company", "started_job")
ASK_STATUSES = ("open", "introduced", "declined", "no_answer", "withdrawn")
ASK_PURPOSES = ("job", "client", "info")

#: each interaction kind as a small integer (traces travel as numeric arrays)
KIND_CODE = {kind: i for i, kind in enumerate(INTERACTION_KINDS)}
#: traces that are contact between two people, as opposed to clicks
#: (endorsements, reactions) and connection requests
CONVERSATION_KINDS = ("message", "email", "meeting", "call")
