"""VTM's one process: the dashboard, the /api routes and the workers. Wiring only.

    streamlit run app.py
"""

import streamlit as st
from starlette.middleware import Middleware

from vtm import api, web
from vtm.api_fallback import JsonErrors
from vtm.ui.router import use_navigation_only

use_navigation_only()  # pages come from st.navigation only, from the first session on

app = st.App("dashboard.py", routes=api.routes, lifespan=web.lifespan, middleware=[Middleware(JsonErrors)])
