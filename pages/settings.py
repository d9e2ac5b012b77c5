"""Settings: watched folders, recipes (what to make when a video arrives), webhooks."""

import streamlit as st

from vtm.service import current
from vtm.ui import feedback, settings_view

svc = current()
st.title("Settings", anchor=False)
feedback.flash(settings_view.FLASH)
folders, recipes, webhooks = st.tabs([":material/folder_eye: Watched folders", ":material/menu_book: Recipes",
                                      ":material/webhook: Webhooks"])
with folders:
    settings_view.watch_folders(svc)
with recipes:
    settings_view.recipes(svc)
with webhooks:
    settings_view.webhooks(svc)
