"""Temporal crop-resize of a batch of clips (design.md §8.1 step 1).

``crop_windows`` is ``crop_window`` of
``usdrl_mm.datasets.transforms.temporal_crop_resize`` for a vector of valid
lengths, with the floor rule ``crop_floor`` shared with the per-sample
``TemporalCropResize``; ``crop_clip_views`` gathers the two source frames of
every output frame of K views per clip and blends them linearly, as
``crop_resize`` does for one sample.
"""
from typing import NamedTuple, Optional, Sequence, Tuple, Union

import torch
from torch import Tensor

from usdrl_mm.datasets.transforms.temporal_crop_resize import crop_floor


class CropParams(NamedTuple):
    """Per-clip crop windows ``[start, start + length)``, both ``(B,)``
    int64."""
    start: Tensor
    length: Tensor


def crop_windows(valid_len: Tensor, scale: Tensor, min_len: Union[int, Tensor],
                 start_fraction: Tensor) -> CropParams:
    """``crop_window`` for B clips with valid lengths ``n_b``.

    ``length = max(min(max(floor(n s), min_len), n), 1)`` and
    ``start = min(floor(f (n - length + 1)), n - length)`` with the scale
    ``s`` and the start fraction ``f ~ U[0, 1)`` of each clip; ``min_len``
    is one floor for all clips or ``(B,)`` floors (``crop_floor``). The
    products are taken in float64, as numpy does with python floats, so a
    shared draw gives the same integers.
    """
    if bool((valid_len < 1).any()):
        raise ValueError('cannot crop a sequence without valid frames, got '
                         f'valid lengths {valid_len.tolist()}')
    n = valid_len.long()
    length = torch.floor(n.double() * scale.double()).long()
    length = torch.minimum(length.clamp(min=min_len), n).clamp(min=1)
    start = torch.floor(start_fraction.double() *
                        (n - length + 1).double()).long()
    return CropParams(torch.minimum(start, n - length), length)


def draw_crop(valid_len: Tensor,
              ratio: Tuple[float, float] = (0.1, 1.0),
              min_len: int = 64,
              generator: Optional[torch.Generator] = None,
              short_clip: str = 'whole') -> CropParams:
    """Random windows of design.md §8.1 step 1: ``s ~ U(ratio)``, a uniform
    integer start; one per entry of ``valid_len`` ``(B,)``.

    ``short_clip`` is what a clip shorter than ``min_len`` gets
    (``crop_floor``): ``'whole'`` (USDRL) uses it whole, ``'crop'`` a crop
    of scale ``s`` of its own length. The draws do not depend on it.
    """
    floor = crop_floor(valid_len.long(), min_len, short_clip)
    b, device = valid_len.shape[0], valid_len.device
    scale = ratio[0] + (ratio[1] - ratio[0]) * torch.rand(
        (b, ), generator=generator, device=device, dtype=torch.float64)
    fraction = torch.rand((b, ),
                          generator=generator,
                          device=device,
                          dtype=torch.float64)
    return crop_windows(valid_len, scale, floor, fraction)


def linear_resize_plans(length: Tensor,
                        out_len: int) -> Tuple[Tensor, Tensor, Tensor]:
    """``linear_resize_plan`` for B source lengths ``(B,)``.

    Output frame ``i`` of clip b reads position
    ``p = max((i + 0.5) L_b / out_len - 0.5, 0)``, which is
    ``F.interpolate(mode='linear', align_corners=False)``. Returns
    ``(i0, i1, w)``, each ``(B, out_len)``, with
    ``y[i] = (1 - w) x[i0] + w x[i1]``, ``i0 = min(floor(p), L - 1)`` and
    ``i1 = min(i0 + 1, L - 1)``.
    """
    length = length.long()
    steps = torch.arange(out_len, device=length.device, dtype=torch.float64)
    # (out_len,) x (B, 1) -> (B, out_len) source positions, float64 as numpy
    src = (steps + 0.5) * (length.double() / out_len)[:, None] - 0.5
    src = src.clamp(min=0)
    last = (length - 1)[:, None]
    i0 = torch.minimum(torch.floor(src).long(), last)
    i1 = torch.minimum(i0 + 1, last)
    return i0, i1, (src - i0).float()


