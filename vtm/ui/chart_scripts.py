"""The file names of Streamlit's chart element scripts in the installed Streamlit, for
the page shell to name in the Insights page's HTML (vtm/web/page_shell.py): the browser
fetches and compiles them while the page connects. The names carry a build hash."""

from __future__ import annotations

from pathlib import Path

import streamlit

SCRIPTS = Path(streamlit.__file__).parent / "static" / "static" / "js"
# Streamlit's chart element and what it imports to draw (Vega-Embed, Vega's CSP-safe interpreter)
CHART_SCRIPTS = ("ArrowVegaLiteChart", "loadVegaEmbed", "embed", "vega-interpreter")


def chart_scripts(names: tuple[str, ...] = CHART_SCRIPTS, folder: Path = SCRIPTS) -> tuple[str, ...]:
    """The file names of Streamlit's scripts `names` (`embed.CX5AQgxi.js`): those found, one each."""
    found = []
    for name in names:
        matches = sorted(folder.glob(f"{name}.*.js"))
        if len(matches) == 1:
            found.append(matches[0].name)
    return tuple(found)
