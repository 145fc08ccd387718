"""The one door to the data: viewer-scoped queries and commands returning typed results.

Every face of weakties — the command line, the web app, exports — calls these
functions and nothing else to read or change people's data. Each takes a
connection (one transaction per command or request, :func:`transaction`) and a
:class:`Viewer` resolved once (:func:`viewer`, :func:`shared`, :func:`operator`),
applies visibility through the scoped readers of :mod:`weakties.store`, and
returns frozen dataclasses that :func:`weakties.records.to_json` turns into JSON.

Modules, one per resource: :mod:`.people`, :mod:`.network`, :mod:`.ties`,
:mod:`.opportunities`, :mod:`.outreach`, :mod:`.report`, :mod:`.orgs`,
:mod:`.admin`, :mod:`.imports`. See docs/service.md.
"""

from weakties.records import to_json
from weakties.service.context import (
    Viewer,
    operator,
    shared,
    transaction,
    viewer,
    viewer_or_shared,
)

__all__ = ["Viewer", "operator", "shared", "to_json", "transaction", "viewer", "viewer_or_shared"]
