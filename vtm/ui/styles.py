"""The few rules of the dashboard's look that Streamlit's options do not cover, in one
style sheet that the page shell writes into every HTML page (vtm/web/page_shell.py,
wired in app.py): sent once with the page, not drawn again by each script run.

- "Delete for good" in the danger colour, not the blue of harmless buttons;
- the Library's cards (vtm/ui/card_grid.py): four a row where the page is wide, three,
  two, then one as it narrows (a phone: two); all of a row as tall as its tallest; the whole card a link to
  its video (the name's link stretched over it), the poster padded to 16:9;
- numbers that must not wrap ("(3.0 / s)", counts);
- a number field's placeholder ("keep aspect") not cut off by the step buttons;
- the names in the Insights page's Markdown tables ("100 MB – 1 GB") on one line;
- the Jobs page's counts and table (vtm/ui/job_table.py): a status in its colour, the
  header row and the id column kept in view while the table scrolls, the error column
  wide enough to read (it wraps);
- on a phone (≤ 640 px), the four count cards two by two in little height, and the
  filters full width instead of clipped.
"""

from __future__ import annotations

from pathlib import Path

from vtm.ui import job_table, posters

FAVICON = Path(__file__).with_name("favicon.png")  # shipped: no icon font fetched from a CDN
DANGER = "#dc2626"
PRIMARY = "#2563eb"  # the theme's primaryColor (.streamlit/config.toml)
WARNING = "#c2410c"
PAD = posters.PAD
LINE = "rgba(49, 51, 63, .2)"  # Streamlit's border of a bordered container
STATUSES = "\n".join(f".vtm-dot.{job_table.status_class(status)} {{ color: {color}; }}\n"
                     f".vtm-pill.{job_table.status_class(status)} {{ background: {color}; }}"
                     for status, color in job_table.STATUS_COLORS.items())

CSS = f"""
.st-key-delete_video button {{ background-color: {DANGER}; border-color: {DANGER}; color: #fff; }}
.st-key-delete_video button:hover {{ background-color: #b91c1c; border-color: #b91c1c; color: #fff; }}
[data-testid="stMetricValue"], [data-testid="stMetricDelta"], .vtm-nowrap {{ white-space: nowrap; }}
[data-testid="stNumberInputContainer"] input::placeholder {{ font-size: .85em; }}
.vtm-cards {{ display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 1rem; }}
.vtm-card {{ position: relative; display: flex; flex-direction: column; gap: .25rem; padding: .75rem;
  border: 1px solid {LINE}; border-radius: .5rem; line-height: 1.4; }}
.vtm-card:hover {{ border-color: {PRIMARY}; }}
.vtm-card:focus-within {{ outline: 2px solid {PRIMARY}; outline-offset: 2px; }}
.vtm-card-picture {{ aspect-ratio: 16 / 9; background: rgb{PAD}; border-radius: .25rem; overflow: hidden; margin-bottom: .25rem; }}
.vtm-card-picture img {{ width: 100%; height: 100%; object-fit: contain; display: block; }}
.vtm-card-picture img.vtm-blurred {{ object-fit: cover; }}
a.vtm-card-name {{ font-weight: 600; color: inherit; text-decoration: none; overflow-wrap: anywhere; outline: none; }}
a.vtm-card-name::after {{ content: ""; position: absolute; inset: 0; border-radius: .5rem; }}
.vtm-card-facts, .vtm-card-note {{ font-size: .875rem; color: rgba(49, 51, 63, .6); overflow-wrap: anywhere; }}
.vtm-card-missing {{ font-size: .875rem; color: {WARNING}; font-weight: 600; }}
.vtm-grid {{ container-type: inline-size; }}
@container (max-width: 860px) {{ .vtm-cards {{ grid-template-columns: repeat(3, minmax(0, 1fr)); }} }}
@container (max-width: 560px) {{ .vtm-cards {{ grid-template-columns: repeat(2, minmax(0, 1fr)); }} }}
@container (max-width: 300px) {{ .vtm-cards {{ grid-template-columns: minmax(0, 1fr); }} }}
.vtm-counts {{ display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 1rem; }}
.vtm-count {{ display: flex; flex-direction: column; gap: .25rem; padding: .75rem 1rem; border: 1px solid {LINE}; border-radius: .5rem; }}
.vtm-count-label {{ font-size: .875rem; }}
.vtm-dot {{ margin-right: .4rem; }}
.vtm-count-value {{ font-size: 2.25rem; line-height: 1.2; white-space: nowrap; }}
.vtm-pill {{ display: inline-block; padding: 0 .55rem; border-radius: 1rem; font-size: .75rem; font-weight: 600; color: #fff; }}
{STATUSES}
.vtm-jobs-scroll {{ max-height: 560px; overflow: auto; border: 1px solid {LINE}; border-radius: .5rem; }}
table.vtm-jobs {{ border-collapse: separate; border-spacing: 0; width: 100%; font-size: .875rem; }}
.vtm-jobs th, .vtm-jobs td {{ padding: .35rem .6rem; text-align: left; vertical-align: top; white-space: nowrap;
  border-bottom: 1px solid rgba(49, 51, 63, .1); background: #fff; }}
.vtm-jobs th {{ position: sticky; top: 0; z-index: 1; background: #f3f5f9; font-weight: 600; }}
.vtm-jobs td:first-child, .vtm-jobs th:first-child {{ position: sticky; left: 0; }}
.vtm-jobs th:first-child {{ z-index: 2; }}
.vtm-jobs td:last-child {{ white-space: normal; min-width: 12rem; overflow-wrap: anywhere; }}
.vtm-jobs tbody tr:hover td {{ background: #f8fafc; }}
[data-testid="stMarkdownContainer"] td:first-child {{ white-space: nowrap; }}
[data-testid="stMarkdownContainer"] table {{ display: block; max-width: 100%; overflow-x: auto; }}
.vtm-bar {{ display: inline-block; width: 3.5rem; height: .5rem; margin-right: .3rem; border-radius: .25rem; overflow: hidden;
  vertical-align: middle; background: #e5e7eb; }}
.vtm-bar > span {{ display: block; height: 100%; background: {PRIMARY}; }}
@media (max-width: 640px) {{
  [data-testid="stMetric"] {{ padding: .35rem .6rem; }}
  [data-testid="stMetricValue"] {{ font-size: 1.4rem; }}
  .vtm-counts {{ grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .5rem; }}
  .vtm-count {{ padding: .35rem .6rem; }}
  .vtm-count-value {{ font-size: 1.4rem; }}
  [data-testid="stSegmentedControl"], [data-testid="stButtonGroup"] {{ max-width: 100%; overflow-x: auto; }}
  [data-testid="stButtonGroup"] > div {{ flex-wrap: wrap; }}
}}
"""

