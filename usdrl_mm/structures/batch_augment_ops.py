"""The maths of the USDRL pretraining views (SPEC §8) for a whole batch.

Torch counterparts of :mod:`usdrl_mm.structures.augment_ops`: every
augmentation is a parameter draw for B clips at once (on the data's device,
from an optional ``torch.Generator``) and a deterministic application with
per-clip parameters. The formulas are those of the numpy ops, so the same
parameters give the same numbers (tested against them):

- crop-resize: ``crop_windows`` is ``crop_window`` for a vector of valid
  lengths; ``apply_crop`` gathers each clip's two source frames per output
  frame and blends them linearly;
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
from typing import NamedTuple, Optional, Sequence, Tuple

import torch
from torch import Tensor


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


def crop_windows(valid_len: Tensor, scale: Tensor, min_len: int,
                 start_fraction: Tensor) -> CropParams:
    """``crop_window`` for B clips with valid lengths ``n_b``.

    ``length = max(min(max(floor(n s), min_len), n), 1)`` and
    ``start = min(floor(f (n - length + 1)), n - length)`` with the scale
    ``s`` and the start fraction ``f ~ U[0, 1)`` of each clip. The products
    are taken in float64, as numpy does with python floats, so a shared draw
    gives the same integers.
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
              generator: Optional[torch.Generator] = None) -> CropParams:
    """Random windows of SPEC §8.1 step 1: ``s ~ U(ratio)``, a uniform
    integer start; one per entry of ``valid_len`` ``(B,)``."""
    b, device = valid_len.shape[0], valid_len.device
    scale = _uniform((b, ), ratio[0], ratio[1], generator, device,
                     torch.float64)
    fraction = torch.rand((b, ),
                          generator=generator,
                          device=device,
                          dtype=torch.float64)
    return crop_windows(valid_len, scale, min_len, fraction)


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


def apply_crop(x: Tensor,
               params: CropParams,
               out_len: int,
               source: Optional[Tensor] = None) -> Tensor:
    """Crop-resize every clip: ``(N, ..., T, V, C) -> (B, ..., out_len, V,
    C)`` float32.

    Clip b reads sample ``source[b]`` of ``x`` (``arange(N)`` when
    ``None``), so several views of one sample share the input without a
    copy, and takes frames ``start_b + i0`` and ``start_b + i1`` of its
    linear plan (:func:`linear_resize_plans`): two row gathers from ``x``
    seen as one ``(V*C)`` row per frame.
    """
    if x.dim() < 4:
        raise ValueError(f'expected (N, ..., T, V, C) clips, got {x.shape}')
    if source is None:
        source = torch.arange(x.shape[0], device=x.device)
    if source.shape != params.start.shape:
        raise ValueError(f'{source.shape[0]} sources for '
                         f'{params.start.shape[0]} crop windows')
    if bool((params.start + params.length > x.shape[-3]).any()):
        raise ValueError('a crop window ends after the last frame '
                         f'({x.shape[-3]})')
    i0, i1, w = linear_resize_plans(params.length, out_len)
    n, t, v, c = x.shape[0], x.shape[-3], x.shape[-2], x.shape[-1]
    inner = x.shape[1:-3]  # persons, or nothing
    groups = math.prod(inner)
    # (N, ..., T, V, C) -> (N*I*T, V*C): one row per frame of every person
    flat = x.float().reshape(n * groups * t, v * c)
    # first row of each (clip, person): (B, 1) and (I,) -> (B, I, 1)
    base = (source[:, None] * groups +
            torch.arange(groups, device=x.device)) * t + params.start[:, None]
    base = base[..., None]
    shape = (-1, *inner, out_len, v, c)
    # (B, I, out_len) row indices -> (B*I*out_len, V*C) -> (B, ..., out_len,
    # V, C)
    a = flat.index_select(0, (base + i0[:, None]).flatten()).view(shape)
    b = flat.index_select(0, (base + i1[:, None]).flatten()).view(shape)
    # (B, out_len) -> (B, 1, ..., 1, out_len, 1, 1)
    w = w.view(w.shape[0], *[1] * len(inner), out_len, 1, 1)
    # a + w (b - a): (1 - w) a + w b in one pass, equal up to rounding
    return torch.lerp(a, b, w)


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
               joint_mask: Optional[Tensor] = None) -> Tensor:
    """``x'_b = x_b[..., :c] @ A_b`` on the selected joints of every clip.

    ``x`` is ``(B, ..., V, C)``, ``matrix`` ``(B, c, c)`` with ``c <= C``
    (channels from ``c`` on are kept), ``joint_mask`` ``(B, V)`` bool
    (every joint when ``None``). Row-vector convention: a shear ``S x`` is
    ``A = S^T``; the three view augmentations are all of this form.

    Implemented as one product with a per-joint ``(C, C)`` matrix: ``A_b``
    padded with the identity on the extra channels for a selected joint,
    the identity for the others.
    """
    b, c, channels = x.shape[0], matrix.shape[-1], x.shape[-1]
    if matrix.shape != (b, c, c) or c > channels:
        raise ValueError(f'need (B, c, c) matrices with c <= C for clips '
                         f'{tuple(x.shape)}, got {tuple(matrix.shape)}')
    eye = torch.eye(channels, device=x.device)
    full = eye.repeat(b, 1, 1)  # (B, C, C)
    full[:, :c, :c] = matrix
    x = x.float()
    if joint_mask is None:
        joint_mask = torch.ones(
            x.shape[0], x.shape[-2], dtype=torch.bool, device=x.device)
    # (B, V) -> (B, V, C, C): A_b on the selected joints, I elsewhere
    per_joint = torch.where(joint_mask[:, :, None, None], full[:, None], eye)
    # (B, V, C, C) -> (B, 1, ..., 1, V, C, C) to broadcast over persons and
    # frames; then x' = sum_c x[..., c] A[c, :] as C in-place multiply-adds
    # over the clip (a batched matmul with 3 x 3 matrices per joint is
    # slower on a CPU: it transposes the clip into tiny products)
    per_joint = per_joint.view(b, *[1] * (x.dim() - 3), *per_joint.shape[1:])
    out = x[..., :1] * per_joint[..., 0, :]
    for k in range(1, channels):
        out.addcmul_(x[..., k:k + 1], per_joint[..., k, :])
    return out


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
    if not 0 <= num_chosen <= num_total:
        raise ValueError(f'cannot pick {num_chosen} of {num_total} joints; '
                         'set num_joints for this skeleton layout')
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
