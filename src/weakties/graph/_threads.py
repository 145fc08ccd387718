"""numba's parallel threads, told to sleep between parallel regions.

Parallel kernels run on numba's OpenMP pool. Its threads spin between parallel
regions by default, which costs milliseconds per region as soon as another
process shares the cores (a web server, a database): let them sleep instead.
The runtime reads ``OMP_WAIT_POLICY`` at the first parallel call, so it is set
just before it — never at import (importing weakties changes nothing global)
and never over a value the user chose.
"""

from __future__ import annotations

import os

__all__ = ["before_parallel"]

_done = False


def before_parallel() -> None:
    """Call before running a parallel kernel (cheap after the first call)."""
    global _done
    if not _done:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        _done = True
