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
    running.py   the process's running Service (`current()`), set by the web lifespan
    local.py     outputs of a local file without a library (the CLI's picture commands)
    images.py    image URLs: the same job at high priority, waited for
    posters.py   choosing a video's poster, serving it, its ThumbHash
    picker.py    the poster picker's filmstrip and smart-crop view
"""

from __future__ import annotations

from vtm.service.browsing import Browsing
from vtm.service.cluster import Cluster
from vtm.service.downloads import Downloads
from vtm.service.duplicates import Duplicates
from vtm.service.hooks import WEBHOOK_EVENTS, Webhooks
from vtm.service.images import Images
from vtm.service.insights import Insights
from vtm.service.jobs import Jobs
from vtm.service.outputs import Outputs, TileCue
from vtm.service.picker import Picker
from vtm.service.pictures import Pictures
from vtm.service.player import Player, PosterChoice
from vtm.service.running import current
from vtm.service.upkeep import Upkeep
from vtm.service.watching import WatchFolder, Watching
from vtm.webhooks.model import Delivery, Webhook

__all__ = ["WEBHOOK_EVENTS", "Delivery", "PosterChoice", "Service", "TileCue", "WatchFolder", "Webhook", "current"]


class Service(Watching, Jobs, Downloads, Outputs, Upkeep, Pictures, Images, Picker, Cluster, Player, Browsing, Insights,
              Webhooks, Duplicates):
    """Every use case, on one set of parts (settings, data folder, store, events, the
    decoder for uploads and pictures, the workers to cancel)."""

    def upload_ticket(self) -> str:
        """A short-lived ticket that lets the dashboard's browser upload when an API token
        is set, without the token ever reaching the browser ("" when no token is set)."""
        from vtm import tickets

        token = self._settings.api_token
        return tickets.mint(token) if token else ""
