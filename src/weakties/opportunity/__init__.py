"""Opportunities: introduction paths, company and sector reach, people you may know,
the opportunity feed, and outreach etiquette that is enforced, not advised.

The pieces, each in its module:

- :mod:`.network` — the viewer's network with tie strengths on its edges;
- :mod:`.paths` — every path of length <= 3 to the targets, scored by purpose;
- :mod:`.targets` — organisations, people, industries, skills, locations, groups;
- :mod:`.explain` and :mod:`.draft` — one line per path, a personal request;
- :mod:`.reach` — "4 of your contacts know 11 people at Acme";
- :mod:`.suggest` — people you may know (common neighbours ... Katz, shared places);
- :mod:`.feed` — career moves, dormant ties at targets, new ways in;
- :mod:`.etiquette` — the ledger of asks and the rules that refuse one too many.
"""

from weakties.opportunity.etiquette import Limits, check_ask, list_asks
from weakties.opportunity.feed import opportunity_feed
from weakties.opportunity.intro import draft_for, introductions, target_paths
from weakties.opportunity.network import IntroNetwork, build_network, network_from_graph
from weakties.opportunity.paths import PURPOSES, IntroPaths, find_paths
from weakties.opportunity.reach import org_reach, warm_reach
from weakties.opportunity.suggest import METHODS, suggest_all, suggest_for
from weakties.opportunity.targets import TargetSpec, resolve_targets

__all__ = [
    "METHODS",
    "PURPOSES",
    "IntroNetwork",
    "IntroPaths",
    "Limits",
    "TargetSpec",
    "build_network",
    "check_ask",
    "draft_for",
    "find_paths",
    "introductions",
    "list_asks",
    "network_from_graph",
    "opportunity_feed",
    "org_reach",
    "resolve_targets",
    "suggest_all",
    "suggest_for",
    "target_paths",
    "warm_reach",
]
