"""The data folder and everything VTM writes to disk: the one place for paths and names.

    layout.py     where each file lives (DataDir), names VTM gives, what is on disk
    names.py      names users choose, made safe to store
    atomic.py     writes nobody sees half of; removing what VTM made
    receiving.py  uploads streamed to data/tmp, hashed and bounded
    lock.py       one process per data folder
"""

from vtm.files.atomic import atomic_path, remove_tree, write_atomic, write_folder
from vtm.files.layout import DataDir, Inventory, poster_choice_beside, staging_root, thumbnail_name, unusable
from vtm.files.names import VIDEO_EXTENSIONS, given_name, safe_filename, stored_filename
from vtm.files.receiving import Received, Receiver, receive_file, sha256_of

__all__ = [
    "VIDEO_EXTENSIONS", "DataDir", "Inventory", "Received", "Receiver", "atomic_path", "poster_choice_beside", "receive_file",
    "given_name", "remove_tree", "safe_filename", "sha256_of", "stored_filename", "staging_root", "thumbnail_name", "unusable", "write_atomic",
    "write_folder",
]
