"""The video page's player and poster: a `<video>` element (inline component, no iframe)
that streams the source from `GET /api/videos/{id}/source` with byte ranges, so that it
seeks without downloading the file; the poster frame shown before it plays; and why
`auto` chose that frame, from the picker's own scores ("auto chose 8.6 s: sharpest, not
black, not a title card").

A file whose codec or container a browser does not play (HEVC, MPEG-2, AVI, …) gets
its poster and a line saying so instead of a player that stays black.
"""

from __future__ import annotations

import streamlit as st

from vtm import urls
from vtm.models import Video
from vtm.service import PosterChoice, Service
from vtm.ui import format, images, url_state

HTML = '<div class="vtm-player"><video controls preload="metadata" playsinline></video></div>'
CSS = """
.vtm-player video { width: 100%; max-height: 70vh; background: #000; border-radius: var(--st-base-radius, .5rem); display: block; }
"""
JS = """
export default function (component) {
  const { parentElement, data } = component;
  const video = parentElement.querySelector("video");
  video.setAttribute("aria-label", data.label);
  video.title = data.label;
  if (data.poster && video.getAttribute("poster") !== data.poster) video.setAttribute("poster", data.poster);
  if (video.getAttribute("src") !== data.src) video.setAttribute("src", data.src);
}
"""
_component = st.components.v2.component("vtm_player", html=HTML, css=CSS, js=JS)

# What browsers play: H.264/AV1/VP8/VP9 in MP4, MOV, WebM or MKV (Chromium plays WebM-flavoured MKV).
PLAYABLE_CODECS = ("h264", "av1", "vp8", "vp9")
PLAYABLE_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".mkv")
FLAWS = {"dark": "black", "bright": "washed out", "uniform": "a title card or blank", "featureless": "featureless"}


def playable(video: Video) -> bool:
    suffix = "." + video.path.rsplit(".", 1)[-1].lower() if "." in video.path else ""
    return (video.codec or "").lower() in PLAYABLE_CODECS and suffix in PLAYABLE_SUFFIXES


def source_url(svc: Service, video: Video) -> str:
    ticket = svc.upload_ticket()
    return url_state.href(urls.video_source(video.id)) + (f"?ticket={ticket}" if ticket else "")


def auto_reason(choice: PosterChoice | None) -> str:
    """Why `auto` chose the poster's frame, from what the picker measured."""
    if choice is None:
        return "auto chose this frame (added by an older VTM, which did not keep why)"
    when = format.clock(choice.time)
    if choice.rejected is not None:
        return (f"auto chose {when}: the least bad of {choice.candidates} frames — every one was "
                f"{FLAWS.get(choice.rejected, choice.rejected)} or worse")
    reasons = ["sharpest" if choice.rank_sharpness == 1 else f"sharper than {choice.candidates - choice.rank_sharpness} "
               f"of the other {choice.candidates - 1}", "not black", "not a title card"]
    text = f"auto chose {when}: {', '.join(reasons)}"
    skipped = [f"{n} {FLAWS.get(flaw, flaw)}" for flaw, n in sorted(choice.skipped.items())]
    if skipped:
        text += f" (of {choice.candidates} frames scored, skipped {', '.join(skipped)})"
    return text


def render(svc: Service, video: Video) -> None:
    """The player (or a line saying browsers cannot play the file); beside it `poster`."""
    poster = svc.poster_path(video)
    shown = images.picture(svc, poster, images.BOX) if poster else None
    if playable(video):
        poster_url = ""
        if shown is not None and shown.data is not None:
            poster_url = images.data_uri(shown.data)
        _component(key=f"player_{video.id}", data={"src": source_url(svc, video), "poster": poster_url,
                                                  "label": f"Play {video.filename}"})
    else:
        kind = video.path.rsplit(".", 1)[-1].upper() if "." in video.path else "this container"
        st.info(f"Browsers cannot play {format.md(video.codec or 'this codec')} in {format.md(kind)}; the poster and "
                "the pictures below show it.", icon=":material/info:")


def poster_reason(svc: Service, video: Video) -> str:
    """Why the poster is this frame: the picker's reasons, or what was chosen by hand."""
    if video.poster_pick == "cover":
        return "the file's cover art, chosen by hand"
    if video.poster_pick not in (None, "auto"):
        at = format.clock(video.poster_at) if video.poster_at is not None else video.poster_pick
        return f"chosen by hand at {at}"
    return auto_reason(svc.poster_choice(video))


def poster(svc: Service, video: Video) -> None:
    """The poster frame, captioned with why it is that frame."""
    path = svc.poster_path(video)
    reason = format.md(poster_reason(svc, video))
    if path is None:
        st.caption(f"No poster yet · {reason}.")
        return
    images.show(svc, path, caption=f"Poster · {reason}.", width="stretch", box=images.CARD_BOX,
                alt=f"Poster of {video.filename}")
