"""Image URLs (Mux's parameters), storyboards for media servers, the poster and signed URLs,
through the real server (`streamlit run app.py`) with VTM_URL_SIGNING_KEY and an API
token set: what each picture SHOWS (pixels), the same job as the POST API, ETag/304,
and 403 for a missing, tampered or expired signature."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image

from tests.api_server import LiveServer, error_code, serve_module
from tests.bif_reader import read_bif
from tests.clips import index_frame, read_index
from vtm import signing
from vtm.media import thumbhash
from vtm.media.samples import write_clip

KEY = "k" * 24 + "-signing-key"
TOKEN = "test-token-for-images"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FPS = 10
W, H = 320, 180


def subject_frame(i: int, w: int, h: int, total: int) -> np.ndarray:
    """A grey frame, a red disc near the right edge (the subject), a green corner mark."""
    image = np.full((h, w, 3), 120, np.uint8)
    cv2.circle(image, (w - 40, h // 2), 24, (0, 0, 230), -1)
    image[:20, :20] = (0, 220, 0)
    return image


def decode(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def red_share(image: np.ndarray) -> float:
    b, g, r = (image[..., c].astype(int) for c in range(3))
    return float(((r > 160) & (g < 90) & (b < 90)).mean())


def green_corner(image: np.ndarray) -> str:
    """Which corner holds the green mark."""
    h, w = image.shape[:2]
    corners = {"top-left": image[:6, :6], "top-right": image[:6, w - 6 :], "bottom-left": image[h - 6 :, :6],
               "bottom-right": image[h - 6 :, w - 6 :]}
    found = [name for name, patch in corners.items() if patch[..., 1].mean() > 150 and patch[..., 2].mean() < 100]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("image-clips")
    index = write_clip(folder / "index.mp4", index_frame, width=W, height=H, seconds=4.0, fps=FPS)
    subject = write_clip(folder / "subject.mp4", subject_frame, width=W, height=H, seconds=2.0, fps=FPS)
    cover = folder / "cover.jpg"
    cv2.imwrite(str(cover), np.full((200, 200, 3), (230, 40, 10), np.uint8))  # blue
    with_cover = folder / "with_cover.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(index), "-i", str(cover), "-map", "0", "-map", "1", "-c", "copy",
                    "-disposition:v:1", "attached_pic", str(with_cover)], check=True)
    return {"index": index, "subject": subject, "with_cover": with_cover}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve_module(tmp_path_factory, "images", VTM_URL_SIGNING_KEY=KEY, VTM_API_TOKEN=TOKEN,
                            VTM_IMAGE_WAIT_S="30")


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client(headers=AUTH) as c:
        yield c


@pytest.fixture(scope="module")
def ids(api: httpx.Client, clips: dict[str, Path]) -> dict[str, int]:
    out = {}
    for name, path in clips.items():
        with path.open("rb") as f:
            r = api.post("/api/videos", files={"video": (path.name, f, "video/mp4")})
        assert r.status_code == 201, r.text
        out[name] = r.json()["id"]
    return out


def signed(path: str, expires_in: int = 600) -> str:
    return signing.sign(path, KEY, int(time.time()) + expires_in)


def test_first_request_makes_the_thumbnail_the_same_job_as_the_post_api(api: httpx.Client, server: LiveServer,
                                                                         ids: dict[str, int]) -> None:
    vid = ids["index"]
    with server.client() as anonymous:  # no token: the signature lets it in
        first = anonymous.get(signed(f"/api/videos/{vid}/thumbnail.jpg?time=2.5&width=160"))
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "image/jpeg" and first.headers["etag"]
    image = decode(first.content)
    assert image.shape[:2] == (90, 160)
    assert read_index(cv2.resize(image, (W, H))) == 25, "the frame at 2.5 s"
    # The same picture asked through the POST API is the same job (and file).
    posted = api.post(f"/api/videos/{vid}/outputs", json={"kind": "thumbnail", "width": 160, "height": 90, "at": "2.5",
                                                          "format": "jpg"})
    assert posted.status_code == 202 and posted.json()["status"] == "COMPLETED"
    assert api.get(f"/api/jobs/{posted.json()['id']}/output").content == first.content
    again = api.get(f"/api/videos/{vid}/thumbnail.jpg?width=160&time=2.5", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_default_time_is_the_middle_and_formats_follow_the_extension(api: httpx.Client, ids: dict[str, int]) -> None:
    r = api.get(f"/api/videos/{ids['index']}/thumbnail.png?width=100&height=100&fit_mode=pad")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = decode(r.content)
    assert image.shape[:2] == (100, 100)
    assert image[:10].mean() < 5 and image[-10:].mean() < 5, "pad: black bars above and below"
    webp = api.get(f"/api/videos/{ids['index']}/thumbnail.webp")
    assert webp.status_code == 200 and webp.headers["content-type"] == "image/webp"
    assert read_index(np.asarray(Image.open(io.BytesIO(webp.content)).convert("RGB"))[..., ::-1]) == 20, "the middle"


def test_smartcrop_keeps_the_off_centre_subject_crop_does_not(api: httpx.Client, ids: dict[str, int]) -> None:
    base = f"/api/videos/{ids['subject']}/thumbnail.jpg?time=1&width=120&height=120"
    smart = decode(api.get(base + "&fit_mode=smartcrop").content)
    centre = decode(api.get(base + "&fit_mode=crop").content)
    assert smart.shape[:2] == centre.shape[:2] == (120, 120)
    assert red_share(smart) > 0.05, "the smart crop holds the red disc"
    assert red_share(centre) < 0.005, "the centre crop cuts it off"


@pytest.mark.parametrize(("query", "corner"), [
    ("", "top-left"), ("&rotate=90", "top-right"), ("&rotate=180", "bottom-right"), ("&rotate=270", "bottom-left"),
    ("&flip_h=true", "top-right"), ("&flip_v=true", "bottom-left"), ("&rotate=90&flip_v=1", "bottom-right"),
])
def test_rotate_and_flip_move_the_marked_corner(api: httpx.Client, ids: dict[str, int], query: str, corner: str) -> None:
    r = api.get(f"/api/videos/{ids['subject']}/thumbnail.png?time=1{query}")
    assert r.status_code == 200, r.text
    image = decode(r.content)
    turned = "rotate=90" in query or "rotate=270" in query
    assert image.shape[:2] == ((W, H) if turned else (H, W))
    assert green_corner(image) == corner


def test_bad_parameters_are_422_unknown_video_404(api: httpx.Client, ids: dict[str, int]) -> None:
    vid = ids["subject"]
    for query in ("rotate=45", "fit_mode=zoom", "width=-1", "time=abc", "colour=red"):
        r = api.get(f"/api/videos/{vid}/thumbnail.jpg?{query}")
        assert r.status_code == 422, (query, r.text)
        error_code(r)
    assert api.get(f"/api/videos/{vid}/thumbnail.tiff").status_code == 404
    assert api.get("/api/videos/999999/thumbnail.jpg").status_code == 404


def test_animated_gif_is_the_asked_window(api: httpx.Client, ids: dict[str, int]) -> None:
    r = api.get(f"/api/videos/{ids['index']}/animated.gif?start=1&end=2&width=160&fps=5")
    assert r.status_code == 200 and r.headers["content-type"] == "image/gif", r.text
    gif = Image.open(io.BytesIO(r.content))
    frames = []
    for n in range(gif.n_frames):
        gif.seek(n)
        frames.append(read_index(cv2.resize(np.asarray(gif.convert("RGB"))[..., ::-1], (W, H))))
    assert gif.size == (160, 90)
    assert frames == [10, 12, 14, 16, 18], "1 s to 2 s at 5 fps"


def test_storyboard_json_in_muxs_shape_and_vtt_and_bif(api: httpx.Client, ids: dict[str, int]) -> None:
    vid = ids["index"]
    r = api.get(f"/api/videos/{vid}/storyboard.json")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"url", "tile_width", "tile_height", "duration", "tiles"}
    assert body["duration"] == pytest.approx(4.0, abs=0.15)
    sprite = decode(api.get(body["url"]).content)
    for tile in body["tiles"]:
        cell = sprite[tile["y"] : tile["y"] + body["tile_height"], tile["x"] : tile["x"] + body["tile_width"]]
        assert read_index(cv2.resize(cell, (W, H))) == round(tile["start"] * FPS), tile
    assert r.headers["etag"] and api.get(f"/api/videos/{vid}/storyboard.json",
                                         headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    vtt = api.get(f"/api/videos/{vid}/storyboard.vtt")
    assert vtt.status_code == 200 and vtt.text.startswith("WEBVTT")
    bif = api.get(f"/api/videos/{vid}/storyboard.bif?every=1")
    assert bif.status_code == 200, bif.text
    parsed = read_bif(bif.content)
    assert [f.timestamp_ms for f in parsed.frames] == [0, 1000, 2000, 3000]
    assert [read_index(cv2.resize(decode(f.data), (W, H))) for f in parsed.frames] == [0, 10, 20, 30]


def test_trickplay_zip_has_jellyfins_layout(api: httpx.Client, ids: dict[str, int]) -> None:
    r = api.get(f"/api/videos/{ids['index']}/trickplay.zip?every=1&width=160")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip", r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        names = archive.namelist()
        assert names == ["index.trickplay/160 - 10x10/0.jpg"]
        sheet = decode(archive.read(names[0]))
    assert sheet.shape[1] == 1600
    th = sheet.shape[0] // 10
    assert [read_index(cv2.resize(sheet[:th, c * 160 : (c + 1) * 160], (W, H))) for c in range(4)] == [0, 10, 20, 30]


def test_poster_put_then_served_at_its_time_with_thumbhash(api: httpx.Client, ids: dict[str, int]) -> None:
    vid = ids["index"]
    for at, index in (("1.5", 15), ("75%", 30)):
        r = api.put(f"/api/videos/{vid}/poster", json={"at": at})
        assert r.status_code == 200, r.text
        video = r.json()
        assert video["poster_pick"] == at and video["poster_at"] == pytest.approx(index / FPS, abs=0.001)
        poster = api.get(f"/api/videos/{vid}/poster.jpg")
        assert poster.status_code == 200 and read_index(decode(poster.content)) == index
        small = api.get(f"/api/videos/{vid}/poster.webp?width=80")
        assert small.headers["content-type"] == "image/webp" and Image.open(io.BytesIO(small.content)).size == (80, 45)
        hashed = thumbhash.from_base64(api.get(f"/api/videos/{vid}").json()["thumbhash"])
        assert thumbhash.aspect_ratio(hashed) == pytest.approx(W / H, rel=0.1)
        # Mux's default time is the chosen poster's.
        assert read_index(decode(api.get(f"/api/videos/{vid}/thumbnail.jpg").content)) == index
    auto = api.put(f"/api/videos/{vid}/poster", json={"at": "auto"}).json()
    assert auto["poster_pick"] == "auto" and 0 <= auto["poster_at"] <= 4
    assert api.put(f"/api/videos/{vid}/poster", json={"at": "cover"}).status_code == 422
    for bad in ({"at": "soon"}, {"when": "1"}, [1], {"at": None}):
        assert api.put(f"/api/videos/{vid}/poster", json=bad).status_code == 422, bad


def test_cover_art_is_a_poster_choice(api: httpx.Client, ids: dict[str, int]) -> None:
    vid = ids["with_cover"]
    r = api.put(f"/api/videos/{vid}/poster", json={"at": "cover"})
    assert r.status_code == 200, r.text
    assert r.json()["poster_pick"] == "cover" and r.json()["poster_at"] is None
    poster = decode(api.get(f"/api/videos/{vid}/poster.jpg").content)
    assert poster.shape[:2] == (200, 200)
    assert abs(poster.reshape(-1, 3).mean(axis=0) - np.array([230, 40, 10])).max() < 12, "the blue cover"
    placeholder = base64.b64decode(api.get(f"/api/videos/{vid}").json()["thumbhash"])
    assert thumbhash.average_rgba(placeholder)[2] > 0.6, "the placeholder is blue too"


def test_signatures_missing_wrong_expired_are_403(server: LiveServer, ids: dict[str, int]) -> None:
    path = f"/api/videos/{ids['index']}/thumbnail.jpg?width=64"
    with server.client() as anonymous:
        assert error_code(anonymous.get(path)) == "signature_missing"
        good = signed(path)
        assert anonymous.get(good).status_code == 200
        tampered = good.replace("width=64", "width=65")
        assert error_code(anonymous.get(tampered)) == "signature_wrong"
        expired = signing.sign(path, KEY, int(time.time()) - 5)
        r = anonymous.get(expired)
        assert r.status_code == 403 and error_code(r) == "signature_expired"
        assert error_code(anonymous.get(signing.sign(path, "another-key-of-24-chars!", int(time.time()) + 60))) == \
            "signature_wrong"
        assert anonymous.get(signed(f"/api/videos/{ids['index']}/poster.jpg")).status_code == 200
        assert anonymous.get(f"/api/videos/{ids['index']}/poster.jpg").status_code == 403


def test_vtm_sign_prints_a_url_the_server_takes(server: LiveServer, ids: dict[str, int]) -> None:
    path = f"/api/videos/{ids['index']}/thumbnail.jpg?width=64"
    run = subprocess.run([sys.executable, "-m", "vtm", "sign", path, "--expires", "10m"], capture_output=True, text=True,
                         env={"VTM_URL_SIGNING_KEY": KEY, "PATH": "/usr/bin:/bin"}, check=False)
    assert run.returncode == 0, run.stderr
    url = run.stdout.strip()
    expires = int(dict(p.split("=") for p in url.split("?")[1].split("&"))["expires"])
    assert 590 <= expires - time.time() <= 610
    with server.client() as anonymous:
        assert anonymous.get(url).status_code == 200
    bad = subprocess.run([sys.executable, "-m", "vtm", "sign", path, "--expires", "soon"], capture_output=True, text=True,
                         env={"VTM_URL_SIGNING_KEY": KEY, "PATH": "/usr/bin:/bin"}, check=False)
    assert bad.returncode == 2 and "--expires" in bad.stderr
    nokey = subprocess.run([sys.executable, "-m", "vtm", "sign", path], capture_output=True, text=True,
                           env={"PATH": "/usr/bin:/bin"}, check=False)
    assert nokey.returncode == 2 and "VTM_URL_SIGNING_KEY" in nokey.stderr


def test_openapi_describes_the_image_urls(api: httpx.Client) -> None:
    paths: dict[str, Any] = api.get("/api/openapi.json").json()["paths"]
    for path in ("/api/videos/{video_id}/thumbnail.{fmt}", "/api/videos/{video_id}/animated.{fmt}",
                 "/api/videos/{video_id}/storyboard.{fmt}", "/api/videos/{video_id}/trickplay.zip",
                 "/api/videos/{video_id}/poster.{fmt}", "/api/videos/{video_id}/poster"):
        assert path in paths, path
    assert json.dumps(paths).count("signature_missing") >= 5
