"""The job form names every field it refuses, the selects included."""

from __future__ import annotations

import re

from tests.web.conftest import post_form, sign_up
from tests.web.test_social import _employ


def test_an_unknown_workplace_or_type_is_named_on_the_form(client, store):
    sign_up(client, "Ana Lima", "ana@example.org")
    _employ(store, "ana-lima", "Globex")  # she may post for her employer
    for field, value in (("workplace", "moon"), ("employment", "pirate")):
        form = {"organization": "Globex", "title": "T", "expires_on": "2099-01-01", field: value}
        page = post_form(client, "/jobs", form)
        assert page.status_code == 422
        shown = re.search(rf'<p class="error" id="e-{field}"[^>]*>([^<]+)</p>', page.text)
        assert shown is not None, field
        assert f'id="f-{field}"' in page.text and 'aria-invalid="true"' in page.text
