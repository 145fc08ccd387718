"""A deterministic synthetic professional world with ground truth.

It writes members' data exports in the real LinkedIn format, for the demo, the
tests (world -> exports -> importer -> compare with the world) and the benchmarks.

>>> from weakties.synth import generate, pick_members
>>> world = generate(n_people=300, seed=3)
>>> members = pick_members(world, k=3, seed=1, min_degree=10)
>>> world.tie(members[0], members[1]) is not None
True
"""

from weakties.synth.bigego import generate_big_ego
from weakties.synth.export import (
    ExportTruth,
    conversation_id,
    export_files,
    export_truth,
    write_linkedin_export,
)
from weakties.synth.generate import generate, pick_members
from weakties.synth.world import (
    Conversations,
    Endorsements,
    Messages,
    SynthFollow,
    SynthGroup,
    SynthMembership,
    SynthOrg,
    SynthPerson,
    SynthPosition,
    SynthRecommendation,
    SynthTie,
    World,
)

__all__ = [
    "Conversations",
    "Endorsements",
    "ExportTruth",
    "Messages",
    "SynthFollow",
    "SynthGroup",
    "SynthMembership",
    "SynthOrg",
    "SynthPerson",
    "SynthPosition",
    "SynthRecommendation",
    "SynthTie",
    "World",
    "conversation_id",
    "export_files",
    "export_truth",
    "generate",
    "generate_big_ego",
    "pick_members",
    "write_linkedin_export",
]
