"""The write limits and the etiquette engine's refusal of mass messages, at their
boundaries: N allowed, the next refused with its rule and the time it lifts, the
window sliding rather than resetting.

- :func:`weakties.service.social.check_rate`: at most N posts, comments,
  messages, reports or jobs per member in a sliding window (``LIMITS``).
- :func:`weakties.opportunity.etiquette.check_message_burst` and the messages'
  24-hour window: the same text to more than 5 different members is refused.
"""

from __future__ import annotations

import datetime as dt

import pytest

from weakties.errors import RefusedError
from weakties.opportunity.etiquette import MESSAGE_BURST_RECIPIENTS, check_message_burst
from weakties.service import accounts, messages, social

T0 = dt.datetime(2026, 3, 2, 9, 0, 0)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def limited(store, monkeypatch):
    monkeypatch.setitem(social.LIMITS, "post", (3, 3600))
    with store.engine.begin() as conn:
        yield conn


def _try(conn, at: dt.datetime, member: int = 1, action: str = "post") -> dict | None:
    """None when allowed (and counted), else the refusal's details."""
    try:
        social.check_rate(conn, member, action, now=at)
    except RefusedError as exc:
        refused = exc
    else:
        return None
    assert str(refused).startswith("3 per hour is the limit for this")
    assert "the next one is possible at" in str(refused)
    return refused.reasons[0]


def test_n_writes_in_the_window_then_refused_until_the_oldest_leaves_it(limited):
    conn = limited
    assert [_try(conn, T0 + i * SECOND) for i in range(3)] == [None, None, None]
    lifts = T0 + dt.timedelta(hours=1)
    refused = {"rule": "post_rate", "possible_at": lifts.isoformat()}
    assert _try(conn, T0 + 3 * SECOND) == refused
    # a refused attempt is not counted: it does not push the time back
    assert _try(conn, lifts - SECOND) == refused
    # exactly one hour after the first, the first has left the window
    assert _try(conn, lifts) is None
    # the window slides: now the second write (T0 + 1 s) is the oldest that counts
    assert _try(conn, lifts) == {"rule": "post_rate", "possible_at": (lifts + SECOND).isoformat()}
    assert _try(conn, lifts + SECOND) is None
    assert _try(conn, lifts + 2 * SECOND) is None
    assert _try(conn, lifts + 2 * SECOND)["possible_at"] == (lifts + (lifts - T0)).isoformat()


def test_each_member_and_each_kind_of_write_count_apart(limited):
    conn = limited
    for i in range(3):
        assert _try(conn, T0 + i * SECOND, member=1) is None
    assert _try(conn, T0 + 3 * SECOND, member=1) is not None
    assert _try(conn, T0 + 3 * SECOND, member=2) is None
    social.check_rate(conn, 1, "comment", now=T0 + 3 * SECOND)  # 60 an hour: allowed


SPAM = "Buy my wonderful consulting services now, best prices in town"


def test_the_same_text_to_five_members_passes_to_a_sixth_is_refused():
    assert MESSAGE_BURST_RECIPIENTS == 5
    earlier = [(f"Hi member{i}! {SPAM}", i) for i in range(1, 5)]  # 4 members already
    names = [f"member{i}" for i in range(1, 8)]
    assert check_message_burst(f"Hello member5, {SPAM}", [5], earlier, names=names) is None
    earlier.append((f"Hello member5, {SPAM}", 5))
    refusal = check_message_burst(f"Dear member6 {SPAM}", [6], earlier, names=names)
    assert refusal is not None and refusal["message"] == (
        "the same message to 6 members in a day: write to each one personally "
        "(at most 5 receive the same text)"
    )
    # without the times of the earlier messages, no moment it lifts
    assert (refusal["rule"], refusal["possible_on"]) == ("same_message_recipients", None)
    # the same member again is not a new one; another text is not the same message
    assert check_message_burst(SPAM, [5], earlier, names=names) is None
    other = "Thank you for the introduction to your colleague at the conference"
    assert check_message_burst(other, [6], earlier, names=names) is None
    # several recipients at once count each
    assert check_message_burst(SPAM, [1, 2, 3, 4, 5, 6], [], names=names) is not None
    assert check_message_burst(SPAM, [1, 2, 3, 4, 5], [], names=names) is None
    # a short thanks to many is not a mailing
    short = [("thanks!", i) for i in range(1, 10)]
    assert check_message_burst("thanks!", [10], short) is None


def test_the_burst_window_is_a_sliding_day(store, monkeypatch):
    clock = {"now": T0}
    monkeypatch.setattr(messages, "utcnow", lambda: clock["now"])
    handles = ["dee"] + [f"member{i}" for i in range(1, 8)]
    with store.engine.begin() as conn:
        made = {
            handle: accounts.sign_up(
                conn,
                email=f"{handle}@example.org",
                password="a long enough password",
                name=handle.title(),
                handle=handle,
            )
            for handle in handles
        }
        me = made["dee"].viewer(conn)

        def send(i: int, at: dt.datetime) -> str | None:
            clock["now"] = at
            try:
                messages.start_conversation(conn, me, [f"member{i}"], f"Hi member{i}! {SPAM}")
            except RefusedError as exc:
                refused = exc
            else:
                return None
            assert [r["rule"] for r in refused.reasons] == ["same_message_recipients"]
            return str(refused)

        hour = dt.timedelta(hours=1)
        assert [send(i, T0 + i * hour) for i in range(1, 6)] == [None] * 5
        refused = send(6, T0 + 6 * hour)
        assert refused is not None and refused.endswith(
            f"it could go to another member from {T0 + 25 * hour:%Y-%m-%d %H:%M} UTC"
        )
        # the first message (T0 + 1 h) leaves the day at T0 + 25 h, not before
        assert send(6, T0 + 25 * hour - SECOND) is not None
        assert send(6, T0 + 25 * hour + SECOND) is None
        assert send(7, T0 + 25 * hour + 2 * SECOND) is not None  # five in the day again
