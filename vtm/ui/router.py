"""How the dashboard's pages are found: only through `st.navigation` in dashboard.py.

Streamlit also has a legacy multipage mode: a `pages/` folder next to the entry script
is auto-discovered, and its files are listed in the sidebar by their lowercase names
("dashboard, jobs, library, upload") until some session has called `st.navigation`
(documented: from then on, every session ignores `pages/`). With `st.App` the first
visitor of a freshly started server who opens a deep link such as `/jobs` therefore got
the legacy list and a page without our page config, and kept it, because in that mode
dashboard.py never runs. `app.py` calls `use_navigation_only()` once before serving, so
every session, the first included, is routed by dashboard.py. A browser test on a cold
server checks the sidebar (tests/test_e2e.py).
"""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager


def use_navigation_only() -> None:
    """Tell Streamlit, before the first session, what `st.navigation` tells it on its
    first call: the `pages/` folder is not a legacy multipage app."""
    PagesManager.uses_pages_directory = False
