"""The Upload page's uploader: a small inline component (`st.components.v2`, no iframe)
that sends each chosen file to `POST /api/videos` straight from the browser, streamed,
several at once, with a progress bar per file. Nothing goes through Streamlit's
websocket or `st.file_uploader` (which holds files in memory), so any size the API
accepts works. Each file's answer goes back to Python as it arrives (the `results`
state: the answers so far of the latest batch); the page renders them.

File names are only ever set as `textContent` here, never as HTML.
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
.files { list-style: none; margin: .75rem 0 0; padding: 0; display: flex; flex-direction: column; gap: .5rem; }
.file { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: .15rem .75rem; font-size: .9rem; }
.name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
.state { opacity: .75; white-space: nowrap; }
.bar { grid-column: 1 / -1; height: .4rem; border-radius: .2rem; background: var(--st-border-color, #e3e7ee); overflow: hidden; }
.bar > div { height: 100%; width: 0; background: var(--st-primary-color); transition: width .2s; }
.file.ok .bar > div { background: var(--st-green-color, #16a34a); }
.file.bad .bar > div { background: var(--st-red-color, #dc2626); width: 100%; }
"""

JS = """
const PARALLEL = 2;

function mb(bytes) {
  if (bytes < 1048576) return Math.max(1, Math.round(bytes / 1024)) + " KB";
  return (bytes / 1048576).toFixed(bytes < 10485760 ? 1 : 0) + " MB";
}

function row(list, file) {
  const li = document.createElement("li"); li.className = "file";
  const name = document.createElement("span"); name.className = "name"; name.textContent = file.name; name.title = file.name;
  const state = document.createElement("span"); state.className = "state"; state.textContent = "waiting · " + mb(file.size);
  const bar = document.createElement("div"); bar.className = "bar"; const fill = document.createElement("div"); bar.appendChild(fill);
  li.append(name, state, bar); list.appendChild(li);
  return { li, state, fill };
}

function send(cfg, file, ui) {
  return new Promise((resolve) => {
    const finish = (ok, status, body, fallback) => {
      const error = ok ? null : ((body && body.error) || { code: "upload_failed", message: fallback });
      ui.li.classList.add(ok ? "ok" : "bad"); ui.fill.style.width = "100%";
      ui.state.textContent = ok ? "added" : "not added";
      resolve({ name: file.name, ok, status, id: ok ? body.id : null, error });
    };
    if (cfg.max_bytes && file.size > cfg.max_bytes) {
      return finish(false, 413, null, "it is " + mb(file.size) + ", over the limit of " + mb(cfg.max_bytes) + " (VTM_MAX_UPLOAD_MB).");
    }
    const form = new FormData(); form.append("video", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", cfg.url);
    if (cfg.ticket) xhr.setRequestHeader("X-VTM-Upload-Ticket", cfg.ticket);
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.floor(100 * e.loaded / e.total);
      ui.fill.style.width = pct + "%";
      ui.state.textContent = pct < 100 ? pct + "% of " + mb(file.size) : "checking the video…";
    };
    xhr.onload = () => {
      let body = null; try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 401 && cfg.ticket) body = { error: { code: "ticket_expired",
        message: "this page's permission to upload has expired; reload the page and try again." } };
      finish(xhr.status === 201, xhr.status, body, "the server answered " + xhr.status + ".");
    };
    xhr.onerror = () => finish(false, 0, null, "the connection broke during the upload; try again.");
    ui.state.textContent = "0% of " + mb(file.size);
    xhr.send(form);
  });
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  const root = parentElement.querySelector(".vtm-up");
  root.cfg = data;
  parentElement.querySelector(".hint").textContent = data.hint;
  if (root.ready) return;
  root.ready = true;
  const input = root.querySelector("input"), drop = root.querySelector(".drop"), list = root.querySelector(".files");
  input.accept = data.accept;

  async function upload(files) {
    if (!files.length) return;
    list.replaceChildren();
    const queue = Array.from(files).map((file) => ({ file, ui: row(list, file) }));
    const results = new Array(queue.length);
    setStateValue("results", []);
    let next = 0;
    async function worker() {
      while (next < queue.length) {
        const i = next++;
        results[i] = await send(root.cfg, queue[i].file, queue[i].ui);
        setStateValue("results", results.filter(Boolean));  // Python shows each answer as it comes
      }
    }
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }

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
