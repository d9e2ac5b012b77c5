"""VTM_PATH_MAP: where a node sees the app's data folder when it mounts it elsewhere.

`VTM_PATH_MAP=/srv/vtm=/mnt/vtm` in the environment of a node's `ray start` says that
the app's `/srv/vtm/...` is `/mnt/vtm/...` on that node; several pairs are separated
by commas. A task maps its input paths to the node's and the output path it returns
back to the app's, so the app only ever stores its own paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from vtm.errors import InvalidInput

ENV = "VTM_PATH_MAP"


@dataclass(frozen=True)
class PathMap:
    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> PathMap:
        pairs = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            app, sep, node = item.partition("=")
            if not sep or not _absolute(app) or not _absolute(node):
                raise InvalidInput(f"{ENV}: {item!r} is not APP_PATH=NODE_PATH with two absolute paths "
                                   "(e.g. /srv/vtm=/mnt/vtm).")
            pairs.append((_clean(app), _clean(node)))
        # The longest prefix wins when one mapped folder holds another.
        return cls(tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)))

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> PathMap:
        return cls.parse(environ.get(ENV, ""))

    def to_node(self, path: str) -> str:
        return _swap(path, self.pairs)

    def to_app(self, path: str) -> str:
        return _swap(path, tuple((node, app) for app, node in self.pairs))


def _absolute(path: str) -> bool:
    return path.startswith("/")


def _clean(path: str) -> str:
    return str(PurePosixPath(path))


def _swap(path: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for old, new in sorted(pairs, key=lambda pair: len(pair[0]), reverse=True):
        if path == old:
            return new
        if path.startswith(old.rstrip("/") + "/"):
            return new.rstrip("/") + path[len(old.rstrip("/")):]
    return path
