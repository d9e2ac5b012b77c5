"""Watch folders: videos that appear in a folder are imported by reference.

    state.py    what the watcher knows of a file, and the events it reports
    settle.py   when a file has stopped changing (a copy in progress is never reported)
    watcher.py  the thread: change events (or polling), a catch-up scan, rescans
"""
