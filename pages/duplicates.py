"""Duplicates: videos that share footage (re-encoded, resized, cropped, mirrored or trimmed copies)."""

import streamlit as st

from vtm.service import current
from vtm.ui import duplicates_view

svc = current()
st.title("Duplicates", anchor=False)
duplicates_view.backlog(svc)
low = duplicates_view.controls()
duplicates_view.pairs(svc, svc.duplicates(low))
