"""Security on the real server: the token guards writes, the dashboard keeps XSRF
protection, no CORS by default, no client path reaches the filesystem, the upload limit
holds while streaming, and a playlist (HLS, ffconcat, image patterns) is not a video."""

from __future__ import annotations

import socket
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import pytest

from tests.api_server import ROOT, LiveServer, client_for, serve_module
from vtm.errors import Unsupported
from vtm.media.container import sniff

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real video on the server's disk, outside its data folder: what a playlist would point at."""
    path = tmp_path_factory.mktemp("secret") / "private.ts"  # HLS reads MPEG-TS segments
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", "1",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve_module(tmp_path_factory, "secure", VTM_API_TOKEN=TOKEN, VTM_MAX_UPLOAD_MB="5")


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    yield from client_for(server)


@pytest.fixture(scope="module")
def video(client: httpx.Client, clip: Path) -> dict:
    response = client.post("/api/videos", files={"video": ("ok.ts", clip.read_bytes())}, headers=AUTH)
    assert response.status_code == 201, response.text
    return response.json()


def leftovers(server: LiveServer) -> list[Path]:
    return list(server.data_dir.rglob("*.part")) + list((server.data_dir / "tmp").iterdir())


# -- token --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/videos"), ("DELETE", "/api/videos/{id}"), ("POST", "/api/thumbnails/{id}/64/0"), ("POST", "/api/jobs/1/retry")],
)
@pytest.mark.parametrize("auth", [None, "Bearer wrong", "Basic czNjcmV0LXRva2Vu", TOKEN])
def test_writes_need_the_token(client: httpx.Client, video: dict, method: str, path: str, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    response = client.request(method, path.format(id=video["id"]), headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert client.get(f"/api/videos/{video['id']}").status_code == 200, "reads stay open"


# -- the dashboard: XSRF on, no CORS ---------------------------------------------------------------
def test_xsrf_protection_is_on_for_the_dashboard(client: httpx.Client) -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"].get("enableXsrfProtection", True) is True
    assert config["server"].get("enableCORS", True) is True  # Streamlit's CORS *protection*
    # a cross-site write into the dashboard's own upload route, without the XSRF cookie/header
    response = client.put("/_stcore/upload_file/some-session/some-file", files={"file": ("a.mp4", b"x")})
    assert response.status_code == 403, response.text


@pytest.mark.parametrize("path", ["/api/health", "/api/videos", "/api/jobs", "/api/openapi.json", "/api/events?since=0"])
def test_no_cors_headers_by_default(server: LiveServer, path: str) -> None:
    origin = {"Origin": "https://evil.example"}
    with httpx.Client(base_url=server.url, timeout=10) as client:
        if "events" in path:
            with client.stream("GET", path, headers=origin) as response:
                headers = response.headers
        else:
            headers = client.get(path, headers=origin).headers
        preflight = client.options(path, headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in headers
    assert "access-control-allow-origin" not in preflight.headers


# -- no client path reaches the filesystem ----------------------------------------------------------
TRAVERSALS = ["..%2F..%2Fvtm.duckdb", "..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "1%2F..%2F..%2Fvtm.lock",
              "....%2F%2Fvtm.duckdb", "%2e%2e%2f%2e%2e%2fvtm.duckdb", "1%00.jpg", "-1", "1e3", "0x1"]
TEMPLATES = ["/api/videos/{p}", "/api/jobs/videos/{p}", "/api/jobs/thumbnails/{p}", "/api/jobs/{p}", "/api/jobs/{p}/output",
             "/api/t/{p}?w=64&h=0", "/api/thumbnails/{p}/64/0", "/api/thumbnails/1/{p}/0", "/api/thumbnails/1/64/{p}"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_path_params_never_reach_the_filesystem(client: httpx.Client, video: dict, template: str) -> None:
    method = "POST" if template.startswith("/api/thumbnails") else "GET"
    for p in TRAVERSALS:
        response = client.request(method, template.format(p=p), headers=AUTH)
        assert b"root:" not in response.content and b"DUCK" not in response.content
        if response.status_code == 200:
            # %2F decoded to a slash matches no /api route: the dashboard's page shell answers
            assert is_app_shell(response), (template, p, response.text[:200])
        else:
            assert 400 <= response.status_code < 500, (template, p, response.status_code)


def is_app_shell(response: httpx.Response) -> bool:
    return response.headers["content-type"].startswith("text/html") and b'<div id="root">' in response.content


@pytest.mark.parametrize("path", ["/app/static/../../vtm.duckdb", "/app/static/%2e%2e/%2e%2e/vtm.lock", "/media/../vtm.duckdb",
                                  "/_stcore/../vtm.duckdb", "/api/../vtm.duckdb", "/data/vtm.duckdb", "/videos/1/ok.mp4"])
def test_no_other_route_serves_the_data_folder(client: httpx.Client, video: dict, path: str) -> None:
    response = client.get(path)
    assert b"DUCK" not in response.content and b"ftyp" not in response.content[:16]
    assert response.status_code >= 400 or is_app_shell(response), (response.status_code, response.headers)


# -- upload limits while streaming ------------------------------------------------------------------
def test_the_size_limit_holds_while_streaming(server: LiveServer, client: httpx.Client) -> None:
    sent = [0]

    def body() -> Iterator[bytes]:  # no Content-Length: the server only learns the size by reading
        yield b'--b\r\nContent-Disposition: form-data; name="video"; filename="big.mp4"\r\n\r\n'
        for _ in range(64):
            sent[0] += 1
            yield b"\0" * (1024 * 1024)
        yield b"\r\n--b--\r\n"

    try:
        response = client.post("/api/videos", content=body(), headers={**AUTH, "Content-Type": "multipart/form-data; boundary=b"})
        assert response.status_code == 413, response.text
        assert "5 MB" in response.json()["error"]["message"]
    except httpx.TransportError:
        pass  # the server may close the connection once it has refused
    assert leftovers(server) == []
    assert client.get("/api/videos").json() == [] or all(v["filename"] != "big.mp4" for v in client.get("/api/videos").json())


def test_a_declared_size_over_the_limit_is_refused_before_reading(server: LiveServer) -> None:
    """50 MB declared, 10 bytes sent: the answer comes without waiting for the rest."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall((f"POST /api/videos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                      "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 52428800\r\n\r\n--b\r\n").encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0]
    assert b" 413 " in status_line, status_line
    assert leftovers(server) == []


# -- a playlist is not a video --------------------------------------------------------------------------
def playlists(target: Path) -> dict[str, bytes]:
    return {
        "hls": f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{target}\n#EXT-X-ENDLIST\n".encode(),
        "hls-file-url": f"#EXTM3U\n#EXTINF:10.0,\nfile://{target}\n#EXT-X-ENDLIST\n".encode(),
        "ffconcat": f"ffconcat version 1.0\nfile '{target}'\n".encode(),
        "m3u-plain": f"{target}\n".encode(),
    }


def test_the_playlist_hole_is_real_without_the_allow_list(clip: Path, tmp_path: Path) -> None:
    """Why the allow-list matters: FFmpeg left to guess opens the playlist and reads the
    private file it lists. (If this stops being true, the test below proves less.)"""
    playlist = tmp_path / "clip.m3u8"
    playlist.write_bytes(playlists(clip)["hls"])
    with av.open(str(playlist)) as container:
        frame = next(container.decode(video=0))
    assert (frame.width, frame.height) == (160, 120)


@pytest.mark.parametrize("kind", ["hls", "hls-file-url", "ffconcat", "m3u-plain"])
@pytest.mark.parametrize("name", ["clip.m3u8", "clip.mp4", "clip.ts", "list.txt"])
def test_playlists_are_refused(server: LiveServer, client: httpx.Client, clip: Path, kind: str, name: str) -> None:
    content = playlists(clip)[kind]
    response = client.post("/api/videos", files={"video": (name, content)}, headers=AUTH)
    assert response.status_code in (400, 415), response.text
    assert leftovers(server) == []
    assert all(v["filename"] != name for v in client.get("/api/videos").json())


def test_image_patterns_are_refused(server: LiveServer, client: httpx.Client, tmp_path: Path) -> None:
    png = tmp_path / "img001.png"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1", str(png)], check=True)
    for name in ("img%03d.mp4", "img%03d.png", "img*.mp4"):
        response = client.post("/api/videos", files={"video": (name, png.read_bytes())}, headers=AUTH)
        assert response.status_code in (400, 415), response.text
    assert leftovers(server) == []


@pytest.mark.parametrize("kind", ["hls", "hls-file-url", "ffconcat", "m3u-plain"])
def test_the_sniffer_refuses_playlists_before_any_demuxer(clip: Path, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(playlists(clip)[kind])
    with pytest.raises(Unsupported):
        sniff(path)
