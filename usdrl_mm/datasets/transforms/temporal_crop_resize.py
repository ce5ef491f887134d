"""The temporal crop-resize of the USDRL views (design.md §8.1 step 1, §8.2).

``TemporalCropResize`` draws the window and applies it; the window rule
(:func:`crop_window`, :func:`crop_floor`) and the linear resize are plain
numpy functions of the drawn parameters, the reference that the batched
``usdrl_mm.models.utils.batch_augments`` ops are tested against and whose
floor rule they share. Arrays are ``(..., T, V, C)``.
"""
from typing import Dict, Sequence, Tuple, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


def crop_window(num_frames: int,
                scale: float,
                min_len: int,
                start_fraction: float = 0.) -> Tuple[int, int]:
    """Crop ``[start, start + length)`` of a sequence with ``num_frames``
    valid frames.

    ``length = min(max(floor(num_frames * scale), min_len), num_frames)``
    (the hard floor means short clips are used whole) and ``start`` is
    ``floor(start_fraction * (num_frames - length + 1))``, i.e. a uniform
    integer start when ``start_fraction ~ U[0, 1)``.
    """
    if num_frames < 1:
        raise ValueError(f'cannot crop a sequence of {num_frames} frames')
    length = min(max(int(np.floor(num_frames * scale)), min_len), num_frames)
    length = max(length, 1)
    start = int(np.floor(start_fraction * (num_frames - length + 1)))
    return min(start, num_frames - length), length


#: What a random crop does with a clip shorter than its ``min_len`` floor.
SHORT_CLIP_MODES = ('whole', 'crop')


def crop_floor(num_frames, min_len: int, short_clip: str = 'whole'):
    """The ``min_len`` that :func:`crop_window` (``crop_windows`` for a
    batch) gets for clips of ``num_frames`` valid frames: an int, or an
    integer array / tensor of them (then one floor per clip).

    - ``'whole'`` (USDRL): ``min_len`` for every clip. A clip with
      ``n <= min_len`` frames gets ``length = min(max(floor(n s), min_len),
      n) = n`` and ``start = 0`` whatever ``s``: it is used whole, and all
      its views share one temporal window.
    - ``'crop'``: ``min_len`` for clips of at least ``min_len`` frames (as
      ``'whole'``), 1 for shorter ones, which so get
      ``length = max(floor(n s), 1)`` frames, a crop of scale
      ``s ~ U(ratio)`` of their own length at a uniform start.
    """
    if short_clip not in SHORT_CLIP_MODES:
        raise ValueError(f'short_clip must be one of {SHORT_CLIP_MODES}, got '
                         f'{short_clip!r}')
    if short_clip == 'whole':
        return min_len
    # a bool (array) times an int: min_len where n >= min_len, else 1
    return 1 + (min_len - 1) * (num_frames >= min_len)


def center_window(num_frames: int, ratio: float) -> Tuple[int, int]:
    """The deterministic centre crop of design.md §8.2:
    ``start = int((1 - ratio) * n / 2)``, frames ``[start, n - start)``."""
    if num_frames < 1:
        raise ValueError(f'cannot crop a sequence of {num_frames} frames')
    start = int((1 - ratio) * num_frames / 2)
    return start, max(num_frames - 2 * start, 1)


