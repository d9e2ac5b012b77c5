"""VTM's one process: the dashboard, the /api routes and the workers. Wiring only.

    streamlit run app.py
"""

import streamlit as st

from vtm import api, web

app = st.App("dashboard.py", routes=api.routes, lifespan=web.lifespan)
