"""The API's routes, one module per concept, listed once here in the order Starlette
matches them. A new group of routes is a module with a `routes` list, added to `ROUTES`
(and described in vtm.web.openapi, which a test keeps complete)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from vtm.web.routes import doctor, events, jobs, meta, outputs, thumbnails, videos

ROUTES: list[BaseRoute] = [
    *meta.routes,
    *videos.routes,
    *jobs.routes,
    *thumbnails.routes,
    *events.routes,
    *outputs.routes,
    *doctor.routes,
]
