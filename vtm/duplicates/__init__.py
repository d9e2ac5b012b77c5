"""Near-duplicate videos: which pairs of a library share footage, and where.

    fingerprints (vtm.media.fingerprint) ─► index.py  frames whose hashes share a 16-bit band
                                          ─► align.py  offsets those frames agree on, ranges
                                          ─► finder.py pairs with similarity and time ranges
"""

from vtm.duplicates.finder import Duplicate, Range, duplicates_of, find_duplicates

__all__ = ["Duplicate", "Range", "duplicates_of", "find_duplicates"]
