"""The `Service` facade: every use case of the groups below it, on one set of parts
(vtm/service/__init__.py says which module holds which)."""

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
from vtm.service.upkeep import Upkeep
from vtm.service.watching import WatchFolder, Watching
from vtm.webhooks.model import Delivery, Webhook

__all__ = ["WEBHOOK_EVENTS", "Delivery", "PosterChoice", "Service", "TileCue", "WatchFolder", "Webhook"]

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
