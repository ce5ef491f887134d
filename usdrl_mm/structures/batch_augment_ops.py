"""The maths of the USDRL pretraining views (SPEC §8) for a whole batch.

Torch counterparts of :mod:`usdrl_mm.structures.augment_ops`: every
augmentation is a parameter draw for B clips at once (on the data's device,
from an optional ``torch.Generator``) and a deterministic application with
per-clip parameters. The formulas are those of the numpy ops, so the same
parameters give the same numbers (tested against them):

- crop-resize: ``crop_windows`` is ``crop_window`` for a vector of valid
  lengths, with the floor rule ``crop_floor`` shared with the per-sample
  ``TemporalCropResize``; ``apply_crop`` (any sample per view) and
  ``crop_clip_views`` (K views per clip of a list) gather each clip's two
  source frames per output frame and blend them linearly;
- shear ``x' = S x`` and the random linear map ``x' = x R`` of chosen joints
  are one batched matrix product ``x @ A_b`` per clip b, kept only on the
  clip's selected joints;
- masking zeroes the clip's selected joints.

Tensors are ``(B, ..., T, V, C)``: clips first, then any axes (persons),
frames, joints, coordinates. A matrix of size ``c < C`` maps the first
``c`` channels and leaves the others (a keypoint score) alone, as the
per-sample transforms leave ``keypoint_score`` alone.
"""
import math
from typing import NamedTuple, Optional, Sequence, Tuple, Union

import torch
from torch import Tensor

from .augment_ops import check_augmented_joints, crop_floor


class CropParams(NamedTuple):
    """Per-clip crop windows ``[start, start + length)``, both ``(B,)``
    int64."""
    start: Tensor
    length: Tensor


class LinearMapParams(NamedTuple):
    """The random-matrix corruption of B clips: ``joints`` ``(B, k)`` int64
    and ``matrix`` ``(B, c, c)`` float32."""
    joints: Tensor
    matrix: Tensor


def _uniform(shape: Sequence[int], low: float, high: float,
             generator: Optional[torch.Generator], device: torch.device,
             dtype: torch.dtype) -> Tensor:
    """``U[low, high)`` draws on ``device``."""
    u = torch.rand(
        tuple(shape), generator=generator, device=device, dtype=dtype)
    return low + (high - low) * u


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
    """Random windows of SPEC §8.1 step 1: ``s ~ U(ratio)``, a uniform
    integer start; one per entry of ``valid_len`` ``(B,)``.

    ``short_clip`` is what a clip shorter than ``min_len`` gets
    (``crop_floor``): ``'whole'`` (USDRL) uses it whole, ``'crop'`` a crop
    of scale ``s`` of its own length. The draws do not depend on it.
    """
    floor = crop_floor(valid_len.long(), min_len, short_clip)
    b, device = valid_len.shape[0], valid_len.device
    scale = _uniform((b, ), ratio[0], ratio[1], generator, device,
                     torch.float64)
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


def apply_crop(x: Tensor,
               params: CropParams,
               out_len: int,
               source: Optional[Tensor] = None) -> Tensor:
    """Crop-resize every clip: ``(N, ..., T, V, C) -> (B, ..., out_len, V,
    C)`` float32.

    Clip b reads sample ``source[b]`` of ``x`` (``arange(N)`` when
    ``None``), so several views of one sample share the input without a
    copy, and takes frames ``start_b + i0`` and ``start_b + i1`` of its
    linear plan (:func:`linear_resize_plans`): one row gather from ``x``
    seen as one ``(V*C)`` row per frame, then one blend.
    """
    if x.dim() < 4:
        raise ValueError(f'expected (N, ..., T, V, C) clips, got {x.shape}')
    if source is None:
        source = torch.arange(x.shape[0], device=x.device)
    if source.shape != params.start.shape:
        raise ValueError(f'{source.shape[0]} sources for '
                         f'{params.start.shape[0]} crop windows')
    n, t, v, c = x.shape[0], x.shape[-3], x.shape[-2], x.shape[-1]
    inner = x.shape[1:-3]  # persons, or nothing
    groups = math.prod(inner)
    rows, w = crop_rows(params, out_len, groups,
                        torch.full_like(params.start, t))
    # first row of each clip's sample: (B,) -> (B, 1, 1, 1)
    rows = rows + (source * groups * t)[:, None, None, None]
    # (N, ..., T, V, C) -> (N*I*T, V*C): one row per frame of every person
    flat = x.float().reshape(n * groups * t, v * c)
    # (B*2*I*out_len, V*C) -> (B, 2, I, out_len, V*C)
    pairs = flat.index_select(0, rows.flatten()).view(-1, 2, groups, out_len,
                                                      v * c)
    return blend_pairs(pairs, w).view(-1, *inner, out_len, v, c)


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


