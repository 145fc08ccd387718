"""The package imports its modules when a name is first asked for, not on import:
a server imports it from several threads at once, and a package importing every
module on import could be seen half-initialised by another thread."""

import subprocess
import sys

import weakties.opportunity as opportunity


def test_importing_the_package_imports_none_of_its_modules():
    code = (
        "import sys, weakties.opportunity; "
        "print(sorted(m for m in sys.modules if m.startswith('weakties.opportunity.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_public_name_is_found():
    for name in opportunity.__all__:
        value = getattr(opportunity, name)
        assert getattr(value, "__name__", name) == name or not callable(value)
