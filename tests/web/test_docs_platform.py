"""Every setting of the platform is documented in docs/platform.md."""

from pathlib import Path

from weakties.web.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "platform.md"


def test_every_setting_is_documented():
    text = DOC.read_text()
    documented = {line.split("`")[1] for line in text.splitlines() if line.startswith("| `WEAK")}
    assert documented == {f"WEAKTIES_{name.upper()}" for name in Settings.model_fields}


def test_the_live_memory_default_is_the_service_s():
    from weakties.service.live import DEFAULT_MB, DEFAULT_VIEWERS

    assert Settings.model_fields["live_viewers"].default == DEFAULT_VIEWERS
    assert Settings.model_fields["live_mb"].default == DEFAULT_MB
