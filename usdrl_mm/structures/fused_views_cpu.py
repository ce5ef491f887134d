"""The batched view maths as one fused CPU loop (numba), an optional backend
of :class:`~usdrl_mm.models.BatchMultiViewPreprocessor`.

The torch ops of :mod:`usdrl_mm.structures.batch_augment_ops` make four
passes over the views (gather the two source frames, blend them, multiply
by the view's matrix, keep the selected joints); on a CPU each pass costs
about as much as the arithmetic. This loop reads the two source rows of an
output frame and writes the finished values once:

``out[b, m, i, v] = x @ P[b, v]`` with ``x = (1 - w) s[i0] + w s[i1]``, the
frames ``i0, i1`` and the weight ``w`` of the linear resize of view b's crop
window (:func:`~usdrl_mm.structures.batch_augment_ops.linear_resize_plans`)
and ``P[b, v]`` the view's ``(C, C)`` matrix on a selected joint, the
identity on the others. Results equal the torch ops up to float rounding.

Why numba and not torch here: ``torch.compile`` of the same maths produced
a slower kernel on the development CPU (measured, see BENCHMARKS.md), and a
C++ extension would need a compiler at install time. numba is optional
(``requirements/optional.txt``); without it the preprocessor uses the torch
ops.
"""
import math
from typing import Sequence

import numpy as np
import torch
from torch import Tensor

try:
    import numba
    from numba import njit, prange, types
    from numba.core import cgutils
    from numba.extending import intrinsic
except ImportError:  # the torch ops are used instead
    numba = None

from .batch_augment_ops import CropParams


def available() -> bool:
    """Whether numba is installed."""
    return numba is not None


if numba is not None:

    @intrinsic
    def _as_pointer(typingctx, address):
        """An int64 address -> ``void*``, so that the loop reads each clip
        where it is (the clips of a batch are separate tensors)."""

        def codegen(context, builder, signature, args):
            return builder.inttoptr(args[0], cgutils.voidptr_t)

        return types.voidptr(types.int64), codegen

    @njit(inline='always', cache=True)
    def _resize_step(i, scale, last):  # pragma: no cover  (compiled)
        # output frame i of a linear resize reads frames i0, i1 of the
        # window with weight w on i1 (linear_resize_plans, float64 as there)
        p = max((i + 0.5) * scale - 0.5, 0.0)
        i0 = min(int(math.floor(p)), last)
        return i0, min(i0 + 1, last), np.float32(p - i0)

    @njit(parallel=True, fastmath=True, boundscheck=False, cache=True)
    def _views3(addresses, frames, start, length, pj, views,
                out):  # pragma: no cover  (compiled)
        # three channels, unrolled: 3D joints, or 2D joints and a score
        n_views, persons, out_len, joints, _ = out.shape
        for b in prange(n_views):
            n = b // views
            # clip n, (M, T_n, V, C) -> (M*T_n, V, C): one row per frame
            src = numba.carray(
                _as_pointer(addresses[n]), (persons * frames[n], joints, 3),
                np.float32)
            last = length[b] - 1
            scale = length[b] / out_len
            for i in range(out_len):
                i0, i1, w = _resize_step(i, scale, last)
                for m in range(persons):
                    ra = m * frames[n] + start[b] + i0
                    rb = ra - i0 + i1
                    for v in range(joints):
                        a0 = src[ra, v, 0]
                        a1 = src[ra, v, 1]
                        a2 = src[ra, v, 2]
                        x0 = a0 + w * (src[rb, v, 0] - a0)
                        x1 = a1 + w * (src[rb, v, 1] - a1)
                        x2 = a2 + w * (src[rb, v, 2] - a2)
                        for j in range(3):
                            out[b, m, i, v, j] = (
                                x0 * pj[b, v, 0, j] + x1 * pj[b, v, 1, j] +
                                x2 * pj[b, v, 2, j])

    @njit(parallel=True, fastmath=True, boundscheck=False, cache=True)
    def _views_any(addresses, frames, start, length, pj, views,
                   out):  # pragma: no cover  (compiled)
        # any channel count (a slower inner loop)
        n_views, persons, out_len, joints, ch = out.shape
        for b in prange(n_views):
            n = b // views
            src = numba.carray(
                _as_pointer(addresses[n]), (persons * frames[n], joints, ch),
                np.float32)
            last = length[b] - 1
            scale = length[b] / out_len
            for i in range(out_len):
                i0, i1, w = _resize_step(i, scale, last)
                for m in range(persons):
                    ra = m * frames[n] + start[b] + i0
                    rb = ra - i0 + i1
                    for v in range(joints):
                        for j in range(ch):
                            acc = np.float32(0.0)
                            for k in range(ch):
                                a = src[ra, v, k]
                                acc += (a + w *
                                        (src[rb, v, k] - a)) * pj[b, v, k, j]
                            out[b, m, i, v, j] = acc


def fused_clip_views(clips: Sequence[Tensor], crop: CropParams, out_len: int,
                     num_views: int, joint_matrices: Tensor) -> Tensor:
    """Crop-resize and map ``num_views`` views of each clip in one loop.

    Args:
        clips (sequence[Tensor]): N CPU clips ``(M, T_n, V, C)``.
        crop (CropParams): ``(N*K,)`` windows, view k of clip n in row
            ``n*K + k`` (inside each clip's ``T_n`` frames).
        out_len (int): Frames of each view.
        num_views (int): K.
        joint_matrices (Tensor): ``(N*K, V, C, C)`` float32 per-joint maps
            (row-vector convention, ``x' = x P``).

    Returns:
        Tensor: ``(N*K, M, out_len, V, C)`` float32 views.
    """
    if numba is None:
        raise ImportError('the fused CPU views need numba: pip install numba')
    m, _, v, c = clips[0].shape
    n, k = len(clips), num_views
    if any(x.device.type != 'cpu' for x in clips):
        raise ValueError('the fused views read CPU clips; use the torch ops '
                         "(backend='torch') on other devices")
    if any(x.shape[0] != m or x.shape[2:] != (v, c) for x in clips):
        raise ValueError('clips need one (M, V, C) to share a batch, got '
                         f'{sorted({tuple(x.shape) for x in clips})}')
    if joint_matrices.shape != (n * k, v, c, c):
        raise ValueError(f'need ({n * k}, {v}, {c}, {c}) joint matrices, got '
                         f'{tuple(joint_matrices.shape)}')
    frames = np.array([x.shape[1] for x in clips], dtype=np.int64)
    start = crop.start.cpu().numpy().astype(np.int64)
    length = crop.length.cpu().numpy().astype(np.int64)
    if (start + length > np.repeat(frames, k)).any():
        raise ValueError('a crop window ends after the last frame '
                         f'({frames.max()})')
    # read in place: contiguous float32 clips (a view when they are
    # already), kept alive by this list during the loop
    clips = [x.float().contiguous() for x in clips]
    addresses = np.array([x.data_ptr() for x in clips], dtype=np.int64)
    pj = np.ascontiguousarray(joint_matrices.float().cpu().numpy())
    out = np.empty((n * k, m, out_len, v, c), dtype=np.float32)
    # as many threads as torch uses (a DDP process per core stays on its
    # share); numba's OpenMP layer resets the OpenMP thread count that torch
    # reads, so torch's setting is put back afterwards
    threads = torch.get_num_threads()
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    kernel = _views3 if c == 3 else _views_any
    try:
        kernel(addresses, frames, start, length, pj, k, out)
    finally:
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
    return torch.from_numpy(out)
