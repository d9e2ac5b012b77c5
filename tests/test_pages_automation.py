"""The Settings and Duplicates pages through Streamlit's AppTest on a real runtime (burst
mode, real DuckDB, real clips): watch folders added and refused, a recipe saved, a
webhook added (its secret shown once), tested and removed, its delivery log; pairs of
duplicates with both videos; a missing video said so in the Library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import scene_clips
from tests.library_cards import library_cards
from vtm.assembly import Assembly
from vtm.models import JobKind
from vtm.watch.state import FileState, WatchEvent, WatchEventKind

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "http://93.184.215.14/hooks/vtm"  # a public address (an IP: no DNS needed); never reached by burst mode


pytestmark = pytest.mark.usefixtures("navigation_only")


def app(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "markdown", "caption", "info", "success", "warning", "error", "code")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_settings_folders_recipes_and_webhooks(rt: Assembly, tmp_path: Path) -> None:
    at = app("pages/settings.py")
    assert not at.exception and at.title[0].value == "Settings"
    assert "No folder is watched yet" in texts(at)
    at.text_input(key="watch_folder_path").set_value("not/absolute")
    at.button(key="FormSubmitter:add_watch_folder-Watch this folder").click().run()
    assert "not an absolute path" in at.error[0].value and rt.service.watch_folders() == []
    folder = tmp_path / "camera"
    folder.mkdir()
    at.text_input(key="watch_folder_path").set_value(str(folder))
    at.button(key="FormSubmitter:add_watch_folder-Watch this folder").click().run()
    assert [f.path for f in rt.service.watch_folders()] == [str(folder)] and "Watching" in texts(at)

    at.checkbox(key="recipe_uploads_scenes").check()
    at.checkbox(key="recipe_uploads_storyboard").check()
    at.number_input(key="recipe_uploads_storyboard_every").set_value(5.0)
    at.button(key="FormSubmitter:recipe_uploads-Save").click().run()
    recipe = rt.service.recipe("uploads")
    assert recipe is not None and [(o.kind, o.options) for o in recipe.outputs] == [
        (JobKind.STORYBOARD, {"every": 5.0}), (JobKind.SCENES, {})]

    at.text_input(key="webhook_url").set_value("http://127.0.0.1:9/inside")
    at.button(key="FormSubmitter:add_webhook-Add webhook").click().run()
    assert "a loopback" in at.error[0].value and rt.service.list_webhooks() == []
    at.text_input(key="webhook_url").set_value(PUBLIC)
    at.button(key="FormSubmitter:add_webhook-Add webhook").click().run()
    (hook,) = rt.service.list_webhooks()
    assert at.code[0].value == hook.secret and hook.secret.startswith("whsec_")
    assert "No delivery yet" in texts(at)
    at.button(key=f"hook_test_{hook.id}").click().run()
    assert not at.exception and hook.secret not in texts(at)  # shown once
    log = at.dataframe[0].value
    assert list(log["event"]) == ["webhook.test"] and list(log["state"]) == ["pending"]
    at.button(key=f"hook_remove_{hook.id}").click().run()
    assert rt.service.list_webhooks() == [] and "Removed the webhook" in texts(at)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by the test script")
def test_duplicates_page_and_a_missing_video(rt: Assembly, tmp_path: Path) -> None:
    clip = scene_clips.scenes_clip(tmp_path / "harbour.mp4", 51, seconds=10)
    copy = scene_clips.variant(clip, "mirrored", tmp_path)
    first = rt.service.add_local_file(clip)
    rt.service.add_local_file(copy, "harbour-mirrored.mp4")
    rt.background.indexer.drain()  # type: ignore[union-attr]
    at = app("pages/duplicates.py")
    assert not at.exception and at.title[0].value == "Duplicates"
    said = texts(at)
    assert "similar**" in said and "mirrored" in said and "shared: 0.0 s–" in said
    links = [link.proto for link in at.get("page_link")]
    assert sorted(link.label for link in links) == ["harbour\\-mirrored\\.mp4", "harbour\\.mp4"]
    assert {link.page for link in links} == {"pages/library.py"} or all("library" in link.page for link in links)
    at.slider(key="duplicates_min").set_value(100).run()
    assert "No two videos share footage" in texts(at)

    folder = tmp_path / "watched"
    folder.mkdir()
    path = folder / "gone.mp4"
    shutil.copy(clip, path)
    event = WatchEvent(WatchEventKind.ADDED, str(path), FileState.of(path.stat()))
    rt.service.handle_watch_event(event)
    gone = rt.service.list_videos(search="gone")[0]
    rt.service.handle_watch_event(WatchEvent(WatchEventKind.MISSING, str(path), event.state))
    [card] = [c for c in library_cards(app("pages/library.py")) if c.name == "gone.mp4"]
    assert "File missing" in card.texts
    assert "is missing" in texts(app("pages/library.py", video=str(gone.id)))
    assert first.id != gone.id
