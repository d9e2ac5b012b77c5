"""ThumbHash, checked against the reference implementations' own outputs: the JavaScript
reference (thumbhash.js, run under Node 20) and the Rust crate (through fast-thumbhash
1.0.0) give the hashes below for these generated pictures, byte for byte, and the
JavaScript decoder the pixels below. Plus what a placeholder must show: the picture's
average colour, its aspect, where its colours are."""

from __future__ import annotations

import base64
import zlib

import cv2
import numpy as np
import pytest

from vtm.errors import InvalidInput
from vtm.media import thumbhash, tiles
from vtm.media.samples import pattern, portrait_scene, write_clip


def generated(w: int, h: int, alpha: bool) -> np.ndarray:
    """A BGRA picture with no symmetry (no coefficient sits on a rounding tie), from
    integer arithmetic only, so that every implementation sees the same pixels."""
    y, x = np.mgrid[0:h, 0:w]
    noise = ((x * 7919 + y * 104729 + w) % 65521 * 1103515245 + 12345) % 2**31 % 23
    r = (40 + 150 * x // w + 30 * ((x // 11 + y // 7) % 3) + noise) % 256
    g = (60 + 120 * y // h + (x * y) % 37 + noise) % 256
    b = (200 - 90 * (x + 2 * y) // (w + 2 * h) + noise * 2) % 256
    inside = (x - w * 0.6) ** 2 + (y - h * 0.4) ** 2 < (min(w, h) * 0.35) ** 2
    a = np.where(inside, 255, (noise * 5) % 90) if alpha else np.full_like(x, 255)
    return np.stack([b, g, r, a], -1).astype(np.uint8)


REFERENCE = [  # (width, height, alpha, the reference's base64 ThumbHash)
    (100, 56, False, "JwcGNI5gZ2iBh3d3h4ZwgAfneA=="),
    (42, 75, False, "JwcGPA5gR3eId3d3d3dycAfniA=="),
    (64, 48, True, "KCeCDIQmkCpyepWYFwlIgG84wLhnGamGBw=="),
    (9, 100, False, "5wYGQQ5whXeHh4d3c3AH6Hg="),
]
# thumbHashToRGBA("JwcGNI5gZ2iBh3d3h4ZwgAfneA==") of the JavaScript reference: 32x18 RGBA, deflated
DECODED = (
    "eNoFwQs7GgoDwPGP9T7ve55nZzuzeZ3NJWGYYTeXcXaMbccRxjBLJXeTOKik6EqlpEJKpZRuKpd9k//5/f7zW4b/Pbzi1+I8j36/"
    "4WnZHZUVP3km+EmD4JbmigJvy7K8K03RVZrgr9ILvpTFGK+IIhdEWBCEUAqCrAv8aCuO2anwYRF4cVR6OBR6OKry4K865LTSxWm5"
    "nZOnVnzFBg6LdLh/0/Lfogy/PM5yvyTP49IbSgV3CIU/qav6yYuqW14J87QIsnRUpOiuSPB3xQXDghhi4TlTwgiLVSFWqoKohH62"
    "hEcYhD52hR6c1R48NR5OnnkIPHMTrHYRFNo5Lbdy/MSAr1iP55GWX35Pc+9JloflOUoqrymvuaOm9ifP6+5orrvhTW2e9mcZ3lcn"
    "+VidoL/mgpFnUSS158zWhVHUnbFWF0BTe4K+9ghzrRdbrYeD+kOOnh8SaDgk1OAm8txFuNbOWbWVgMDASame46db3BOkeCDM8Ljm"
    "iqf1BSpf3FLXdEfjy1teN1/T1pSjszFD94tLel/E+fIixnjjOfKmCAvNIVaag6ia/Ww1HWFo9LLbeMh+kxvvSzf+V27Cb9xE3xxw"
    "8drJxUs70RdWInUGzmr0BKu2eFCfpKghRUlTlvJXOapbrmlou+Fl+zUt7Xk62rJ0tab41JJA1BLja8s5E61hZtpCLLUFWWvzs9l2"
    "zHarB3OLG3uLi4NWJ8ftTs46nEQ7XST+cJLsdJB8t8dlq5n46x2izTrOG7UUvYlT3HLJk/YUgs4stV05GrvzvOnJ0d6T5X13iu4P"
    "CXq7Ygx2RRjrCiH7EGT+QwBl9wkbH47Y+uDB0OXC+uc++3/a8XTZ8HfbiHy0Ef9sJ/3ZTvbzHtmPFjIfDKT+0HH5bpNEm5rH76OU"
    "dMUo7Ykj/CtJfV+a5v4MLQNpOgaS/Nkf56MoSl9fmKG+IN/7TpGLTlgUHbEq8qIWudH17WPstbHba8XZa8b7t4lAn4nogJnkFwvZ"
    "IQv5IRP5QQM5kY5sr4b0pw1SPWsU/31GiShM2eA5VcMx6kfjNH9L0DIep2M8Rte3CJ/GzhCNnjI8eox41MfUmIcfY25Wx5yoR+3o"
    "R6yYhk3sDW3jHNLhHd4iMKIj+k1P8rueq4ltCmI919+1FMbU5L6ukf2iJDOwTPHoCSVjp5R9DyKUhKifjNA8dU7LdISO6RBdUwE+"
    "yU8Qyb0MTx4ilruYku+zKLezKt9FPWlCJ93BOLHFrljNvngD78Q6Aek6UfkGyWkVV7NqCrMqrqfXKMhXyEuWuBIvkB2f4/Gkh/9P"
    "eSmdPaJywU/tj1MaFQHeLJ/SvnzCe4WPj0uH9C25GPrh4PuSDfmSlYUlMytLBlSLOrYWNOzMrWOZWcExs8zhrAL/vILIj2UuFUqy"
    "yhXySiXXywoKPxbIzc+QnZGTmZJRtOSkWHHAkxU3FWseajZ8NKh9vNJ4adUc0ql20a1y0Kva48uGlW8qE5MqA/MqPcoNLRvrKjb/"
    "+YftlWXMykVsy3O4lbOcrM4RXp8noV4go1kkv7lAQT1LfmOKq1UpWaWYtGKchyobj9R2SrT7lOlcVO0cUG88oNno4q1xn3dGO10G"
    "K593zAzsGBgzbCMz6JgzbLJsULG2/Q8anQK9dgGTZoY9jZyDzUmOt+SEtqeIG6fJmGbImafJGyfJbUu42honoxklrf7KA4OVh8Zd"
    "is02SnftVNoc1Dr2adx38NqxR5vDynu7iU/2HfrtekYdWqQODbMOFQrHGms2JZrdRfSWWYwmOXsmKQdmCcdWCSGbjPj+JBnnJDmX"
    "jPy+hJxtnCvrCBnTEGnDIPftZn5zWHjstPLEvYfAY6PGZ6PBt8dLn5VWr4k/vDt89OoQebWM+DRIj1TMHq2jOFplzatAcziP/mAa"
    "k0vGnnOCA5eYY/cEYa+ExLGUjF9K3i+hcCwm7x3jyj1MxjlI2tHPrx4jD7wmHh1Z+N1vpTywS3Vwl+dnVprPzLQEDXQG9fQEtxCd"
    "bTISUiMNq5gLr7EcXmH9bInNwDzb/inMJzLsJxO4/WL8ATGRkITLiJSrqJRCVML1uZhCaIz86TBXxwNkfCLunRq5HzBRdGamJGyh"
    "/NxKVcxKfcxCU8zE29gOnTE9PTEtootNRuJqpAkVc5drKBMrbMQVaGPz7JxPY4nIcEQkeM4nOI1NEE1ISCWl5NIybtJSblNibhJj"
    "FKLD5MKDXJ31cy9k5H7ESNG5mZILC2UJK1WXFuqSZpqSRt5e7tBxqaMnqUWU2mQ0rUaWUTGfXUeZXUWVUbCVWsBwOYM1Mcl+XIL3"
    "coJgSsJFVkomJ6NQkHFbkHKXm+A2843r5Ffy8UFysX7unRu4HzVSdGGmJGGhLGmhKmWhLm2mKW3kbXqHjrSOnrQWUWaT0Ss1spyK"
    "+fw6K/lVVLlldNkFjOkZdlOTOFNSfGkJZ1kJF3kZmZtJrm8nubuV8fNmgrvcN24yXykkv5BPDPAv1tVkOQ=="
)


@pytest.mark.parametrize(("w", "h", "alpha", "expected"), REFERENCE)
def test_hashes_equal_the_reference_implementations(w: int, h: int, alpha: bool, expected: str) -> None:
    image = generated(w, h, alpha)
    assert thumbhash.to_base64(thumbhash.encode(image if alpha else np.ascontiguousarray(image[..., :3]))) == expected


def test_the_placeholder_equals_the_reference_decoder() -> None:
    reference = np.frombuffer(zlib.decompress(base64.b64decode("".join(DECODED))), np.uint8).reshape(18, 32, 4)
    ours = thumbhash.decode(thumbhash.from_base64(REFERENCE[0][3]))[..., [2, 1, 0, 3]]
    assert ours.shape == reference.shape
    assert np.abs(ours.astype(int) - reference).max() <= 1


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    """Decoded frames of real clips, landscape and portrait."""
    folder = tmp_path_factory.mktemp("thumbhash")
    wide = write_clip(folder / "wide.mp4", pattern, width=640, height=360, seconds=1, fps=10)
    tall = write_clip(folder / "tall.mp4", portrait_scene, width=360, height=640, seconds=1, fps=10)
    return {name: tiles.grab_tiles(path, [0.5], size=None, fast=False)[0].image for name, path in (("wide", wide), ("tall", tall))}


@pytest.mark.parametrize(("name", "ratio"), [("wide", 7 / 4), ("tall", 4 / 7)])
def test_a_frame_placeholder_has_its_colour_and_aspect(frames: dict[str, np.ndarray], name: str, ratio: float) -> None:
    image = frames[name]
    hashed = thumbhash.encode(image)
    assert len(hashed) <= 25
    assert thumbhash.aspect_ratio(hashed) == pytest.approx(ratio)
    placeholder = thumbhash.decode(hashed)
    h, w = placeholder.shape[:2]
    assert max(w, h) == 32 and w / h == pytest.approx(image.shape[1] / image.shape[0], rel=0.12)
    mean_bgr = image.reshape(-1, 3).mean(axis=0) / 255
    r, g, b, a = thumbhash.average_rgba(hashed)
    assert (b, g, r) == pytest.approx(tuple(mean_bgr), abs=0.06) and a == 1.0
    assert placeholder[..., :3].reshape(-1, 3).mean(axis=0) / 255 == pytest.approx(mean_bgr, abs=0.06)
    assert (placeholder[..., 3] == 255).all()


def test_where_the_colours_are_survives() -> None:
    image = np.zeros((90, 160, 3), np.uint8)
    image[:, :80] = (40, 40, 220)  # red left half (BGR)
    image[:, 80:] = (220, 60, 30)  # blue right half
    placeholder = thumbhash.decode(thumbhash.encode(image)).astype(int)
    left, right = placeholder[:, :6, :3].mean(axis=(0, 1)), placeholder[:, -6:, :3].mean(axis=(0, 1))
    assert left[2] > left[0] + 80, "the left of the placeholder is red"
    assert right[0] > right[2] + 80, "the right of the placeholder is blue"


def test_transparency_is_kept() -> None:
    image = np.zeros((64, 64, 4), np.uint8)
    cv2.circle(image, (32, 32), 20, (0, 200, 0, 255), -1)
    hashed = thumbhash.encode(image)
    assert hashed[2] & 0x80, "the alpha flag is set"
    placeholder = thumbhash.decode(hashed)
    assert placeholder[16, 16, 3] > 150 and placeholder[0, 0, 3] < 60


def test_a_big_picture_is_shrunk_first(frames: dict[str, np.ndarray]) -> None:
    big = cv2.resize(frames["wide"], (1920, 1080), interpolation=cv2.INTER_CUBIC)
    small = cv2.resize(big, (100, 56), interpolation=cv2.INTER_AREA)
    assert thumbhash.encode(big) == thumbhash.encode(small)


def test_png_placeholder() -> None:
    png = thumbhash.placeholder_png(thumbhash.from_base64(REFERENCE[2][3]))
    assert png.startswith(b"\x89PNG")
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    assert image.shape == (26, 32, 4)  # 5:4 as the hash approximates 4:3 (the reference renders 32x26 too)


@pytest.mark.parametrize("bad", [b"", b"\x01\x02\x03\x04", base64.b64decode(REFERENCE[0][3])[:9], base64.b64decode(REFERENCE[2][3])[:6],
                                 base64.b64decode(REFERENCE[2][3])[:5]])
def test_short_or_cut_hashes_are_refused(bad: bytes) -> None:
    with pytest.raises(InvalidInput):
        thumbhash.decode(bad)


@pytest.mark.parametrize("image", [np.zeros((0, 5, 3), np.uint8), np.zeros((5, 5), np.uint8), np.zeros((5, 5, 2), np.uint8)])
def test_not_a_picture_is_refused(image: np.ndarray) -> None:
    with pytest.raises(InvalidInput):
        thumbhash.encode(image)


def test_bad_base64_is_refused() -> None:
    with pytest.raises(InvalidInput):
        thumbhash.from_base64("not base64!")
