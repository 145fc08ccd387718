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

The names below are imported from their modules when first asked for, not when
the package is: a server imports the package from several threads at once (a
request, its background tasks, the kernels' warm-up), and a package that
imported every module on import could be seen half-initialised by a second
thread ("cannot import name ... from partially initialized module").
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "Limits": "etiquette",
    "check_ask": "etiquette",
    "list_asks": "etiquette",
    "opportunity_feed": "feed",
    "draft_for": "intro",
    "introductions": "intro",
    "target_paths": "intro",
    "IntroNetwork": "network",
    "build_network": "network",
    "network_from_graph": "network",
    "PURPOSES": "paths",
    "IntroPaths": "paths",
    "find_paths": "paths",
    "org_reach": "reach",
    "warm_reach": "reach",
    "METHODS": "suggest",
    "suggest_all": "suggest",
    "suggest_for": "suggest",
    "TargetSpec": "targets",
    "resolve_targets": "targets",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
