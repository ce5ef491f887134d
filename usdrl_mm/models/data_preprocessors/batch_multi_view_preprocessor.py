from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

import torch
from mmaction.registry import MODELS
from torch import Tensor

from usdrl_mm.structures.batch_augment_ops import (CropParams, apply_crop,
                                                   draw_crop, draw_linear_map,
                                                   draw_shear, joints_to_mask,
                                                   map_joints)
from .skeleton_data_preprocessor import SkeletonDataPreprocessor

#: The spatial augmentations of a view, in the order of ``branch_probs``.
BRANCHES = ('mask', 'linear_map', 'shear')


class ViewParams(NamedTuple):
    """The random parameters of B = N * K views (view k of sample n is row
    ``n * K + k``).

    - ``crop``: windows ``(B,)`` into the sample's valid frames;
    - ``branch``: ``(B,)`` int64 index into :data:`BRANCHES`;
    - ``joints``: ``(B, k)`` joints masked or corrupted (unused by a shear);
    - ``matrix``: ``(B, c, c)`` over the coordinates: ``R`` of the linear
      map (``x' = x R``), ``S`` of the shear (``x' = S x``), zero for a
      mask.
    """
    crop: CropParams
    branch: Tensor
    joints: Tensor
    matrix: Tensor


@MODELS.register_module()
class BatchMultiViewPreprocessor(SkeletonDataPreprocessor):
    """Draw the USDRL pretraining views for a whole batch on the device.

    The batched equivalent of the per-sample pipeline
    ``SkeletonMultiView(TemporalCropResize, RandomChoice(mask, linear map,
    shear), FormatGCNInput)`` (SPEC §8.1): every one of the ``num_views``
    views of a sample gets, independently,

    1. a random temporal crop of its ``n`` valid frames,
       ``L = min(max(floor(n s), min_len), n)`` with ``s ~ U(ratio)`` at a
       uniform start, linearly resized to ``clip_len`` frames;
    2. one spatial augmentation, drawn with ``branch_probs``: zero
       ``num_joints`` random joints (all channels, score included); map
       ``num_joints`` random joints by ``x' = x R`` with
       ``R_ij ~ U(-map_magnitude, map_magnitude)``; or shear all joints by
       ``x' = S x``, ``S_ii = 1``,
       ``S_ij ~ U(-shear_magnitude, shear_magnitude)``.

    Step 2 is one batched product ``x' = x A_b`` kept on a joint subset
    ``J_b``: ``A = R, J`` = chosen for the map, ``A = S^T, J`` = all for the
    shear, ``A = 0, J`` = chosen for the mask. Absent persons stay zero.
    Then the parent class derives the modality, giving
    ``(N, num_views, M, clip_len, V, C)`` for ``MGFD``. The draws use the
    device's global torch RNG, which ``randomness=dict(seed=...)`` seeds.

    Input ``data['inputs']``: per-sample raw clips ``(M, T_i, V, C)`` (from
    ``FormatRawSkeleton``) or a stacked ``(N, M, T, V, C)`` tensor. The
    valid length of a clip is ``data_samples[i].valid_len`` when packed,
    else its own length ``T_i`` (clips of different lengths are zero-padded
    to the longest).

    Args:
        num_views (int): Views per sample (4 in USDRL).
        clip_len (int): Frames of each view. Defaults to 64.
        ratio (tuple[float, float]): Range of the crop scale ``s``.
        min_len (int): Floor of the crop length. Defaults to 64.
        num_joints (int): Joints masked or corrupted (15 in USDRL).
        shear_magnitude (float): Off-diagonal range of the shear.
        map_magnitude (float): Entry range of the random linear map.
        branch_probs (sequence[float]): Probabilities of mask, linear map
            and shear. Defaults to ``(0.25, 0.25, 0.5)``.
        coord_channels (int, optional): Channels the linear maps act on;
            the rest (a keypoint score) are only cropped and masked.
            ``None``: all channels.
        modality, layout, non_blocking: as ``SkeletonDataPreprocessor``.
    """

    def __init__(self,
                 num_views: int = 4,
                 clip_len: int = 64,
                 ratio: Tuple[float, float] = (0.1, 1.0),
                 min_len: int = 64,
                 num_joints: int = 15,
                 shear_magnitude: float = 1.0,
                 map_magnitude: float = 1.0,
                 branch_probs: Sequence[float] = (0.25, 0.25, 0.5),
                 coord_channels: Optional[int] = None,
                 modality: Union[str, Sequence[str]] = 'joint',
                 layout: str = 'nturgb+d',
                 non_blocking: Optional[bool] = False) -> None:
        super().__init__(
            modality=modality, layout=layout, non_blocking=non_blocking)
        low, high = ratio
        if not 0 < low <= high <= 1:
            raise ValueError(f'need 0 < low <= high <= 1, got {ratio}')
        if num_views < 1:
            raise ValueError(f'num_views must be >= 1, got {num_views}')
        if len(branch_probs) != len(BRANCHES) or min(branch_probs) < 0 \
                or abs(sum(branch_probs) - 1) > 1e-6:
            raise ValueError('branch_probs needs probabilities of '
                             f'{BRANCHES} summing to 1, got {branch_probs}')
        self.num_views = num_views
        self.clip_len = clip_len
        self.ratio = (float(low), float(high))
        self.min_len = min_len
        self.num_joints = num_joints
        self.shear_magnitude = shear_magnitude
        self.map_magnitude = map_magnitude
        self.branch_probs = tuple(float(p) for p in branch_probs)
        self.coord_channels = coord_channels

    def stack_raw(self, inputs: Union[Tensor, Sequence[Tensor]],
                  data_samples: Optional[list]) -> Tuple[Tensor, Tensor]:
        """Raw clips -> ``(N, M, T, V, C)`` float32 zero-padded in time and
        their valid lengths ``(N,)`` int64 on the same device."""
        if isinstance(inputs, Tensor):
            clips: List[Tensor] = list(inputs)
        else:
            clips = list(inputs)
        if any(x.dim() != 4 for x in clips):
            raise ValueError('expected raw clips (M, T, V, C) from '
                             'FormatRawSkeleton, got shapes '
                             f'{sorted({tuple(x.shape) for x in clips})}')
        lengths = [x.shape[1] for x in clips]
        if data_samples is not None and all('valid_len' in ds
                                            for ds in data_samples):
            valid = [int(ds.valid_len) for ds in data_samples]
        else:
            valid = lengths
        bad = [(v, t) for v, t in zip(valid, lengths) if not 1 <= v <= t]
        if bad:
            raise ValueError('valid lengths must be in [1, frames]; got '
                             f'(valid_len, frames) {bad}')
        longest = max(lengths)
        if all(t == longest for t in lengths):
            raw = torch.stack(clips).float()
        else:  # (M, T_i, V, C) -> (M, longest, V, C), zeros at the end
            m, _, v, c = clips[0].shape
            raw = clips[0].new_zeros((len(clips), m, longest, v, c),
                                     dtype=torch.float32)
            for i, x in enumerate(clips):
                raw[i, :, :x.shape[1]] = x
        return raw, torch.tensor(valid, device=raw.device)

    def draw_views(self,
                   valid_len: Tensor,
                   num_total: int,
                   channels: int,
                   generator: Optional[torch.Generator] = None) -> ViewParams:
        """Parameters of ``num_views`` views for each of N samples with
        ``num_total`` joints, ``channels`` mapped coordinates."""
        device = valid_len.device
        k = self.num_views
        num = valid_len.shape[0] * k
        # (N,) -> (N*K,): view k of sample n is row n*K + k
        crop = draw_crop(
            valid_len.repeat_interleave(k), self.ratio, self.min_len,
            generator)
        probs = torch.tensor(self.branch_probs, device=device)
        branch = torch.multinomial(
            probs, num, replacement=True, generator=generator)
        # every clip draws the parameters of both maps and the branch picks
        # one (B*C*C numbers); the mask reuses the linear map's joints
        linear = draw_linear_map(num, num_total, self.num_joints, channels,
                                 self.map_magnitude, generator, device)
        shear = draw_shear(num, channels, self.shear_magnitude, generator,
                           device)
        is_map = (branch == BRANCHES.index('linear_map'))[:, None, None]
        is_shear = (branch == BRANCHES.index('shear'))[:, None, None]
        matrix = torch.where(
            is_map, linear.matrix,
            torch.where(is_shear, shear, torch.zeros_like(shear)))
        return ViewParams(crop, branch, linear.joints, matrix)

    def apply_views(self, raw: Tensor, params: ViewParams) -> Tensor:
        """``(N, M, T, V, C)`` raw clips -> ``(N, K, M, clip_len, V, C)``
        views."""
        n, k = raw.shape[0], self.num_views
        source = torch.arange(n, device=raw.device).repeat_interleave(k)
        views = apply_crop(raw, params.crop, self.clip_len, source)
        v, channels = raw.shape[-2], raw.shape[-1]
        c = params.matrix.shape[-1]
        is_shear = params.branch == BRANCHES.index('shear')
        is_mask = params.branch == BRANCHES.index('mask')
        # A = S^T for a shear (column vectors), R for a map, 0 for a mask;
        # a mask also zeroes the channels after c (the score)
        matrix = torch.where(is_shear[:, None, None],
                             params.matrix.transpose(1, 2), params.matrix)
        full = torch.eye(
            channels, device=raw.device).repeat(matrix.shape[0], 1, 1)
        full[:, :c, :c] = matrix
        full = full * (~is_mask).float()[:, None, None]
        chosen = joints_to_mask(params.joints, v) | is_shear[:, None]
        views = map_joints(views, full, chosen)
        # (N*K, M, T, V, C) -> (N, K, M, T, V, C)
        return views.view(n, k, *views.shape[1:])

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        samples = data.get('data_samples')
        raw, valid_len = self.stack_raw(data['inputs'], samples)
        c = self.coord_channels or raw.shape[-1]
        if c > raw.shape[-1]:
            raise ValueError(f'coord_channels={c} but the clips have '
                             f'{raw.shape[-1]} channels')
        params = self.draw_views(valid_len, raw.shape[-2], c)
        views = self.apply_views(raw, params)
        return super().forward(
            dict(inputs=views, data_samples=samples), training)
