"""The spatial augmentations of a batch of clips (design.md §8.1 step 2).

Shear ``x' = S x``, the random linear map ``x' = x R`` of chosen joints and
the joint mask are all one batched matrix product ``x @ A_b`` per clip b,
kept only on the clip's selected joints (:func:`map_joints`); the formulas
are those of ``shear_matrix``, ``linear_map_joints`` and ``mask_joints`` of
``usdrl_mm.datasets.transforms.spatial_augments``. A matrix of size
``c < C`` maps the first ``c`` channels and leaves the others (a keypoint
score) alone, as the per-sample transforms leave ``keypoint_score`` alone.
"""
from typing import NamedTuple, Optional, Sequence

import torch
from torch import Tensor

from usdrl_mm.datasets.transforms.spatial_augments import (
    JointCount, augmented_joints_argument, resolve_augmented_joints)


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
    entries (design.md §8.1: magnitude 1)."""
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


def draw_joint_subsets(num: int,
                       num_total: int,
                       num_augmented_joints: Optional[JointCount] = None,
                       generator: Optional[torch.Generator] = None,
                       device: Optional[torch.device] = None,
                       *,
                       num_chosen: Optional[int] = None) -> Tensor:
    """``(num, k)`` int64: for every clip, ``k`` of ``num_total`` joints
    drawn without replacement (the first ``k`` of a uniform random
    permutation: argsort of i.i.d. uniforms).

    ``k`` is ``num_augmented_joints``, a count or a fraction in (0, 1) of
    ``num_total`` (``resolve_augmented_joints``; default 0.6, 15 of 25).
    ``num_chosen`` is its deprecated name.
    """
    value = augmented_joints_argument(num_augmented_joints, num_chosen,
                                      'draw_joint_subsets', 'num_chosen')
    k = resolve_augmented_joints(value, num_total)
    keys = torch.rand((num, num_total), generator=generator, device=device)
    return keys.argsort(dim=1)[:, :k]


def joints_to_mask(joints: Tensor, num_total: int) -> Tensor:
    """``(B, k)`` joint indices -> ``(B, V)`` bool mask."""
    mask = torch.zeros((joints.shape[0], num_total),
                       dtype=torch.bool,
                       device=joints.device)
    return mask.scatter_(1, joints.long(), True)


def draw_linear_map(num: int,
                    num_total: int,
                    num_augmented_joints: Optional[JointCount] = None,
                    channels: int = 3,
                    magnitude: float = 1.0,
                    generator: Optional[torch.Generator] = None,
                    device: Optional[torch.device] = None,
                    *,
                    num_chosen: Optional[int] = None) -> LinearMapParams:
    """Joint subsets and ``(C, C)`` matrices with i.i.d. ``U(-mag, mag)``
    entries for the random-matrix corruption of ``num`` clips.

    ``num_augmented_joints`` as :func:`draw_joint_subsets` (default 0.6, 15
    of 25); ``num_chosen`` is its deprecated name.
    """
    value = augmented_joints_argument(num_augmented_joints, num_chosen,
                                      'draw_linear_map', 'num_chosen')
    joints = draw_joint_subsets(num, num_total, value, generator, device)
    matrix = _uniform((num, channels, channels), -magnitude, magnitude,
                      generator, device, torch.float32)
    return LinearMapParams(joints, matrix)
