"""Profiles: editing one's own, photos checked by content and re-encoded."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.web.conftest import api_headers, csrf, sign_up


def _image(fmt: str, size=(900, 600), exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x013B] = "Ana at home"  # Artist
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def _upload(client, data: bytes, name: str = "me.png"):
    return client.post(
        "/settings/photo",
        data={"csrf_token": csrf(client, "/settings/profile")},
        files={"photo": (name, data, "image/png")},
        follow_redirects=False,
    )


@pytest.fixture
def ana(client):
    sign_up(client, "Ana Lima", "ana@example.org", handle="ana")
    return client


def test_edit_my_profile(ana, other):
    form = {
        "csrf_token": csrf(ana, "/settings/profile"),
        "name": "Ana  Lima-Souza",
        "headline": "Data engineer <script>",
        "location": "Lyon",
        "industry": "Software",
        "about": "Line one\nLine two",
    }
    done = ana.post("/settings/profile", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/in/ana"
    sign_up(other, "Bob Chen", "bob@example.org", handle="bob")
    seen = other.get("/api/v1/profiles/ana").json()
    assert (seen["name"], seen["headline"], seen["location"], seen["about"]) == (
        "Ana Lima-Souza",
        "Data engineer <script>",
        "Lyon",
        "Line one\nLine two",
    )
    assert "Data engineer &lt;script&gt;" in other.get("/in/ana").text
    too_long = ana.post(
        "/settings/profile",
        data={**form, "csrf_token": csrf(ana, "/settings/profile"), "headline": "x" * 501},
    )
    assert too_long.status_code == 422 and 'aria-describedby="e-headline"' in too_long.text
    api = ana.put(
        "/api/v1/me/profile", json={"name": "Ana L", "industry": "Data"}, headers=api_headers(ana)
    )
    assert api.status_code == 200 and api.json()["industry"] == "Data"
    assert api.json()["headline"] is None  # every field is set: empty clears it


def test_a_photo_is_checked_reencoded_and_stripped(ana, other):
    original = _image("JPEG", exif=True)
    assert b"SecretCam" in original
    assert _upload(ana, original, "holiday.jpg").status_code == 303
    sign_up(other, "Bob Chen", "bob@example.org", handle="bob")
    served = other.get("/photos/ana.jpg")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(served.content)) as photo:
        assert photo.format == "JPEG" and photo.size == (400, 400)
        assert not photo.getexif()  # no camera, no GPS position
    assert b"SecretCam" not in served.content
    assert other.get("/api/v1/profiles/ana").json()["has_photo"] is True
    assert other.get("/api/v1/profiles/ana/photo").content == served.content
    assert 'src="/photos/ana.jpg"' in other.get("/in/ana").text


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "me.png"),
        (b"%PDF-1.4 not an image", "me.jpg"),
        (b"", "empty.png"),
        (_image("PNG")[:200], "truncated.png"),
        (_image("BMP", size=(20, 20)), "old.png"),
    ],
)
def test_what_is_not_an_accepted_image_is_refused(ana, data, name):
    refused = _upload(ana, data, name)
    assert refused.status_code == 422
    assert 'aria-describedby="e-photo"' in refused.text
    assert ana.get("/photos/ana.jpg").status_code == 404


def test_photo_size_limits(app, ana):
    big = _image("PNG", size=(30, 30)) + b"\0" * (6 * 1024 * 1024)
    assert _upload(ana, big).status_code == 413  # over the request limit: not even read
    app.state.settings.photo_max_bytes = 2000
    assert _upload(ana, _image("PNG", size=(300, 300))).status_code == 303  # PNG compresses
    assert _upload(ana, _image("JPEG", size=(1500, 1500)) + b"x" * 2000).status_code == 422


def test_a_decompression_bomb_is_refused(ana):
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 M pixels, a few kB
    refused = _upload(ana, out.getvalue())
    assert refused.status_code == 422


def test_an_image_over_the_pixel_limit_is_refused_before_decoding(ana):
    # 6500 x 6500 = 42 M pixels (over the 40 M limit, under Pillow's own 2x threshold):
    # a few kB of PNG that would decode to some 120 MB
    out = io.BytesIO()
    Image.new("1", (6500, 6500)).save(out, format="PNG")
    assert len(out.getvalue()) < 20_000
    api = ana.post(
        "/api/v1/me/photo",
        files={"photo": ("huge.png", out.getvalue(), "image/png")},
        headers=api_headers(ana),
    )
    assert api.status_code == 422
    assert api.json()["fields"] == {"photo": "The image is too large."}
    page = _upload(ana, out.getvalue())
    assert page.status_code == 422 and 'aria-describedby="e-photo"' in page.text
    assert "The image is too large." in page.text
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, format="PNG")  # over Pillow's threshold too
    refused = _upload(ana, bomb.getvalue())
    assert refused.status_code == 422 and "The image is too large." in refused.text
    assert ana.get("/photos/ana.jpg").status_code == 404


def test_removing_the_photo(ana):
    _upload(ana, _image("PNG"))
    removed = ana.post(
        "/settings/photo/delete", data={"csrf_token": csrf(ana, "/settings/profile")}
    )
    assert removed.status_code == 200  # back on the edit page
    assert ana.get("/photos/ana.jpg").status_code == 404
