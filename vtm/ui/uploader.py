"""The Upload page's uploader: a small inline component (`st.components.v2`, no iframe)
that sends each chosen file to `POST /api/videos` straight from the browser, streamed,
several at once, with a progress bar per file. Nothing goes through Streamlit's
websocket or `st.file_uploader` (which holds files in memory), so any size the API
accepts works. Each file's answer goes back to Python as it arrives (the `results`
state: the answers so far of the latest batch); the page renders them. Answers that
arrive while the person is on another page wait until the Upload page is back: handed
over from there, they would rerun that other page under the person's next click.

File names are only ever set as `textContent` here, never as HTML. Each file has a
Cancel button (and the batch a Cancel all), its progress says the time left, and the
page asks before it is left mid-upload.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

HTML = """
<div class="vtm-up">
  <label class="drop" tabindex="0">
    <input type="file" multiple hidden>
    <span class="big">Drop videos here or <u>choose files</u></span>
    <span class="hint"></span>
  </label>
  <div class="bar-all" hidden><span class="summary" aria-live="polite"></span>
    <button type="button" class="cancel-all">Cancel all</button></div>
  <ul class="files"></ul>
</div>
"""

CSS = """
.vtm-up { font-family: var(--st-font); color: var(--st-text-color); }
.drop { display: flex; flex-direction: column; align-items: center; gap: .25rem; padding: 1.5rem 1rem;
        border: 1px dashed var(--st-border-color, #c7cdd6); border-radius: var(--st-base-radius, .5rem);
        background: var(--st-secondary-background-color); cursor: pointer; text-align: center; }
.drop.over, .drop:focus { border-color: var(--st-primary-color); outline: none; }
.big { font-size: 1rem; } .hint { font-size: .85rem; opacity: .7; }
.bar-all { display: flex; justify-content: space-between; align-items: center; gap: .75rem; margin-top: .75rem; font-size: .9rem; }
.files { list-style: none; margin: .75rem 0 0; padding: 0; display: flex; flex-direction: column; gap: .5rem; }
.file { display: grid; grid-template-columns: minmax(0, 1fr) auto auto; gap: .15rem .75rem; font-size: .9rem; align-items: center; }
.name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
.state { opacity: .75; white-space: nowrap; }
.vtm-up button { font: inherit; font-size: .8rem; padding: .1rem .6rem; border-radius: var(--st-base-radius, .5rem);
                 border: 1px solid var(--st-border-color, #c7cdd6); background: transparent; color: inherit; cursor: pointer; }
.vtm-up button:hover { border-color: var(--st-red-color, #dc2626); color: var(--st-red-color, #dc2626); }
.bar { grid-column: 1 / -1; height: .4rem; border-radius: .2rem; background: var(--st-border-color, #e3e7ee); overflow: hidden; }
.bar > div { height: 100%; width: 0; background: var(--st-primary-color); transition: width .2s; }
.file.ok .bar > div { background: var(--st-green-color, #16a34a); }
.file.bad .bar > div { background: var(--st-red-color, #dc2626); width: 100%; }
"""

# The batch lives in `window.__vtmUploads` for the page's lifetime, not in the component:
# leaving the Upload page for another page of the dashboard and coming back shows the
# same rows, still moving, and hands Python every answer. Leaving the dashboard (reload,
# closing the tab) while a file is sending asks first (`beforeunload`).
JS = """
const PARALLEL = 2;
const store = window.__vtmUploads || (window.__vtmUploads = { items: [], results: [], active: 0, root: null, push: null });

if (!window.__vtmUploadsGuard) {
  window.__vtmUploadsGuard = true;
  window.addEventListener("beforeunload", (e) => {
    if (store.active > 0) { e.preventDefault(); e.returnValue = ""; }  // the browser asks "Leave site?"
  });
}

function mb(bytes) {
  if (bytes < 1048576) return Math.max(1, Math.round(bytes / 1024)) + " KB";
  return (bytes / 1048576).toFixed(bytes < 10485760 ? 1 : 0) + " MB";
}

function clock(seconds) {
  seconds = Math.max(1, Math.round(seconds));
  if (seconds < 60) return seconds + " s";
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
}

function draw() {
  const root = store.root;
  if (!root || !root.isConnected) return;
  const list = root.querySelector(".files");
  list.replaceChildren();
  for (const item of store.items) {
    const li = document.createElement("li"); li.className = "file" + (item.done ? (item.ok ? " ok" : " bad") : "");
    const name = document.createElement("span"); name.className = "name"; name.textContent = item.name; name.title = item.name;
    const state = document.createElement("span"); state.className = "state"; state.textContent = item.text;
    const cancel = document.createElement("button"); cancel.type = "button"; cancel.textContent = "Cancel";
    cancel.setAttribute("aria-label", "Cancel the upload of " + item.name);
    cancel.hidden = item.done; cancel.addEventListener("click", () => stop(item));
    const bar = document.createElement("div"); bar.className = "bar"; const fill = document.createElement("div");
    fill.style.width = item.pct + "%"; bar.appendChild(fill);
    li.append(name, state, cancel, bar); list.appendChild(li);
  }
  const waiting = store.items.filter((i) => !i.done);
  root.querySelector(".bar-all").hidden = waiting.length === 0;
  const sent = waiting.reduce((a, i) => a + i.loaded, 0), total = waiting.reduce((a, i) => a + i.size, 0);
  const rate = waiting.reduce((a, i) => a + (i.rate || 0), 0);
  root.querySelector(".summary").textContent = waiting.length === 0 ? "" : waiting.length + " file" + (waiting.length > 1 ? "s" : "")
    + " left · " + mb(sent) + " of " + mb(total) + (rate > 0 ? " · about " + clock((total - sent) / rate) + " left" : "");
}

function stop(item) {
  item.cancelled = true;
  if (item.xhr) item.xhr.abort(); else finishItem(item, false, 0, null, "cancelled before it started.", "cancelled");
}

function finishItem(item, ok, status, body, fallback, code) {
  if (item.done) return;
  const error = ok ? null : ((body && body.error) || { code: code || "upload_failed", message: fallback });
  item.done = true; item.ok = ok; item.pct = 100; item.text = ok ? "added" : (code === "cancelled" ? "cancelled" : "not added");
  item.result = { name: item.name, ok, status, id: ok ? body.id : null, error };
  if (item.resolve) item.resolve();
  draw();
}

function send(cfg, item) {
  return new Promise((resolve) => {
    item.resolve = resolve;
    if (item.done) return resolve();
    if (cfg.max_bytes && item.size > cfg.max_bytes) {
      return finishItem(item, false, 413, null, "it is " + mb(item.size) + ", over the limit of " + mb(cfg.max_bytes) + " (VTM_MAX_UPLOAD_MB).");
    }
    const form = new FormData(); form.append("video", item.file, item.name);
    const xhr = new XMLHttpRequest(); item.xhr = xhr;
    const started = performance.now();
    xhr.open("POST", cfg.url);
    if (cfg.ticket) xhr.setRequestHeader("X-VTM-Upload-Ticket", cfg.ticket);
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      item.loaded = e.loaded * item.size / e.total;
      item.pct = Math.floor(100 * e.loaded / e.total);
      const elapsed = (performance.now() - started) / 1000;
      item.rate = elapsed > 0.5 ? item.loaded / elapsed : 0;
      const eta = item.rate > 0 && item.pct < 100 ? " · " + clock((item.size - item.loaded) / item.rate) + " left" : "";
      item.text = item.pct < 100 ? item.pct + "% of " + mb(item.size) + eta : "checking the video…";
      draw();
    };
    xhr.onload = () => {
      let body = null; try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 401 && cfg.ticket) body = { error: { code: "ticket_expired",
        message: "this page's permission to upload has expired; reload the page and try again." } };
      finishItem(item, xhr.status === 201, xhr.status, body, "the server answered " + xhr.status + ".");
    };
    xhr.onerror = () => finishItem(item, false, 0, null, "the connection broke during the upload; try again.");
    xhr.onabort = () => finishItem(item, false, 0, null, "you cancelled it; nothing was added.", "cancelled");
    item.text = "0% of " + mb(item.size); draw();
    xhr.send(form);
  });
}

function report() {
  // Only while the uploader is on screen. Handed to Python from another page (the person left while it
  // sent), an answer reruns *that* page, and a click made at that moment (a page link) is lost to the
  // rerun; the answers wait, and the uploader hands them over when the Upload page is back.
  if (store.push && store.root && store.root.isConnected) store.push(store.items.filter((i) => i.done).map((i) => i.result));
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  const root = parentElement.querySelector(".vtm-up");
  store.cfg = data;
  store.root = root;
  store.push = (results) => setStateValue("results", results);
  parentElement.querySelector(".hint").textContent = data.hint;
  root.querySelector("input").accept = data.accept;
  draw();
  if (root.ready) return;
  root.ready = true;
  const input = root.querySelector("input"), drop = root.querySelector(".drop");
  if (store.items.some((i) => i.done)) report();  // back on the page: the answers that came meanwhile

  async function upload(files) {
    if (!files.length) return;
    if (store.active === 0) store.items = [];  // a new batch once the last one is over
    const queue = Array.from(files).map((file) => ({ file, name: file.name, size: file.size, loaded: 0, pct: 0,
                                                     text: "waiting · " + mb(file.size), done: false }));
    store.items.push(...queue);
    store.active += queue.length;
    draw(); report();
    let next = 0;
    async function worker() {
      while (next < queue.length) {
        const item = queue[next++];
        await send(store.cfg, item);
        store.active -= 1;
        report();  // Python shows each answer as it comes
      }
    }
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }

  root.querySelector(".cancel-all").addEventListener("click", () => store.items.filter((i) => !i.done).forEach(stop));
  input.addEventListener("change", () => { upload(input.files); input.value = ""; });
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); upload(e.dataTransfer.files); });
}
"""

_component = st.components.v2.component("vtm_uploader", html=HTML, css=CSS, js=JS)


def uploader(*, url: str, ticket: str, max_bytes: int, accept: str, hint: str, key: str = "vtm_uploader") -> list[dict[str, Any]]:
    """Show the uploader; returns the answers so far of the latest batch, one per file
    (name, ok, status, id, error). Each answer reruns the page."""
    result = _component(
        key=key, data={"url": url, "ticket": ticket, "max_bytes": max_bytes, "accept": accept, "hint": hint},
        default={"results": []}, on_results_change=lambda: None,
    )
    answers = result.get("results") if result is not None else None
    return list(answers or [])
