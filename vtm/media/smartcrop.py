"""Smart crop (`fit=smart`, Mux `fit_mode=smartcrop`): a cover crop placed over the most
salient part of the picture instead of its centre.

Saliency is computed on a copy about 64 px on its long side, as the sum of two maps, each
scaled to 0..1: the spectral residual of the grey image (Hou & Zhang, CVPR 2007: the log
amplitude spectrum minus its local average, back through the inverse FFT with the
original phase; it lights up what is unexpected in the picture: objects, not texture),
and colour contrast (distance in CIE Lab of each slightly blurred pixel from its blurred
surround, after Achanta et al. 2009's frequency-tuned saliency; it covers plain subjects
whose inside the spectral residual leaves dark; the surround is blurred over an oddly
reflected border, so a sky or a wall gradient stays flat up to the edges). Contrast under
6 Lab units is noise: a picture with nothing above it has no saliency at all (centre
crop). The median of the sum is subtracted, so the background weighs nothing. Black bars
(letterbox, pillarbox: dark, plain rows and columns at the edges) are cut off first: their
edges would look like the strongest subject of the picture.

The crop has the output's aspect and is as large as the picture allows, so it slides
along one axis only. It starts where it holds the most saliency, then slides until what
it holds is centred in it (mean shift), as Mux describes its smartcrop: "find an area of
interest in the image and center it within the crop"; it keeps the best place when
centring would lose more than 2% of the saliency. A crop within 2% of the centre is the
centre crop: a centred subject, or a picture where nothing stands out, gives exactly the
crop `cover` gives. For a sequence (the tiles of a storyboard, the frames of a preview)
the maps are added, each frame weighing the same, and one box is used for all frames: the
crop never jumps.

Faces are not looked for: OpenCV 5's wheels (opencv-python-headless and the contrib
build alike) ship no Haar cascade files, and its FaceDetectorYN needs a YuNet ONNX model
that no package we use ships; VTM downloads nothing at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from vtm.media import render

MAP_SIZE = 64  # long side of the saliency map, as in the spectral residual paper
SURROUND = 0.15  # colour contrast is against the blurred surround, this fraction of the picture wide
BAR_LUMA, BAR_STD = 24, 8  # a black bar: darker and plainer than this
CONTRAST_FLOOR = 6.0  # CIE Lab units: less than this from the surround is noise, not a subject
MEAN_SHIFT_STEPS = 50
TOLERANCE = 0.02  # of the total saliency: centring may lose this much
SNAP = 0.02  # of the picture: a crop this close to the centre is the centre crop


@dataclass(frozen=True)
class Box:
    """A crop, in the source picture's pixels."""
    x: int
    y: int
    w: int
    h: int


def crop_size(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int]:
    """The largest box of the output's aspect that fits in the source."""
    if src_w * out_h > src_h * out_w:  # source wider than the output: crop the sides
        return min(src_w, max(1, round(src_h * out_w / out_h))), src_h
    return src_w, min(src_h, max(1, round(src_w * out_h / out_w)))


def _map_size(w: int, h: int) -> tuple[int, int]:
    scale = MAP_SIZE / max(w, h)
    return max(4, round(w * scale)), max(4, round(h * scale))


def active_area(image: np.ndarray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) inside the black bars of a letterboxed or pillarboxed picture: rows
    and columns that are dark (mean luma < 24) and plain (std < 8), up to 40% per side."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    h, w = grey.shape
    if grey.mean() < BAR_LUMA and grey.std() < BAR_STD:  # a black picture is not all bars
        return 0, 0, w, h

    def bar(lines: np.ndarray, limit: int) -> int:
        dark = (lines.mean(axis=1) < BAR_LUMA) & (lines.std(axis=1) < BAR_STD)
        return int(np.argmin(dark[:limit])) if not dark[:limit].all() else limit

    top, bottom = bar(grey, int(h * 0.4)), bar(grey[::-1], int(h * 0.4))
    left, right = bar(grey.T, int(w * 0.4)), bar(grey.T[::-1], int(w * 0.4))
    return left, top, w - right, h - bottom


