"""Documentation that is checked: the README's two commands, CI, the CLI reference."""

import re
from pathlib import Path

from weakties.cli.reference import render

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first, second = _readme_commands()
    # They come first, before any prose.
    assert text.index(first) < text.index("\n\n", text.index(second))
    assert text.lstrip().startswith("# weakties")
    assert "weakties demo" in first and re.search(r"pip install '?\.", first)
    assert "pytest" in second and "[dev]" in second


def test_ci_runs_exactly_the_readme_test_command():
    _, second = _readme_commands()
    script = (ROOT / ".ci" / "run").read_text()
    assert second in script.splitlines()


def test_cli_reference_is_current():
    committed = (ROOT / "docs" / "cli.md").read_text()
    assert committed == render(), "regenerate: python -m weakties.cli.reference > docs/cli.md"
