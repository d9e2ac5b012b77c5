"""How the decoded pictures of a stream are meant to be shown: the shape of their pixels
(sample aspect ratio), the turn to make them upright (rotation), their transfer (SDR,
or HDR as PQ/HDR10 or HLG) and whether they are interlaced (field order).

Every output derives its sizes from the *display* size: the stored size times the
sample aspect ratio (a 704x576 PAL picture with SAR 16:11 is shown 1024x576), then
turned by the rotation. The picture is widened (SAR > 1) or heightened (SAR < 1),
never shrunk, as players do.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from vtm.media.decoder import display_rotation

# A SAR outside this range is a broken header, not a real pixel shape: ignored.
SAR_RANGE = (Fraction(1, 8), Fraction(8, 1))
PQ, HLG = "pq", "hlg"
_TRANSFERS = {16: PQ, 18: HLG}  # AVCOL_TRC_SMPTE2084, AVCOL_TRC_ARIB_STD_B67
_FIELD_ORDERS = {2: "tff", 3: "bff", 4: "tff", 5: "bff"}  # AV_FIELD_TT, BB, TB, BT
DEFAULT_PEAK = 10.0  # 1000 cd/m2 in units of 100 cd/m2 (SDR white), when the stream does not say


@dataclass(frozen=True)
class Look:
    sar: Fraction = Fraction(1)
    rotation: int = 0  # degrees clockwise to turn upright
    transfer: str | None = None  # PQ, HLG or None (SDR)
    field_order: str | None = None  # "tff", "bff" or None (progressive)
    peak: float = DEFAULT_PEAK  # brightest light of an HDR stream, in units of 100 cd/m2

    @property
    def hdr(self) -> bool:
        return self.transfer is not None

    @property
    def interlaced(self) -> bool:
        return self.field_order is not None

    @property
    def sideways(self) -> bool:
        return self.rotation in (90, 270)

    def shown_size(self, width: int, height: int) -> tuple[int, int]:
        """The stored `width` x `height` with square pixels, before rotation."""
        if self.sar > 1:
            return max(1, round(width * self.sar)), height
        if self.sar < 1:
            return width, max(1, round(height / self.sar))
        return width, height

    def display_size(self, width: int, height: int) -> tuple[int, int]:
        """The upright size a player shows for a stored `width` x `height` picture."""
        w, h = self.shown_size(width, height)
        return (h, w) if self.sideways else (w, h)

    def stored_size(self, width: int, height: int) -> tuple[int, int]:
        """Scale target in the frame's own orientation for an upright `width` x `height`."""
        return (height, width) if self.sideways else (width, height)


def sample_aspect(stream: Any) -> Fraction:
    """The stream's SAR as FFmpeg guesses it (the container's, else the codec's); 1 when
    unset or absurd."""
    for source in (stream, stream.codec_context):
        try:
            value = source.sample_aspect_ratio
        except AttributeError:
            continue
        if value and value.numerator > 0 and value.denominator > 0:
            sar = Fraction(value.numerator, value.denominator)
            return sar if SAR_RANGE[0] <= sar <= SAR_RANGE[1] else Fraction(1)
    return Fraction(1)


def look_of(stream: Any, frame: Any) -> Look:
    """The Look of `stream`, from its header and its first decoded `frame`."""
    transfer = _TRANSFERS.get(int(getattr(frame, "color_trc", 0) or 0))
    order = _FIELD_ORDERS.get(int(getattr(stream.codec_context, "field_order", 0) or 0))
    if order is None and getattr(frame, "interlaced_frame", False):
        order = "tff"
    return Look(sar=sample_aspect(stream), rotation=display_rotation(frame), transfer=transfer, field_order=order,
                peak=signal_peak(frame) if transfer else DEFAULT_PEAK)


def signal_peak(frame: Any) -> float:
    """The brightest light of an HDR frame in units of 100 cd/m2, as FFmpeg's `tonemap`
    filter reads it: MaxCLL, else the mastering display's peak, else 1000 cd/m2."""
    cll = mastering = None
    for data in getattr(frame, "side_data", ()):
        name = getattr(data.type, "name", str(data.type))
        if name == "CONTENT_LIGHT_LEVEL":
            cll = bytes(data)
        elif name == "MASTERING_DISPLAY_METADATA":
            mastering = bytes(data)
    if cll and len(cll) >= 4:
        max_cll = struct.unpack_from("=I", cll)[0]
        if max_cll > 0:
            return float(max_cll) / 100
    if mastering and len(mastering) >= 88 and struct.unpack_from("=i", mastering, 84)[0]:
        num, den = struct.unpack_from("=ii", mastering, 72)
        if num > 0 and den > 0:
            return float(num / den / 100)
    return DEFAULT_PEAK


def sar_text(sar: Fraction) -> str:
    return f"{sar.numerator}:{sar.denominator}"

