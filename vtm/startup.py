"""What start-up does to the data folder, before anything runs: it removes only what
VTM's own unfinished writes left (by their names), moves uploads of older layouts into
`source/`, keeps new ids above every id named on disk, and reports (never deletes) what
the database does not know — a missing or older database would otherwise look like an
empty library."""

from __future__ import annotations

import logging

from vtm import doctor
from vtm.files import DataDir, Inventory
from vtm.store import Store

log = logging.getLogger(__name__)


def prepare(data: DataDir, store: Store) -> Inventory:
    """What start-up does to the data folder before anything runs. It removes only what
    VTM's own unfinished writes left (by their names) and keeps new ids above every id
    named on disk; returns what is on disk, for `report`."""
    removed = data.clear_unfinished()
    if removed:
        log.info("removed %d unfinished temporary file(s) from %s", removed, data.root)
    migrate_uploads(data, store)
    inventory = data.inventory()
    store.advance_ids(*inventory.highest_ids())
    return inventory


def report(data: DataDir, store: Store, inventory: Inventory) -> None:
    """Log what the database does not know: files are left where they are (`vtm doctor`
    lists them, `--repair` registers or moves them aside), since a missing or older
    database would otherwise look like an empty library. Run beside the server, not
    before it: on 100,000 videos and 1,000,000 jobs this check took 15 s of a 22 s start."""
    try:
        found = doctor.examine(data, store, inventory, thorough=False)
    except Exception as exc:  # noqa: BLE001 - a log line, not a reason to stop; e.g. the store closed meanwhile
        log.info("the start-up check of %s stopped: %s", data.root, exc)
        return
    if not found.ok:
        log.warning("the data folder %s and its database disagree: %s. Nothing was deleted; `vtm doctor` lists "
                    "them and `vtm doctor --repair` registers lost videos again and moves unknown files aside.",
                    data.root, found.summary())


def migrate_uploads(data: DataDir, store: Store) -> int:
    """Move uploads from beside the poster (folders made before `source/`) into
    `source/`. Safe to stop at any point: a file already moved is only re-pointed."""
    moved = 0
    for video in store.list_videos():
        if video.imported:
            continue
        old = data.absolute(video.path)
        new = data.upload_path(video.id, old.name)
        if old == new or old.parent != data.video_dir(video.id):
            continue
        if old.is_file():
            data.move_into_source(video.id, old)
        if new.is_file():
            store.set_video_path(video.id, data.relative(new))
            moved += 1
    if moved:
        log.info("moved %d upload(s) into their video's source/ folder", moved)
    return moved
