"""``weakties serve`` runs the platform on the database it is given."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from typer.testing import CliRunner

from tests.servers import free_port
from weakties.cli.main import app


def test_serve_refuses_the_default_secret_outside_development():
    result = CliRunner().invoke(
        app, ["serve", "--port", "9"], env={"WEAKTIES_ENVIRONMENT": "production"}
    )
    assert result.exit_code == 2
    assert "WEAKTIES_SECRET_KEY" in result.output


def test_serve_answers_on_the_given_database(store_url, store):
    port = free_port()
    env = {
        **os.environ,
        "WEAKTIES_ENVIRONMENT": "production",
        "WEAKTIES_SECRET_KEY": "s" * 40,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "weakties.cli.main",
            "serve",
            "--port",
            str(port),
            "--db",
            store_url,
            "--workers",  # several: tests/web/test_serving.py
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=5) as page:
                    assert page.status == 200
                    assert "Sign in" in page.read().decode()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "weakties serve did not answer"
                time.sleep(0.2)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"at http://127.0.0.1:{port}/" in output
    assert "s" * 40 not in output


def test_two_workers_are_given_time_to_answer_their_supervisor(store, monkeypatch):
    """A worker building a platform's introduction network holds the interpreter's
    lock in long calls: uvicorn's supervisor gives it HEALTHCHECK_S, not 5 s, to
    answer before killing it as hung (it was killed and started again on a busy
    machine, and began the same build again)."""
    import uvicorn

    from weakties.web import serving
    from weakties.web.settings import Settings

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda target, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(serving, "_environment", lambda settings: {})
    settings = Settings(environment="test", secret_key="s" * 40, db=store.url, worker_interval=0)
    serving.serve(settings, host="127.0.0.1", port=9, workers=2, store=store)
    assert seen["workers"] == 2
    assert seen["timeout_worker_healthcheck"] == serving.HEALTHCHECK_S > 5
    # an uvicorn without the option is not given it
    assert serving._patient_supervisor(lambda app, workers=1: None) == {}
    assert serving._patient_supervisor(uvicorn.Config)