def linear_resize_plan(
        length: int,
        out_len: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source indices and weights of a linear resize from ``length`` to
    ``out_len`` samples.

    Same sampling as ``F.interpolate(mode='linear', align_corners=False)``:
    output ``i`` reads position ``max((i + 0.5) * length / out_len - 0.5,
    0)``. Returns ``(i0, i1, w)`` with ``y[i] = (1 - w) x[i0] + w x[i1]``.
    """
    src = (np.arange(out_len) + 0.5) * (length / out_len) - 0.5
    src = np.clip(src, 0, None)
    i0 = np.minimum(np.floor(src).astype(np.int64), length - 1)
    i1 = np.minimum(i0 + 1, length - 1)
    return i0, i1, (src - i0).astype(np.float32)


def crop_resize(x: np.ndarray, start: int, length: int, out_len: int,
                axis: int) -> np.ndarray:
    """Take ``length`` frames from ``start`` along ``axis`` and resize them
    linearly to ``out_len`` frames (float32)."""
    i0, i1, w = linear_resize_plan(length, out_len)
    a = np.take(x, start + i0, axis=axis).astype(np.float32)
    b = np.take(x, start + i1, axis=axis).astype(np.float32)
    shape = [1] * x.ndim
    shape[axis] = out_len
    w = w.reshape(shape)
    return a * (1 - w) + b * w


def valid_frames(results: Dict) -> int:
    """Frames that hold data: ``total_frames``, capped by the array length
    (padded annotations may store more frames than are valid)."""
    n = min(int(results['total_frames']), results['keypoint'].shape[1])
    if n < 1:
        name = results.get('frame_dir', results.get('filename', '?'))
        raise ValueError(f'sample {name!r} has no valid frames '
                         f'(total_frames={results["total_frames"]})')
    return n


@TRANSFORMS.register_module()
class TemporalCropResize(BaseTransform):
    """Crop a window of the valid frames and resize it to ``clip_len``
    frames by linear interpolation (design.md §8.1 step 1 and §8.2).

    - ``mode='random'``: draw ``s ~ U(ratio)``, take
      ``L = min(max(floor(n s), min_len), n)`` frames at a uniform start. With
      ``min_len=64`` clips of at most 64 frames are used whole (window
      ``(0, n)`` whatever ``s``), so all the views of such a clip share one
      temporal window and differ only spatially; USDRL does the same.
      ``short_clip='crop'`` gives a clip shorter than ``min_len`` its own
      crop of ``L = max(floor(n s), 1)`` frames instead (longer clips are
      cropped as before); see :func:`crop_floor`, which the batched
      ``BatchMultiViewPreprocessor`` shares.
    - ``mode='center'``: the deterministic centre crop
      ``[int((1 - r) n / 2), n - int((1 - r) n / 2))`` with ``r = ratio``
      (``ratio=1.0`` resizes the whole valid sequence).

    Only the first ``n = total_frames`` frames are valid.

    Required Keys:

        - keypoint (M, T, V, C)
        - total_frames
        - keypoint_score (M, T, V), optional

    Modified Keys:

        - keypoint (M, clip_len, V, C), float32
        - keypoint_score (M, clip_len, V), float32, if present
        - total_frames (= clip_len)

    Added Keys:

        - crop_window: ``(start, length)`` in the input frames

    Args:
        clip_len (int): Output frames. Defaults to 64.
        ratio (float | tuple[float, float]): ``(low, high)`` of the scale
            for ``'random'``, the kept fraction for ``'center'``.
        min_len (int): Floor of the random crop length. Defaults to 64.
        mode (str): ``'random'`` or ``'center'``.
        short_clip (str): What ``'random'`` does with a clip shorter than
            ``min_len``: ``'whole'`` (default, USDRL) uses it whole,
            ``'crop'`` crops it by the drawn scale. The random draws are
            the same in both. Unused by ``'center'``.
    """

    def __init__(self,
                 clip_len: int = 64,
                 ratio: Union[float, Sequence[float]] = (0.1, 1.0),
                 min_len: int = 64,
                 mode: str = 'random',
                 short_clip: str = 'whole') -> None:
        if mode not in ('random', 'center'):
            raise ValueError(f"mode must be 'random' or 'center', got {mode}")
        if short_clip not in SHORT_CLIP_MODES:
            raise ValueError(f'short_clip must be one of {SHORT_CLIP_MODES}, '
                             f'got {short_clip!r}')
        if mode == 'random':
            low, high = ratio
            if not 0 < low <= high <= 1:
                raise ValueError(f'need 0 < low <= high <= 1, got {ratio}')
            self.ratio = (float(low), float(high))
        else:
            r = ratio[0] if isinstance(ratio, (tuple, list)) else ratio
            if not 0 < r <= 1:
                raise ValueError(f'centre ratio must be in (0, 1], got {r}')
            self.ratio = float(r)
        self.clip_len = clip_len
        self.min_len = min_len
        self.mode = mode
        self.short_clip = short_clip

    def transform(self, results: Dict) -> Dict:
        n = valid_frames(results)
        if self.mode == 'random':
            scale = np.random.uniform(*self.ratio)
            floor = crop_floor(n, self.min_len, self.short_clip)
            start, length = crop_window(n, scale, floor, np.random.rand())
        else:
            start, length = center_window(n, self.ratio)
        results['keypoint'] = crop_resize(
            results['keypoint'], start, length, self.clip_len, axis=1)
        if 'keypoint_score' in results:
            results['keypoint_score'] = crop_resize(
                results['keypoint_score'],
                start,
                length,
                self.clip_len,
                axis=1)
        results['total_frames'] = self.clip_len
        results['crop_window'] = (start, length)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'ratio={self.ratio}, min_len={self.min_len}, '
                f'mode={self.mode!r}, short_clip={self.short_clip!r})')
