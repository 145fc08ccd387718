"""In a real browser: posts, comments and reactions, live messages, message requests,
a contact's career move, a job found with the network that works there, a report
hidden by the operator.

The server's background loop runs beside it (notifications of invitations and
career moves), as in production. Screenshots of each step go to tests/artifacts/. Any console error
or failed asset fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_browser_accounts import _join, _page
from tests.servers import serve_in_thread
from tests.support import connections, url, write_files
from tests.web.conftest import make_settings
from weakties.ingest.linkedin.importer import import_linkedin
from weakties.model.tables import Member, Organization, Position
from weakties.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live(store, store_url) -> Iterator[str]:
    from weakties.service.tasks import Worker

    server = serve_in_thread(create_app(make_settings(store_url), store=store))
    worker = Worker(store, 0.3)  # the loop the server's lifespan starts
    worker.start()
    yield server.url
    worker.stop()
    server.stop()


def _works_at(store: Any, handle: str, org: str) -> None:
    """The member's own data says they work at ``org`` now (as their profile would)."""
    with store.engine.begin() as conn:
        member, person = conn.execute(
            select(Member.id, Member.person_id).where(Member.handle == handle)
        ).one()
        org_id = conn.execute(select(Organization.id).where(Organization.name == org)).scalar()
        if org_id is None:
            org_id = conn.execute(
                Organization.__table__.insert()
                .values(name=org, norm_name=org.lower(), kind="organization")
                .returning(Organization.id)
            ).scalar_one()
        conn.execute(
            Position.__table__.insert().values(
                person_id=person,
                organization_id=org_id,
                kind="job",
                title="Engineering manager",
                is_current=True,
                asserted_by=member,
                source="manual",
                natural_key=f"browser-{handle}-{org}",
            )
        )


def _import_contacts(store: Any, tmp_path: Any, handle: str, rows: list[list[str]], day: str):
    folder = write_files(
        tmp_path / f"Complete_LinkedInDataExport_{day}", {"Connections.csv": connections(rows)}
    )
    return import_linkedin(store, folder, handle)


