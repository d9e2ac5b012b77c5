"""The Settings page: watched folders, what to make when a video arrives (recipes, per
folder and for uploads) and webhooks with their delivery log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import streamlit as st

from vtm.service import WEBHOOK_EVENTS, Service, Webhook
from vtm.ui import format
from vtm.ui.feedback import attempt

UPLOADS = "uploads"
SECRET = "settings_new_secret"
FLASH = "settings_flash"
# The recipe form's outputs: (kind, label, the option it asks for, its default).
SIMPLE = (("thumbnail", "Poster thumbnail", "width", 640), ("storyboard", "Storyboard, a tile every (s)", "every", 5.0),
          ("sheet", "Contact sheet", None, None), ("scenes", "Scenes", None, None), ("preview", "Animated preview", None, None))


def _done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


# -- watched folders ------------------------------------------------------------------------
def watch_folders(svc: Service) -> None:
    st.caption("Videos that appear in these folders are imported by reference once their size stops changing "
               f"for {svc.settings.watch_stable_s:g} s; a file moved away marks its video missing (its pictures are kept).")
    folders = svc.watch_folders()
    if not folders:
        st.info("No folder is watched yet.", icon=":material/folder_off:")
    for folder in folders:
        left, right = st.columns([5, 1], vertical_alignment="center")
        state = "" if folder.present else " — not reachable now (unmounted?)"
        origin = " · set by VTM_WATCH" if folder.from_settings else ""
        left.markdown(f":material/folder: `{format.md(folder.path)}`{origin}{state}")
        if not folder.from_settings and right.button("Remove", key=f"unwatch_{folder.path}", icon=":material/close:"):
            _unwatch(svc, folder.path)
    with st.form("add_watch_folder", clear_on_submit=True, border=False):
        path = st.text_input("Folder on the server", placeholder="/mnt/camera", key="watch_folder_path")
        if st.form_submit_button("Watch this folder", icon=":material/add:"):
            added = attempt(lambda: svc.add_watch_folder(path))
            if added is not None:
                _done(f"Watching {added.path}; its videos are being imported.")


def _unwatch(svc: Service, path: str) -> None:
    if attempt(lambda: svc.remove_watch_folder(path)) is not None:
        _done(f"Stopped watching {path}; its videos stay in the library.")


# -- recipes --------------------------------------------------------------------------------
def recipes(svc: Service) -> None:
    st.caption("What VTM makes by itself when a video arrives: once per video, through the same jobs as a request.")
    targets = [UPLOADS, *(f.path for f in svc.watch_folders())]
    target = st.selectbox("When a video arrives from", targets, key="recipe_target",
                          format_func=lambda t: "an upload or an import" if t == UPLOADS else t)
    recipe = svc.recipe(target)
    current = [o.to_dict() for o in recipe.outputs] if recipe else []
    st.markdown("**Now:** " + (", ".join(_describe(o) for o in current) if current else "nothing is made"))
    chosen = {o["kind"]: o.get("options") or {} for o in current}
    with st.form(f"recipe_{target}", border=True):
        outputs: list[dict[str, Any]] = []
        for kind, label, option, default in SIMPLE:
            left, right = st.columns([2, 1], vertical_alignment="bottom")
            on = left.checkbox(label, value=kind in chosen, key=f"recipe_{target}_{kind}")
            options = dict(chosen.get(kind, {}))
            if option is not None:
                value = right.number_input(option, value=options.get(option, default), key=f"recipe_{target}_{kind}_{option}",
                                           label_visibility="collapsed")
                options[option] = value
            if on:
                outputs.append({"kind": kind, "options": options})
        if st.form_submit_button("Save", type="primary", icon=":material/save:"):
            if attempt(lambda: svc.set_recipe(target, outputs)) is not None:
                _done("Saved: " + (", ".join(_describe(o) for o in outputs) or "nothing is made"))
    with st.expander("Edit as JSON (every option of every kind)"):
        text = st.text_area("Outputs", json.dumps(current, indent=1), key=f"recipe_json_{target}", height=160)
        if st.button("Save the JSON", key=f"recipe_json_save_{target}"):
            try:
                parsed = json.loads(text)
            except ValueError as exc:
                st.error(f"That is not JSON: {exc}", icon=":material/error:")
            else:
                if attempt(lambda: svc.set_recipe(target, parsed)) is not None:
                    _done("Saved.")


def _describe(output: dict[str, Any]) -> str:
    options = output.get("options") or {}
    shown = ", ".join(f"{k} {v}" for k, v in options.items())
    return f"{output['kind']}" + (f" ({shown})" if shown else "")


# -- webhooks -------------------------------------------------------------------------------
def webhooks(svc: Service) -> None:
    st.caption("Other systems are told when videos are added or deleted and when jobs end: a signed POST "
               "(Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature); failures are retried "
               f"after {svc.settings.webhook_retry_s.replace(',', ', ')} s.")
    secret = st.session_state.pop(SECRET, None)
    if secret:
        st.success("Webhook added. Its signing secret, shown only this once:", icon=":material/key:")
        st.code(secret, language=None)
    with st.form("add_webhook", clear_on_submit=True, border=True):
        url = st.text_input("URL that receives the events", placeholder="https://example.com/hooks/vtm", key="webhook_url")
        events = st.multiselect("Events", list(WEBHOOK_EVENTS), default=list(WEBHOOK_EVENTS), key="webhook_events")
        if st.form_submit_button("Add webhook", icon=":material/add_link:"):
            added = attempt(lambda: svc.add_webhook(url, events))
            if added is not None:
                st.session_state[SECRET] = added.secret
                st.rerun()
    for webhook in svc.list_webhooks():
        with st.container(border=True):
            webhook_card(svc, webhook)


def webhook_card(svc: Service, webhook: Webhook) -> None:
    head, test, remove = st.columns([4, 1, 1], vertical_alignment="center")
    head.markdown(f"**{format.md(webhook.url)}**  \n" + ", ".join(str(e) for e in webhook.events))
    if test.button("Send a test event", key=f"hook_test_{webhook.id}", icon=":material/send:"):
        if attempt(lambda: svc.send_test_webhook(webhook.id)) is not None:
            _done(f"A test event is on its way to {webhook.url}.")
    if remove.button("Remove", key=f"hook_remove_{webhook.id}", icon=":material/delete:"):
        if attempt(lambda: svc.delete_webhook(webhook.id)) is not None:
            _done(f"Removed the webhook to {webhook.url}.")
    deliveries = attempt(lambda: svc.webhook_deliveries(webhook.id, 20)) or []
    if not deliveries:
        st.caption("No delivery yet.")
        return
    st.dataframe([{"event": str(d.type), "state": str(d.state), "status code": d.status_code, "attempts": d.attempts,
                   "next try": _when(d.next_attempt_at) if str(d.state) == "pending" else "",
                   "delivered": _when(d.delivered_at), "error": d.error or ""}
                  for d in deliveries], hide_index=True, width="stretch")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""