def crop_rows(params: CropParams, out_len: int, persons: int,
              person_stride: Tensor) -> Tuple[Tensor, Tensor]:
    """Where every output frame of a crop-resize reads, as rows of a clip.

    A clip ``(M, T, V, C)`` is read as ``(M*T, V*C)`` rows: frame ``t`` of
    person ``m`` is row ``m * T + t``; ``person_stride`` ``(B,)`` is that
    ``T`` for each of the B crops. Returns ``rows`` ``(B, 2, M, out_len)``
    int64, the two source rows of every output frame (``start + i0`` and
    ``start + i1`` of :func:`linear_resize_plans`), and their blend weights
    ``w`` ``(B, out_len)``.
    """
    if bool((params.start + params.length > person_stride).any()):
        raise ValueError('a crop window ends after the last frame '
                         f'({person_stride.max().item()})')
    i0, i1, w = linear_resize_plans(params.length, out_len)
    # (B, out_len) x 2 -> (B, 2, 1, out_len): frame indices in the clip
    frames = torch.stack((i0, i1), 1)[:, :, None] + \
        params.start[:, None, None, None]
    # (M,) x (B,) -> (B, 1, M, 1): first row of each person
    person = torch.arange(persons, device=frames.device)
    person = (person[None] * person_stride[:, None])[:, None, :, None]
    return frames + person, w


def blend_pairs(pairs: Tensor, w: Tensor) -> Tensor:
    """``(B, 2, M, L, D)`` pairs of source rows and ``(B, L)`` weights ->
    ``(B, M, L, D)`` ``(1 - w) first + w second`` (``torch.lerp``: equal to
    that up to rounding, and exact at ``w = 0``)."""
    b, _, _, length, _ = pairs.shape
    # (B, L) -> (B, 1, L, 1): one weight per output frame
    return torch.lerp(pairs[:, 0], pairs[:, 1], w.view(b, 1, length, 1))


def crop_clip_views(clips: Sequence[Tensor],
                    params: CropParams,
                    out_len: int,
                    num_views: int,
                    scratch: Optional[Tensor] = None) -> Tensor:
    """Crop-resize ``num_views`` views of each clip of a list: ``N`` clips
    ``(M, T_n, V, C)`` -> ``(N*K, M, out_len, V, C)`` float32, view k of
    clip n in row ``n*K + k`` with window ``params[n*K + k]``.

    The clips may differ in length; they are read in place, one gather per
    clip into its K views' slot, so a batch is never padded or stacked
    (stacking 64 NTU clips costs more than all the views). ``scratch``, a
    float32 buffer of at least ``2 * N*K*M*out_len*V*C`` elements on the
    clips' device, holds the gathered frame pairs (a new buffer when
    ``None``).
    """
    if not clips:
        raise ValueError('no clips to crop')
    m, _, v, c = clips[0].shape
    if any(x.dim() != 4 or x.shape[0] != m or x.shape[2:] != (v, c)
           for x in clips):
        raise ValueError('clips need one (M, V, C) to share a batch, got '
                         f'{sorted({tuple(x.shape) for x in clips})}')
    n, k = len(clips), num_views
    if params.start.shape != (n * k, ):
        raise ValueError(f'{params.start.shape[0]} crop windows for {n} '
                         f'clips of {k} views')
    frames = torch.tensor([x.shape[1] for x in clips],
                          device=params.start.device)
    rows, w = crop_rows(params, out_len, m, frames.repeat_interleave(k))
    # (N*K, 2, M, L) -> (N, K*2*M*L): the rows each clip gives
    rows = rows.view(n, -1)
    size = rows.numel() * v * c
    if scratch is None:
        scratch = clips[0].new_empty(size, dtype=torch.float32)
    elif scratch.numel() < size or scratch.dtype != torch.float32:
        raise ValueError(f'scratch needs {size} float32 elements, got '
                         f'{scratch.numel()} {scratch.dtype}')
    # (N, K*2*M*L, V*C): the frame pairs of clip n's views, contiguous
    pairs = scratch[:size].view(n, -1, v * c)
    for clip, clip_rows, slot in zip(clips, rows.unbind(), pairs.unbind()):
        # (M, T_n, V, C) -> (M*T_n, V*C) rows: a view of a contiguous clip
        torch.index_select(
            clip.float().reshape(-1, v * c), 0, clip_rows, out=slot)
    # (N, K*2*M*L, V*C) -> (N*K, 2, M, L, V*C) -> (N*K, M, L, V, C)
    pairs = pairs.view(n * k, 2, m, out_len, v * c)
    return blend_pairs(pairs, w).view(n * k, m, out_len, v, c)
