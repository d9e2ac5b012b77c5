"""The data folder and everything VTM writes to disk: the one place for paths and names.

    layout.py     where each file lives (DataDir), names VTM gives, what is on disk
    names.py      names users choose, made safe to store
    atomic.py     writes nobody sees half of; removing what VTM made
    receiving.py  uploads streamed to data/tmp, hashed and bounded
    lock.py       one process per data folder
"""

from vtm.files.atomic import atomic_path, remove_tree, write_atomic, write_folder
from vtm.files.layout import DataDir, Inventory, staging_root, thumbnail_name, unusable
from vtm.files.names import VIDEO_EXTENSIONS, safe_filename
from vtm.files.receiving import Received, Receiver, receive_file, receive_stream, sha256_of

__all__ = [
    "VIDEO_EXTENSIONS", "DataDir", "Inventory", "Received", "Receiver", "atomic_path", "receive_file", "receive_stream",
    "remove_tree", "safe_filename", "sha256_of", "staging_root", "thumbnail_name", "unusable", "write_atomic",
    "write_folder",
]