def shear_matrices(off_diagonal: Tensor) -> Tensor:
    """``shear_matrix`` for B clips: ``(B, C*(C-1))`` off-diagonal entries
    (row-major) -> ``(B, C, C)`` with ones on the diagonal."""
    b, k = off_diagonal.shape
    c = int(round((1 + (1 + 4 * k)**0.5) / 2))
    if c * (c - 1) != k:
        raise ValueError(f'{k} off-diagonal entries do not fill a square')
    eye = torch.eye(c, dtype=torch.bool, device=off_diagonal.device)
    s = torch.eye(
        c, dtype=torch.float32, device=off_diagonal.device).repeat(b, 1, 1)
    s[:, ~eye] = off_diagonal.float()  # row-major, as numpy's boolean index
    return s


def draw_shear(num: int,
               channels: int = 3,
               magnitude: float = 1.0,
               generator: Optional[torch.Generator] = None,
               device: Optional[torch.device] = None) -> Tensor:
    """``(num, C, C)`` shears with i.i.d. ``U(-mag, mag)`` off-diagonal
    entries (SPEC §8.1: magnitude 1)."""
    off = _uniform((num, channels * (channels - 1)), -magnitude, magnitude,
                   generator, device, torch.float32)
    return shear_matrices(off)


def map_joints(x: Tensor,
               matrix: Tensor,
               joint_mask: Optional[Tensor] = None,
               inplace: bool = False,
               scratch: Optional[Tensor] = None) -> Tensor:
    """``x'_b = x_b[..., :c] @ A_b`` on the selected joints of every clip.

    ``x`` is ``(B, ..., V, C)``, ``matrix`` ``(B, c, c)`` with ``c <= C``
    (channels from ``c`` on are kept), ``joint_mask`` ``(B, V)`` bool
    (every joint when ``None``). Row-vector convention: a shear ``S x`` is
    ``A = S^T``; the three view augmentations are all of this form.

    Two passes over the clip: one batched product ``y = x A'_b`` of every
    joint with ``A_b`` padded by the identity on the extra channels, then
    ``lerp(x, y, keep)`` with ``keep`` 1 on the selected joints and 0
    elsewhere, which is exactly ``y`` or ``x``. (Per-joint 3 x 3 products,
    or a ``where`` whose mask broadcasts over the last axis, run several
    times slower on a CPU: their innermost loop is 3 elements long.)

    ``inplace`` writes the result into ``x`` (float32, contiguous);
    ``scratch`` (float32, at least ``x.numel()`` elements) holds ``y``.
    """
    b, c, channels = x.shape[0], matrix.shape[-1], x.shape[-1]
    if matrix.shape != (b, c, c) or c > channels:
        raise ValueError(f'need (B, c, c) matrices with c <= C for clips '
                         f'{tuple(x.shape)}, got {tuple(matrix.shape)}')
    if inplace and (x.dtype != torch.float32 or not x.is_contiguous()):
        raise ValueError('an in-place map needs a contiguous float32 clip')
    full = torch.eye(channels, device=x.device).repeat(b, 1, 1)  # (B, C, C)
    full[:, :c, :c] = matrix
    x = x.float().contiguous()
    # (B, ..., V, C) -> (B, I*T*V, C): one row per joint of every frame
    rows = x.view(b, -1, channels)
    if joint_mask is None:
        if not inplace:
            return torch.bmm(rows, full).view(x.shape)
        # bmm cannot write over its input: blend with every joint kept
        joint_mask = torch.ones(
            b, x.shape[-2], dtype=torch.bool, device=x.device)
    y = torch.bmm(rows, full, out=_buffer(scratch, x))
    # (B, V) -> (B, 1, V*C): 1 on every channel of a selected joint
    keep = joint_mask.to(x.dtype).repeat_interleave(channels, dim=1)[:, None]
    width = x.shape[-2] * channels
    # (B, I*T*V, C) -> (B, I*T, V*C): one row per frame
    mixed = torch.lerp(
        x.view(b, -1, width),
        y.view(b, -1, width),
        keep,
        out=x.view(b, -1, width) if inplace else None)
    return mixed.view(x.shape)