def test_a_day_on_the_platform(chromium, live, store, tmp_path, artifacts):
    errors: list[str] = []
    opal, ana, bo, dee = (_page(chromium, "en-GB", errors) for _ in range(4))
    _join(opal, live, "Opal Operator", "opal@example.org")  # the first member runs the place
    _join(ana, live, "Ana Lima", "ana@example.org")
    _join(bo, live, "Bo Chen", "bo@example.org")
    _join(dee, live, "Dee Stranger", "dee@example.org")

    # Ana and Bo connect
    ana.goto(live + "/in/bo-chen")
    ana.get_by_label("A note with your invitation (optional)").fill("Hello Bo, from the meetup")
    ana.get_by_role("button", name="Connect").click()
    bo.goto(live + "/network")
    bo.get_by_role("button", name="Accept").click()

    # Ana posts to her connections; Bo sees why, reacts and comments; Ana is notified
    ana.goto(live + "/feed")
    ana.get_by_label("Your post").fill(
        "We are hiring **data engineers** in Lyon: https://example.org/jobs"
    )
    ana.get_by_label("Who may read it").select_option("connections")
    ana.get_by_role("button", name="Publish").click()
    ana.wait_for_url(live + "/posts/*")
    post_url = ana.url
    assert ana.locator(".post-body strong").inner_text() == "data engineers"
    bo.goto(live + "/feed")
    post = bo.locator("article.post").first
    assert "Why you see this: Ana Lima is your connection" in " ".join(
        post.locator(".why").inner_text().split()
    )
    bo.screenshot(path=artifacts / "social-feed-why.png", full_page=True)
    post.get_by_role("button", name="Celebrate").click()
    bo.goto(post_url)
    bo.get_by_label("Your comment").fill("Great news, @ana-lima!")
    bo.get_by_role("button", name="Comment", exact=True).click()
    expect(bo.locator("#comments .post-body a[href='/in/ana-lima']")).to_be_visible()
    bo.screenshot(path=artifacts / "social-post-comment.png", full_page=True)
    ana.goto(live + "/notifications")
    notices = ana.locator("ul.notifications").inner_text()
    assert "Bo Chen commented on your post" in notices
    assert "Bo Chen reacted to your post" in notices
    assert "Bo Chen mentioned you" in notices
    ana.screenshot(path=artifacts / "social-notifications.png", full_page=True)

    # a conversation: Bo's answer appears on Ana's open page without reloading
    ana.goto(live + "/messages")
    ana.get_by_label("To (handles, separated by commas)").fill("bo-chen")
    ana.get_by_role("textbox", name="Message", exact=True).fill("Lunch on Friday?")
    ana.get_by_role("button", name="Send").click()
    ana.wait_for_url(live + "/messages/*")
    conversation = ana.url.split("#")[0]
    bo.goto(live + "/messages")
    expect(bo.locator("li.unread").get_by_text("1 unread")).to_be_visible()
    bo.get_by_role("link", name="Ana Lima").click()
    expect(bo.get_by_text("Lunch on Friday?")).to_be_visible()
    loads = []
    ana.on("load", lambda _page: loads.append(1))
    bo.get_by_label("Your message").fill("Yes, at noon")
    bo.get_by_role("button", name="Send").click()
    ana.locator("#messages").get_by_text("Yes, at noon").wait_for(timeout=10_000)
    assert loads == [] and ana.url.split("#")[0] == conversation
    ana.screenshot(path=artifacts / "social-conversation-live.png", full_page=True)

    # a stranger's message is a request
    dee.goto(live + "/messages")
    dee.get_by_label("To (handles, separated by commas)").fill("ana-lima")
    dee.get_by_role("textbox", name="Message", exact=True).fill(
        "Hello Ana, may I ask you about Lyon?"
    )
    dee.get_by_role("button", name="Send").click()
    expect(dee.get_by_text("Your message waits until they accept your request.")).to_be_visible()
    ana.goto(live + "/messages")
    assert "Dee Stranger" not in ana.locator("section[aria-label='Conversations']").inner_text()
    ana.get_by_role("link", name="1 message request").click()
    ana.get_by_role("link", name="Dee Stranger").click()
    expect(ana.get_by_role("heading", name="A message request")).to_be_visible()
    ana.screenshot(path=artifacts / "social-message-request.png", full_page=True)
    ana.get_by_role("button", name="Accept").click()
    expect(ana.get_by_label("Your message")).to_be_visible()

    # a contact's career move, found in Ana's newer LinkedIn export
    before = [["Carla", "Ruiz", url("carla"), "", "Initech", "Analyst", "01 Jan 2020"]]
    after = [["Carla", "Ruiz", url("carla"), "", "Globex", "Head of data", "01 Jan 2020"]]
    _import_contacts(store, tmp_path, "ana-lima", before, "01-01-2026")
    _import_contacts(store, tmp_path, "ana-lima", after, "06-01-2026")
    ana.goto(live + "/notifications")
    for _ in range(30):  # the server's background loop writes the notification
        if "Carla Ruiz has a new position" in ana.locator("main").inner_text():
            break
        ana.wait_for_timeout(300)
        ana.reload()
    assert (
        "Carla Ruiz has a new position: Head of data · Globex" in ana.locator("main").inner_text()
    )
    ana.goto(live + "/feed")
    move = ana.locator("article.career").first
    assert "Why you see this: Carla Ruiz is one of your contacts" in " ".join(
        move.inner_text().split()
    )
    ana.screenshot(path=artifacts / "social-feed-career-move.png", full_page=True)

    # a job at Globex, found by search with the people of Ana's network who work there
    _works_at(store, "bo-chen", "Globex")
    bo.goto(live + "/jobs/new")
    bo.get_by_label("Title").fill("Data engineer")
    bo.get_by_label("Location").fill("Lyon")
    bo.get_by_label("Workplace").select_option("hybrid")
    bo.get_by_label("Description (Markdown)").fill("Pipelines, **Spark** and good coffee.")
    bo.get_by_role("button", name="Publish the job").click()
    bo.wait_for_url(live + "/jobs/*")
    ana.goto(live + "/jobs")
    ana.get_by_label("Title or organisation").fill("data")
    ana.get_by_label("Workplace").select_option("hybrid")
    # the page's own Search button (the header's search box has one too)
    ana.locator("#main").get_by_role("button", name="Search").click()
    found = ana.locator("li.job").first
    assert "Data engineer" in found.inner_text()
    # Bo (her connection) and Carla (her imported contact, now at Globex)
    assert "2 people in your network work there: 2 connections" in found.inner_text()
    ana.screenshot(path=artifacts / "social-jobs-search.png", full_page=True)

    # Dee posts an insult; Ana reports it; the operator hides it
    dee.goto(live + "/feed")
    dee.get_by_label("Your post").fill("Everyone here is an idiot")
    dee.get_by_role("button", name="Publish").click()
    dee.wait_for_url(live + "/posts/*")
    rude = dee.url
    ana.goto(rude)
    ana.get_by_label("Report this post: what is wrong?").fill("Insulting the members")
    ana.get_by_role("button", name="Report").last.click()
    expect(
        ana.get_by_role("heading", name="Thank you: the operator will look at it")
    ).to_be_visible()
    opal.goto(live + "/moderation")
    report = opal.locator("article.report").first
    assert "Everyone here is an idiot" in report.inner_text()
    report.get_by_label("Decision").select_option("hide")
    report.get_by_label("Reason the member will read").fill("Insults are not welcome here")
    opal.screenshot(path=artifacts / "social-moderation.png", full_page=True)
    report.get_by_role("button", name="Decide").click()
    expect(opal.get_by_text("No open report.")).to_be_visible()
    ana.goto(rude)
    expect(ana.get_by_role("heading", name="Not found")).to_be_visible()
    dee.goto(rude)
    expect(dee.get_by_text("Hidden by the operator: Insults are not welcome here")).to_be_visible()
    dee.screenshot(path=artifacts / "social-hidden-for-author.png", full_page=True)
    assert errors == [], errors
