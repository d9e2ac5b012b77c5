"""Walking a video stream packet by packet to the frame wanted, decoding as little as
possible (the engine under `frames.grab_many`).

Exact: after a seek to the keyframe before time T, packets are read ahead (not decoded)
until one is decoded after T (dts > T; no frame shown at or before T can follow it).
Their timestamps say which frame is on screen at T, before any decoding. Then packets
go to the decoder with `skip_frame` set per packet: NONREF for packets shown before
that frame (a non-reference frame is used by no other frame, so skipping it changes
nothing else), DEFAULT from that frame on. Decoding stops when that frame comes out;
packets read ahead but not sent stay for the next time. Streams whose packets carry no
timestamps are decoded frame by frame instead.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import av

from vtm.errors import Unsupported
from vtm.media.decoder import seek

log = logging.getLogger(__name__)
ERRORS = (av.error.FFmpegError, EOFError, ValueError)


class Walker:
    def __init__(self, container: Any, stream: Any) -> None:
        self.container, self.stream, self.ctx = container, stream, stream.codec_context
        self.base = stream.time_base or Fraction(1, 90000)
        self.start = stream.start_time if stream.start_time is not None else 0
        self.packets: Any = iter(())  # demuxer after the last seek
        self.ahead: deque[Any] = deque()  # read, not yet sent to the decoder
        self.out: deque[Any] = deque()  # decoded, not yet looked at
        self.inflight: set[int] = set()  # pts sent to the decoder (not skipped), not yet out
        self.last: Any = None  # the last frame handed out
        self.ended = True  # the decoder has been drained: seek before decoding more
        self.decoded_any = False
        self.plain = False  # decode every frame (no NONREF skipping): deinterlacing needs the one before
        self.recent: Any = None  # the last frame taken out of the decoder since the last seek
        self.before: Any = None  # the one taken out just before it

    # -- time ------------------------------------------------------------------------
    def seconds(self, frame: Any) -> float:
        return 0.0 if frame.pts is None else float((frame.pts - self.start) * self.base)

    def seconds_of(self, pts: int) -> float:
        return float((pts - self.start) * self.base)

    def limit(self, seconds: float) -> int:
        return self._limit(seconds)

    def _limit(self, seconds: float) -> int:
        """The largest pts shown at or before `seconds` (a microsecond of slack)."""
        return self.start + math.floor((seconds + 1e-6) / self.base)

    def can_walk_to(self, seconds: float, window: float) -> bool:
        return self.last is not None and not self.ended and 0 <= seconds - self.seconds(self.last) <= window

    # -- reading ---------------------------------------------------------------------
    def _seek(self, seconds: float) -> None:
        if not seek(self.container, self.stream, seconds):
            seek(self.container, self.stream, 0.0)
        self._demux_afresh()

    def _demux_afresh(self) -> None:
        """After a seek: read packets from the new position, forget what was buffered."""
        self.packets = self.container.demux(self.stream)
        self.ahead.clear()
        self.out.clear()
        self.inflight.clear()
        self.ended = False
        self.recent = self.before = None

    def _read(self) -> Any:
        """The next packet with data, or None at the end (or where the data breaks)."""
        if self.ahead:
            return self.ahead.popleft()
        return self._pull()

    def _pull(self) -> Any:
        try:
            for packet in self.packets:
                if packet.size:
                    return packet
        except ERRORS as exc:
            log.debug("demuxing stopped: %s", exc)
        self.packets = iter(())
        return None

    def _send(self, packet: Any, skip: str) -> bool:
        """Decode one packet (None drains the decoder); False when nothing more will come."""
        if packet is None and self.ended:
            return False
        self.ctx.skip_frame = skip
        try:
            frames = self.ctx.decode(packet)
        except ERRORS as exc:
            log.debug("decoding stopped: %s", exc)
            self.ended, self.packets = True, iter(())
            self.ahead.clear()
            return False
        if packet is not None and packet.pts is not None and skip == "DEFAULT":
            self.inflight.add(packet.pts)
        for frame in frames:
            self.inflight.discard(frame.pts)
        self.out.extend(frames)
        self.decoded_any = self.decoded_any or bool(frames)
        if packet is None:
            self.ended = True
        return True

    # -- exact -----------------------------------------------------------------------
    def exact_at(self, seconds: float, *, walk: bool) -> Any:
        """The frame on screen at `seconds`."""
        limit = self._limit(seconds)
        if not walk:
            self._position(seconds, limit)
        want = self._target(limit)
        if want is not None and self.last is not None and self.last.pts == want:
            return self.last
        return self._keep(self._decode_to(want, limit))

    def _position(self, seconds: float, limit: int) -> None:
        """Seek so that decoding starts on a keyframe shown at or before `limit`. Some
        demuxers (MPEG-TS) land on any packet, or after the time: then keep only from
        the next keyframe, and step back further while that one is too late."""
        back = 0.0
        while True:
            at = max(0.0, seconds - back)
            if at > 0:
                self._seek(at)
            else:
                self._rewind()
            first = self._first_keyframe()
            if at == 0 or (first is not None and (first.pts is None or first.pts <= limit)):
                return  # (None: no keyframe before the end; step back)
            back = max(1.0, back * 4)

    def _rewind(self) -> None:
        try:
            self.container.seek(0, backward=True)  # the start of the file, whatever its timestamps
        except ERRORS:
            seek(self.container, self.stream, 0.0)
        self._demux_afresh()

    def _first_keyframe(self, patience: int = 1000) -> Any:
        """Drop packets before the first keyframe (decoding them gives broken pictures);
        None when none comes before the end; a stream without keyframe flags is left as it is."""
        dropped: list[Any] = []
        while (packet := self._read()) is not None:
            if packet.is_keyframe:
                self.ahead.appendleft(packet)
                return packet
            dropped.append(packet)
            if len(dropped) >= patience:
                self.ahead.extendleft(reversed(dropped))
                return dropped[0]
        return None

    def _target(self, limit: int) -> int | None:
        """The pts of the frame shown at `limit`, from packet timestamps; None if they are missing."""
        while True:
            if self.ahead:
                tail = self.ahead[-1]
                mark = tail.dts if tail.dts is not None else tail.pts
                if mark is None or mark > limit:
                    break
            packet = self._pull()
            if packet is None:
                break
            self.ahead.append(packet)
        stamps = [f.pts for f in self.out] + [p.pts for p in self.ahead] + list(self.inflight)
        if self.last is not None and not self.ended:
            stamps.append(self.last.pts)
        if not stamps or None in stamps:
            return None
        shown = [s for s in stamps if s <= limit]
        return int(max(shown) if shown else min(stamps))

    def _decode_to(self, want: int | None, limit: int) -> Any:
        best = self.last if self.last is not None and want is None and not self.ended else None
        while True:
            while self.out:
                frame = self.out[0]
                if frame.pts == want:
                    return self._pop()
                if frame.pts is not None and frame.pts > limit and (best is not None or want is None or frame.pts > want):
                    return best if best is not None else self._pop()
                best = self._pop()
            packet = self._read()
            early = want is not None and packet is not None and packet.pts is not None and packet.pts < want
            skip = "NONREF" if early and not self.plain else "DEFAULT"
            if not self._send(packet, skip):
                break
        if best is not None:
            return best
        return self._last_frame()

    def _keep(self, frame: Any) -> Any:
        self.last = frame
        return frame

    def _pop(self) -> Any:
        frame = self.out.popleft()
        self.before, self.recent = self.recent, frame
        return frame

    # -- neighbours (deinterlacing) --------------------------------------------------
    def neighbours(self, frame: Any) -> tuple[Any, Any]:
        """The frames shown just before and just after `frame` (the last one handed out),
        decoding one more frame if needed; None where there is none at hand."""
        before = self.before if self.recent is frame else None
        if self.ended or frame.pts is None:
            return before, None
        while not any(f.pts is not None and f.pts > frame.pts for f in self.out):
            if not self._send(self._read(), "DEFAULT"):
                break
        after = next((f for f in self.out if f.pts is not None and f.pts > frame.pts), None)
        return before, after

    def _last_frame(self) -> Any:
        """Nothing decodes at or after the seek point (past the end, damaged tail):
        read from the start and keep the last frame that decodes."""
        self._seek(0.0)
        last = None
        while True:
            while self.out:
                last = self.out.popleft()
            if not self._send(self._read(), "DEFAULT"):
                break
        if last is None:
            if self.decoded_any:
                raise Unsupported("No frame could be decoded at that time.", code="undecodable")
            raise Unsupported("No frame could be decoded.", code="undecodable")
        self.ended = True
        return last

    # -- fast ------------------------------------------------------------------------
    def key_at(self, seconds: float, *, nearest: bool = False) -> Any:
        """The keyframe at or before `seconds` or, with `nearest`, the next one when that
        is closer; only that keyframe is decoded. The next keyframe is found by a forward
        seek (an index lookup in MP4/MKV/WebM), not by decoding."""
        limit = self._limit(seconds)
        key = self.key_before(seconds)
        if nearest and key is not None and key.is_keyframe and key.pts is not None and key.pts < limit:
            after = self.key_after(seconds, float((limit - key.pts) * self.base))
            if after is not None and after.pts - limit < limit - key.pts:
                key = after
        frame = self.decode_key(key) if key is not None else None
        return frame if frame is not None else self.exact_at(seconds, walk=False)  # no keyframe flags, or undecodable

    def key_before(self, seconds: float) -> Any:
        """The keyframe packet shown at or before `seconds` (read, not decoded), or None."""
        self._position(seconds, self._limit(seconds))
        return self.ahead[0] if self.ahead else None

    def key_after(self, seconds: float, horizon: float) -> Any:
        """The first keyframe packet shown after `seconds` and at most `horizon` seconds
        after it, or None. One forward seek; demuxers that land anywhere (MPEG-TS) are
        read on from there."""
        limit, stop = self._limit(seconds), self._limit(seconds + horizon)
        try:
            self.container.seek(limit + 1, stream=self.stream, backward=False)
        except ERRORS:
            return None
        self._demux_afresh()
        while (packet := self._pull()) is not None:
            if packet.is_keyframe and packet.pts is not None and packet.pts > limit:
                return packet if packet.pts <= stop else None
            mark = packet.dts if packet.dts is not None else packet.pts
            if mark is not None and mark > stop:
                return None
        return None

    def sizes_between(self, key: Any, stop: float) -> list[tuple[int, int, bool]]:
        """(timestamp, size, keyframe) of the packets from keyframe `key` to `stop`
        seconds, from the container's index when it lists every packet (MP4: no reading
        at all), else read from the file (not decoded). Index timestamps are decode
        times, a few frames early: callers allow for that."""
        entries = self._full_index()
        last = self._limit(stop)
        if entries is not None:
            first = entries.search_timestamp(key.dts if key.dts is not None else key.pts, backward=True)
            end = entries.search_timestamp(last, backward=True)
            if 0 <= first <= end:
                return [(e.timestamp, e.size, e.is_keyframe) for e in entries[first : end + 4]]
        self._position(self.seconds(key), key.pts)
        got = []
        while (packet := self._read()) is not None:
            got.append((packet.pts, packet.size, packet.is_keyframe))
            mark = packet.dts if packet.dts is not None else packet.pts
            if mark is not None and mark > last:
                break
        return [g for g in got if g[0] is not None]

    def _full_index(self) -> Any:
        """The stream's index when it lists every packet, else None."""
        try:
            entries = self.stream.index_entries
            total = self.stream.frames or 0
        except (AttributeError, *ERRORS):
            return None
        return entries if total > 0 and len(entries) >= total else None

    def decode_key(self, packet: Any) -> Any:
        """The frame of keyframe `packet`, decoded alone (None when it gives none)."""
        if self.last is not None and packet.pts is not None and packet.pts == self.last.pts:
            return self.last  # the same keyframe as the previous time
        frames = self.decode_keys([packet])
        frame = frames.get(packet.pts) or next(iter(frames.values()), None)
        return self._keep(frame) if frame is not None else None

    def decode_keys(self, packets: list[Any], keep: Callable[[Any], Any] | None = None) -> dict[int, Any]:
        """Frames of keyframe packets (sent in a row, then drained), by pts, or what
        `keep` makes of each as it comes out (so that decoded pictures are not held).
        Keyframes depend on nothing, so frame threads decode them side by side."""
        self.ctx.flush_buffers()
        self.out.clear()
        self.inflight.clear()
        self.ended = False
        kept: dict[int, Any] = {}
        for packet in [*packets, None]:
            # Drained at the end: a decoder with a reorder delay would otherwise hold
            # the last keyframes back until more frames (here none) come.
            self._send(packet, "DEFAULT")
            while self.out:
                frame = self.out.popleft()
                if frame.pts is not None:
                    kept[frame.pts] = keep(frame) if keep else frame
        self.ahead.clear()
        self.last = None
        return kept
