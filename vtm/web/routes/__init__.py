"""The API's routes, one module per concept, listed once here in the order Starlette
matches them. A new group of routes is a module with a `routes` list, added to `ROUTES`
(and described in vtm.web.openapi, which a test keeps complete)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from vtm.web.routes import doctor, duplicates, events, images, jobs, meta, outputs, player, posters, thumbnails, videos, webhooks

ROUTES: list[BaseRoute] = [
    *meta.routes,
    *images.routes,
    *posters.routes,
    *videos.routes,
    *jobs.routes,
    *thumbnails.routes,
    *events.routes,
    *outputs.routes,
    *player.routes,
    *doctor.routes,
    *webhooks.routes,
    *duplicates.routes,
]