def _buffer(scratch: Optional[Tensor], like: Tensor) -> Optional[Tensor]:
    """The first ``like.numel()`` elements of ``scratch`` shaped as
    ``(B, rows, C)`` like ``like``; ``None`` (a new tensor) without one."""
    if scratch is None:
        return None
    if scratch.numel() < like.numel() or scratch.dtype != like.dtype:
        raise ValueError(f'scratch needs {like.numel()} {like.dtype} '
                         f'elements, got {scratch.numel()} {scratch.dtype}')
    return scratch[:like.numel()].view(like.shape[0], -1, like.shape[-1])


def apply_shear(x: Tensor, shear: Tensor) -> Tensor:
    """``x' = S_b x`` (column vectors) for every joint, frame and person of
    clip b, i.e. ``x @ S_b^T``; ``shear`` is ``(B, c, c)``."""
    return map_joints(x, shear.transpose(1, 2))


def draw_joint_subsets(num: int,
                       num_total: int,
                       num_chosen: int,
                       generator: Optional[torch.Generator] = None,
                       device: Optional[torch.device] = None) -> Tensor:
    """``(num, num_chosen)`` int64: for every clip, ``num_chosen`` of
    ``num_total`` joints drawn without replacement (the first ``k`` of a
    uniform random permutation: argsort of i.i.d. uniforms)."""
    check_augmented_joints(num_chosen, num_total)
    keys = torch.rand((num, num_total), generator=generator, device=device)
    return keys.argsort(dim=1)[:, :num_chosen]


def joints_to_mask(joints: Tensor, num_total: int) -> Tensor:
    """``(B, k)`` joint indices -> ``(B, V)`` bool mask."""
    mask = torch.zeros((joints.shape[0], num_total),
                       dtype=torch.bool,
                       device=joints.device)
    return mask.scatter_(1, joints.long(), True)


def draw_linear_map(num: int,
                    num_total: int,
                    num_chosen: int = 15,
                    channels: int = 3,
                    magnitude: float = 1.0,
                    generator: Optional[torch.Generator] = None,
                    device: Optional[torch.device] = None) -> LinearMapParams:
    """Joint subsets and ``(C, C)`` matrices with i.i.d. ``U(-mag, mag)``
    entries for the random-matrix corruption of ``num`` clips."""
    joints = draw_joint_subsets(num, num_total, num_chosen, generator, device)
    matrix = _uniform((num, channels, channels), -magnitude, magnitude,
                      generator, device, torch.float32)
    return LinearMapParams(joints, matrix)


def apply_linear_map(x: Tensor, params: LinearMapParams) -> Tensor:
    """``x' = x R_b`` (row vectors) on the chosen joints of clip b, in every
    frame and for every person; the other joints are kept."""
    mask = joints_to_mask(params.joints, x.shape[-2])
    return map_joints(x, params.matrix, mask)


def draw_joint_mask(num: int,
                    num_total: int,
                    num_chosen: int = 15,
                    generator: Optional[torch.Generator] = None,
                    device: Optional[torch.device] = None) -> Tensor:
    """``(num, num_chosen)`` joints to mask, without replacement per clip."""
    return draw_joint_subsets(num, num_total, num_chosen, generator, device)


def apply_joint_mask(x: Tensor, joints: Tensor) -> Tensor:
    """Zero the chosen joints ``(B, k)`` of every clip, in every frame, for
    every person and in every channel (a score too)."""
    mask = joints_to_mask(joints, x.shape[-2])
    # (B, V) -> (B, 1, ..., 1, V, 1)
    drop = mask.view(x.shape[0], *[1] * (x.dim() - 3), -1, 1)
    return x.float().masked_fill(drop, 0.)
