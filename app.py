"""VTM's one process: the dashboard, the /api routes and the workers. Wiring only.

    streamlit run app.py
"""

import streamlit as st
from starlette.middleware import Middleware

from vtm import web
from vtm.ui import styles
from vtm.ui.chart_scripts import chart_scripts
from vtm.ui.router import use_navigation_only
from vtm.web.fallback import JsonErrors
from vtm.web.lifespan import lifespan
from vtm.web.page_shell import PageShell

use_navigation_only()  # pages come from st.navigation only, from the first session on

app = st.App("dashboard.py", routes=web.routes(), lifespan=lifespan,
             middleware=[Middleware(JsonErrors),
                         Middleware(PageShell, css=styles.CSS, preloads={"insights": chart_scripts()})])
