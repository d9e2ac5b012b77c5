"""VTM_PATH_MAP (a node that mounts the data folder elsewhere) and the driver's token
rule (connect to a Ray cluster with or without token authentication)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vtm.cluster.auth import enable_token_auth_if_available
from vtm.cluster.pathmap import PathMap
from vtm.errors import InvalidInput


@pytest.mark.parametrize(("text", "app", "node"), [
    ("/srv/vtm=/mnt/vtm", "/srv/vtm/videos/1/a.mp4", "/mnt/vtm/videos/1/a.mp4"),
    ("/srv/vtm=/mnt/vtm", "/srv/vtm", "/mnt/vtm"),
    ("/srv/vtm/=/mnt/vtm/", "/srv/vtm/thumbnails/t.jpg", "/mnt/vtm/thumbnails/t.jpg"),
    ("/srv/vtm=/mnt/vtm", "/srv/vtm2/a.mp4", "/srv/vtm2/a.mp4"),  # a sibling folder is not inside
    ("/srv/vtm=/mnt/vtm", "/elsewhere/a.mp4", "/elsewhere/a.mp4"),
    ("/srv=/a, /srv/vtm=/b", "/srv/vtm/x", "/b/x"),  # the longest prefix wins
    ("", "/srv/vtm/x", "/srv/vtm/x"),
])
def test_paths_map_to_the_node_and_back(text: str, app: str, node: str) -> None:
    paths = PathMap.parse(text)
    assert paths.to_node(app) == node
    assert paths.to_app(node) == (app.rstrip("/") if node != app else app)


@pytest.mark.parametrize("text", ["/srv/vtm", "srv=/mnt", "/srv=mnt", "=/mnt"])
def test_a_malformed_map_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(InvalidInput, match="APP_PATH=NODE_PATH"):
        PathMap.parse(text)


def test_token_mode_is_turned_on_as_ray_start_does(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert enable_token_auth_if_available(env := {}, home) is False and env == {}
    (home / ".ray").mkdir()
    (home / ".ray" / "auth_token").write_text("secret")
    assert enable_token_auth_if_available(env := {}, home) is True and env == {"RAY_AUTH_MODE": "token"}
    assert enable_token_auth_if_available(env := {"RAY_AUTH_MODE": "disabled"}, home) is False
    assert env == {"RAY_AUTH_MODE": "disabled"}, "an explicit mode is kept"
    (tmp_path / "tok").write_text("secret")
    assert enable_token_auth_if_available(env := {"RAY_AUTH_TOKEN_PATH": str(tmp_path / "tok")}, tmp_path) is True
    assert enable_token_auth_if_available(env := {"RAY_AUTH_TOKEN_PATH": str(tmp_path / "none")}, home) is False
    assert enable_token_auth_if_available(env := {"RAY_AUTH_TOKEN": "abc"}, tmp_path) is True
