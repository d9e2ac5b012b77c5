"""VTM's use cases: one `Service`, given to the dashboard, the API and the CLI by
`vtm.assembly`. Each method checks its input and raises a `vtm.errors` error a person
can act on; none knows about HTTP or pages.

    videos.py    uploads, listing, one video, deleting      library.py  import, samples
    jobs.py      asking for outputs, listing, retrying       outputs.py  what jobs made
    downloads.py their download names, one zip per output      player.py   the source for the player, the poster's choice
    upkeep.py    vtm doctor, free space                      pictures.py copies for pages
    cluster.py   the executor; the Ray cluster's state
    arrivals.py  recipes; what a video's arrival/deletion does  watching.py watch folders
    hooks.py     webhooks, their delivery log                duplicates.py near-duplicate pairs
    background.py  the watcher, webhook outbox and deliverer, fingerprint indexer (threads)
    uploads      (see videos.py: `open_upload`, `add_upload`)
    browsing.py  pages of videos and jobs (search, sort, filters, totals)
    insights.py  the Insights page's figures and exports
    facade.py    the Service class (loaded when first asked for: `local` does without it)
    running.py   the process's running Service (`current()`), set by the web lifespan
    local.py     outputs of a local file without a library (the CLI's picture commands)
    images.py    image URLs: the same job at high priority, waited for
    posters.py   choosing a video's poster, serving it, its ThumbHash
    picker.py    the poster picker's filmstrip and smart-crop view
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vtm.service.facade import WEBHOOK_EVENTS, Delivery, PosterChoice, Service, TileCue, WatchFolder, Webhook
    from vtm.service.running import current

__all__ = ["WEBHOOK_EVENTS", "Delivery", "PosterChoice", "Service", "TileCue", "WatchFolder", "Webhook", "current"]


def __getattr__(name: str) -> Any:
    """The facade loads when first asked for: `vtm.service.local` (the CLI's picture
    commands) needs none of its use cases, and importing them all cost `vtm thumbnail`
    ~50 ms of its start (PEP 562)."""
    if name == "current":
        from vtm.service.running import current

        return current
    if name in __all__:
        from vtm.service import facade

        return getattr(facade, name)
    raise AttributeError(f"module 'vtm.service' has no attribute {name!r}")
