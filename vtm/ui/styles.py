"""The few rules of the dashboard's look that Streamlit's options do not cover, in one
style sheet that the page shell writes into every HTML page (vtm/web/page_shell.py,
wired in app.py): sent once with the page, not drawn again by each script run.

- "Delete for good" in the danger colour, not the blue of harmless buttons;
- a card's "Open <video name>" on one line (cut with an ellipsis on screen; a screen
  reader still reads the whole name);
- numbers that must not wrap ("(3.0 / s)", counts);
- a number field's placeholder ("keep aspect") not cut off by the step buttons;
- the Jobs table's error column wide enough to read;
- on a phone (≤ 640 px), the four count cards two by two in little height, and the
  filters full width instead of clipped.
"""

from __future__ import annotations

from pathlib import Path

FAVICON = Path(__file__).with_name("favicon.png")  # shipped: no icon font fetched from a CDN
DANGER = "#dc2626"

CSS = f"""
.st-key-delete_video button {{ background-color: {DANGER}; border-color: {DANGER}; color: #fff; }}
.st-key-delete_video button:hover {{ background-color: #b91c1c; border-color: #b91c1c; color: #fff; }}
[data-testid="stMetricValue"], [data-testid="stMetricDelta"], .vtm-nowrap {{ white-space: nowrap; }}
[data-testid="stNumberInputContainer"] input::placeholder {{ font-size: .85em; }}
[class*="st-key-open_"] button {{ min-width: 0; }}
[class*="st-key-open_"] button div, [class*="st-key-open_"] button p {{ min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }}
@media (max-width: 640px) {{
  [data-testid="stMetric"] {{ padding: .35rem .6rem; }}
  [data-testid="stMetricValue"] {{ font-size: 1.4rem; }}
  .st-key-counts [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; gap: .5rem; }}
  .st-key-counts [data-testid="stColumn"] {{ flex: 1 1 calc(50% - .5rem) !important; min-width: calc(50% - .5rem) !important; }}
  [data-testid="stSegmentedControl"], [data-testid="stButtonGroup"] {{ max-width: 100%; overflow-x: auto; }}
  [data-testid="stButtonGroup"] > div {{ flex-wrap: wrap; }}
}}
"""

