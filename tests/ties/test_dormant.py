"""The light dormancy query agrees with the full tie strength classes."""

import datetime as dt

from tests.support import viewer_of
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.service.context import reader
from weakties.synth import generate_big_ego, write_linkedin_export
from weakties.ties.strength import dormant_ties, score_ties


def test_dormant_ties_equal_the_classes(store, tmp_path):
    world = generate_big_ego(n_connections=400, n_messages=6000, seed=4)
    import_linkedin(store, write_linkedin_export(world, 0, tmp_path / "x", as_of=world.end), "me")
    now = dt.datetime.combine(world.end, dt.time()) + dt.timedelta(days=1)
    with store.engine.connect() as conn:
        me = viewer_of(conn, "me")
        contacts = reader(conn, me).first_degree()
        scores = score_ties(reader(conn, me), as_of=now)
        expected = {
            scores.other(i) for i in range(len(scores)) if scores.classes[i] == "dormant"
        } & contacts
        light = dormant_ties(reader(conn, me), me.person_id, contacts, now)
        assert set(light) == expected
        assert len(expected) >= 5  # not vacuous
        for pid in expected:
            i = scores.index_of_person(pid)
            assert light[pid]["contacts"] == scores.table.values["contacts"][i]
            assert (
                abs(light[pid]["days_since_contact"] - scores.table.values["days_since_contact"][i])
                < 1e-3
            )
