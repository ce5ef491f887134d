"""The maths of the USDRL pretraining views (SPEC §8), apart from the draws.

Each augmentation is split into a random *parameter draw* and a
deterministic *application*, so the per-sample transforms and a batched
on-device version can share the same formulas and be checked against each
other for the same parameters. Arrays are ``(..., T, V, C)``.
"""
from typing import Optional, Sequence, Tuple

import numpy as np


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
    """The deterministic centre crop of SPEC §8.2:
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


def shear_matrix(off_diagonal: np.ndarray) -> np.ndarray:
    """A (C, C) shear with ones on the diagonal and the given off-diagonal
    entries (row-major, C*(C-1) values)."""
    off_diagonal = np.asarray(off_diagonal, dtype=np.float32)
    c = int(round((1 + np.sqrt(1 + 4 * off_diagonal.size)) / 2))
    s = np.eye(c, dtype=np.float32)
    s[~np.eye(c, dtype=bool)] = off_diagonal
    return s


def linear_map_joints(x: np.ndarray,
                      matrix: np.ndarray,
                      joints: Optional[Sequence[int]] = None) -> np.ndarray:
    """``x' = x @ matrix`` for the coordinates of the given joints (all when
    ``None``), with coordinates as row vectors; a new array is returned.

    The random-matrix corruption uses ``x R``; a shear ``S x`` with column
    vectors is ``x @ S.T``.
    """
    out = x.astype(np.float32, copy=True)
    if joints is None:
        return out @ matrix
    idx = np.asarray(joints, dtype=np.int64)
    out[..., idx, :] = out[..., idx, :] @ matrix
    return out


def mask_joints(x: np.ndarray, joints: Sequence[int]) -> np.ndarray:
    """Zero the given joints in every frame and person; a new array."""
    out = x.copy()
    out[..., np.asarray(joints, dtype=np.int64), :] = 0
    return out


def check_augmented_joints(num_chosen: int, num_total: int) -> None:
    """Refuse a joint count that an augmentation cannot or should not draw.

    More joints than the skeleton has cannot be drawn; all of them would
    mask the whole skeleton (an all-zero view) or turn the per-joint
    corruption into one global map, silently. USDRL draws 15 of NTU's 25
    (60 %); a new layout sets its own count.
    """
    if not 0 <= num_chosen <= num_total:
        raise ValueError(f'cannot pick {num_chosen} of {num_total} joints; '
                         'set num_joints of the joint augmentations for this '
                         'skeleton layout')
    if num_chosen == num_total:
        raise ValueError(
            f'num_joints={num_chosen} would augment every one of the '
            f'{num_total} joints (RandomJointMask would blank the whole '
            'skeleton); set it below the layout\'s joint count, e.g. 60 % '
            f'of them ({max(1, round(0.6 * num_total))} here) as USDRL '
            'takes 15 of NTU\'s 25')