def saliency(image: np.ndarray) -> np.ndarray:
    """A saliency map about MAP_SIZE px on its long side, >= 0, summing to 1 (all zeros
    when nothing stands out). Black bars weigh nothing, and their edges are not taken
    for a subject: the map is computed inside them."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = active_area(image)
    if (x1 - x0, y1 - y0) == (w, h) or min(x1 - x0, y1 - y0) < 8:
        return _saliency(image)
    size = _map_size(w, h)
    inner = (round(x0 * size[0] / w), round(y0 * size[1] / h), round(x1 * size[0] / w), round(y1 * size[1] / h))
    full = np.zeros((size[1], size[0]))
    if inner[2] > inner[0] and inner[3] > inner[1]:
        full[inner[1] : inner[3], inner[0] : inner[2]] = cv2.resize(_saliency(image[y0:y1, x0:x1]),
                                                                    (inner[2] - inner[0], inner[3] - inner[1]),
                                                                    interpolation=cv2.INTER_AREA)
    total = full.sum()
    return full / total if total > 0 else full


def _saliency(image: np.ndarray) -> np.ndarray:
    size = _map_size(*image.shape[1::-1])
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (0, 0), 1.0), cv2.COLOR_BGR2LAB).astype(np.float64)
    lab[..., 0] *= 100 / 255  # OpenCV's 8-bit L is 0..255; back to CIE units, like a and b
    sigma = SURROUND * max(size)
    pad = int(3 * sigma) + 1  # odd reflection keeps gradients (skies, walls) linear up to the edges
    padded = np.pad(lab, ((pad, pad), (pad, pad), (0, 0)), mode="reflect", reflect_type="odd")
    surround = cv2.GaussianBlur(padded, (0, 0), sigma)[pad:-pad, pad:-pad]
    contrast = np.clip(np.linalg.norm(lab - surround, axis=2) - CONTRAST_FLOOR, 0, None)
    if contrast.max() <= 0:  # nothing differs from its surround by more than noise does
        return np.zeros(contrast.shape)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float64) / 255
    spectrum = np.fft.fft2(grey)
    residual = np.log(np.abs(spectrum) + 1e-9)
    residual -= cv2.blur(residual, (3, 3), borderType=cv2.BORDER_REFLECT)
    spectral = cv2.GaussianBlur(np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2, (0, 0), 2.0)
    combined = contrast / contrast.max() + spectral / max(spectral.max(), 1e-12)
    combined = np.clip(combined - np.median(combined), 0, None)
    return np.asarray(combined / combined.sum())


def best_box(weights: np.ndarray, src_w: int, src_h: int, out_w: int, out_h: int) -> Box:
    """Where the crop of the output's aspect holds the most of `weights` (a saliency map
    of the source, any size); the centre crop when nothing stands out."""
    cw, ch = crop_size(src_w, src_h, out_w, out_h)
    horizontal = cw < src_w
    span, window = (src_w, cw) if horizontal else (src_h, ch)
    centre = (span - window) // 2
    profile = weights.sum(axis=0 if horizontal else 1)
    if window >= span or profile.sum() <= 0:
        return Box(centre if horizontal else 0, 0 if horizontal else centre, cw, ch)
    # the profile spread over source pixels, then the mass of the window at every offset
    density = profile[np.minimum(np.arange(span) * len(profile) // span, len(profile) - 1)] * len(profile) / span
    cumulative = np.concatenate([[0.0], np.cumsum(density)])
    mass = cumulative[window:] - cumulative[: span - window + 1]
    best = offset = int(np.argmax(mass))
    for _ in range(MEAN_SHIFT_STEPS):  # slide until what the window holds is centred in it
        inside = density[offset : offset + window]
        centroid = offset + float(np.dot(np.arange(window), inside) / inside.sum()) if inside.sum() > 0 else span / 2
        moved = int(np.clip(round(centroid - window / 2), 0, span - window))
        if moved == offset:
            break
        offset = moved
    if mass[offset] < mass[best] - TOLERANCE * cumulative[-1]:  # centring would cut off something else
        offset = best
    if abs(offset - centre) <= SNAP * span or mass[centre] >= mass[best] - TOLERANCE * cumulative[-1]:
        offset = centre  # the centre crop holds about as much: nothing worth moving for
    return Box(offset, 0, cw, ch) if horizontal else Box(0, offset, cw, ch)


def smart_box(image: np.ndarray, out_w: int, out_h: int) -> Box:
    h, w = image.shape[:2]
    return best_box(saliency(image), w, h, out_w, out_h)


def sequence_box(images: Sequence[np.ndarray], out_w: int, out_h: int) -> Box:
    """One box for frames of one size: their saliency maps added, each weighing the same."""
    h, w = images[0].shape[:2]
    if any(image.shape[:2] != (h, w) for image in images):
        raise ValueError("sequence_box needs frames of one size")
    return best_box(np.sum([saliency(image) for image in images], axis=0), w, h, out_w, out_h)


def smart_fit(image: np.ndarray, width: int, height: int, box: Box | None = None) -> np.ndarray:
    """The picture cropped to `box` (found here when not given) and resized to width x height."""
    box = box or smart_box(image, width, height)
    return render.resize(image[box.y : box.y + box.h, box.x : box.x + box.w], width, height)
