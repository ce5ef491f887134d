from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

import torch
from mmaction.registry import MODELS
from torch import Tensor

from usdrl_mm.datasets.transforms.spatial_augments import (
    JointCount, augmented_joints_argument)
from usdrl_mm.datasets.transforms.temporal_crop_resize import SHORT_CLIP_MODES
from usdrl_mm.structures import SpecLike
from ..utils.batch_augments import (CropParams, crop_clip_views, draw_crop,
                                    draw_linear_map, draw_shear,
                                    joints_to_mask, map_joints)
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
    shear), FormatGCNInput)`` (design.md §8.1): every one of the ``num_views``
    views of a sample gets, independently,

    1. a random temporal crop of its ``n`` valid frames,
       ``L = min(max(floor(n s), min_len), n)`` with ``s ~ U(ratio)`` at a
       uniform start, linearly resized to ``clip_len`` frames (a clip of at
       most ``min_len`` frames is so used whole in every view, unless
       ``short_clip='crop'``);
    2. one spatial augmentation, drawn with ``branch_probs``: zero
       ``num_augmented_joints`` random joints (all channels, score
       included); map ``num_augmented_joints`` random joints by
       ``x' = x R`` with
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
    else its own length ``T_i``. Clips of different lengths are read where
    they are, one gather per clip, never padded or stacked. The maths are
    the torch ops of ``usdrl_mm.models.utils.batch_augments``, on whatever
    device the clips are.

    Args:
        num_views (int): Views per sample (4 in USDRL).
        clip_len (int): Frames of each view. Defaults to 64.
        ratio (tuple[float, float]): Range of the crop scale ``s``.
        min_len (int): Floor of the crop length. Defaults to 64.
        short_clip (str): What a clip shorter than ``min_len`` gets:
            ``'whole'`` (default, USDRL) the whole clip in every view,
            ``'crop'`` a crop of ``max(floor(n s), 1)`` of its ``n`` frames
            per view, as ``TemporalCropResize(short_clip=...)``.
        num_augmented_joints (int | float, optional): Joints masked or
            corrupted: a count, or a fraction in (0, 1) of the clips' joints
            (``resolve_augmented_joints``). Defaults to 0.6, USDRL's 15 of
            NTU's 25, so the config fits any layout.
        shear_magnitude (float): Off-diagonal range of the shear.
        map_magnitude (float): Entry range of the random linear map.
        branch_probs (sequence[float]): Probabilities of mask, linear map
            and shear. Defaults to ``(0.25, 0.25, 0.5)``.
        coord_channels (int, optional): Channels the linear maps act on;
            the rest (a keypoint score) are only cropped and masked.
            Defaults to the skeleton spec's ``coord_dims``; ``None``
            without a spec: all channels.
        modality, layout, non_blocking, skeleton: as
            ``SkeletonDataPreprocessor``; with a skeleton spec the raw clips
            are checked against it before the views are drawn.
        num_joints (int, optional): Deprecated name of
            ``num_augmented_joints``.
    """

    def __init__(self,
                 num_views: int = 4,
                 clip_len: int = 64,
                 ratio: Tuple[float, float] = (0.1, 1.0),
                 min_len: int = 64,
                 num_augmented_joints: Optional[JointCount] = None,
                 shear_magnitude: float = 1.0,
                 map_magnitude: float = 1.0,
                 branch_probs: Sequence[float] = (0.25, 0.25, 0.5),
                 coord_channels: Optional[int] = None,
                 short_clip: str = 'whole',
                 modality: Union[str, Sequence[str]] = 'joint',
                 layout: Optional[str] = None,
                 non_blocking: Optional[bool] = False,
                 skeleton: Optional[SpecLike] = None,
                 *,
                 num_joints: Optional[int] = None) -> None:
        super().__init__(
            modality=modality,
            layout=layout,
            non_blocking=non_blocking,
            coord_channels=coord_channels,
            skeleton=skeleton)
        low, high = ratio
        if not 0 < low <= high <= 1:
            raise ValueError(f'need 0 < low <= high <= 1, got {ratio}')
        if num_views < 1:
            raise ValueError(f'num_views must be >= 1, got {num_views}')
        if short_clip not in SHORT_CLIP_MODES:
            raise ValueError(f'short_clip must be one of {SHORT_CLIP_MODES}, '
                             f'got {short_clip!r}')
        if len(branch_probs) != len(BRANCHES) or min(branch_probs) < 0 \
                or abs(sum(branch_probs) - 1) > 1e-6:
            raise ValueError('branch_probs needs probabilities of '
                             f'{BRANCHES} summing to 1, got {branch_probs}')
        self.num_views = num_views
        self.clip_len = clip_len
        self.ratio = (float(low), float(high))
        self.min_len = min_len
        self.short_clip = short_clip
        self.num_augmented_joints = augmented_joints_argument(
            num_augmented_joints, num_joints,
            type(self).__name__)
        self.shear_magnitude = shear_magnitude
        self.map_magnitude = map_magnitude
        self.branch_probs = tuple(float(p) for p in branch_probs)
        self._scratch: Optional[Tensor] = None

    @property
    def num_joints(self) -> JointCount:
        """Deprecated alias of :attr:`num_augmented_joints`."""
        return self.num_augmented_joints

    def collect_raw(
            self, inputs: Union[Tensor, Sequence[Tensor]],
            data_samples: Optional[list]) -> Tuple[List[Tensor], Tensor]:
        """Raw clips -> a list of ``(M, T_i, V, C)`` float32 clips, as they
        came (not padded or stacked), and their valid lengths ``(N,)``
        int64 on the clips' device."""
        clips = [x.float() for x in inputs]
        if not clips or any(x.dim() != 4 for x in clips):
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
        return clips, torch.tensor(valid, device=clips[0].device)

    def scratch(self, numel: int, device: torch.device) -> Tensor:
        """A float32 work buffer of ``numel`` elements, kept between
        batches.

        Why not a new tensor per batch: the CPU allocator hands large
        blocks back to the system, and refilling 10 MB of fresh pages
        costs about as much as one pass of the view maths (measured with
        ``tools/analysis_tools/benchmark.py augment``). The buffer only
        holds intermediates; the views returned are always new tensors.
        """
        buf = self._scratch
        if buf is None or buf.numel() < numel or buf.device != device:
            buf = self._scratch = torch.empty(
                numel, dtype=torch.float32, device=device)
        return buf[:numel]

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
            generator, self.short_clip)
        probs = torch.tensor(self.branch_probs, device=device)
        branch = torch.multinomial(
            probs, num, replacement=True, generator=generator)
        # every clip draws the parameters of both maps and the branch picks
        # one (B*C*C numbers); the mask reuses the linear map's joints
        linear = draw_linear_map(num, num_total, self.num_augmented_joints,
                                 channels, self.map_magnitude, generator,
                                 device)
        shear = draw_shear(num, channels, self.shear_magnitude, generator,
                           device)
        is_map = (branch == BRANCHES.index('linear_map'))[:, None, None]
        is_shear = (branch == BRANCHES.index('shear'))[:, None, None]
        matrix = torch.where(
            is_map, linear.matrix,
            torch.where(is_shear, shear, torch.zeros_like(shear)))
        return ViewParams(crop, branch, linear.joints, matrix)

    def view_matrices(self, params: ViewParams, joints: int,
                      channels: int) -> Tuple[Tensor, Tensor]:
        """The map of each view as ``(B, C, C)`` matrices (row vectors,
        ``x' = x A``) and the ``(B, V)`` joints it acts on.

        ``A = S^T`` for a shear (column vectors), ``R`` for a linear map,
        0 for a mask (which so zeroes the channels after c, a score, too);
        channels after c keep the identity otherwise.
        """
        b, c = params.matrix.shape[0], params.matrix.shape[-1]
        device = params.matrix.device
        is_shear = params.branch == BRANCHES.index('shear')
        is_mask = params.branch == BRANCHES.index('mask')
        matrix = torch.where(is_shear[:, None, None],
                             params.matrix.transpose(1, 2), params.matrix)
        full = torch.eye(channels, device=device).repeat(b, 1, 1)
        full[:, :c, :c] = matrix
        full = full * (~is_mask).float()[:, None, None]
        chosen = joints_to_mask(params.joints, joints) | is_shear[:, None]
        return full, chosen

    def apply_views(self, clips: Union[Tensor, Sequence[Tensor]],
                    params: ViewParams) -> Tensor:
        """N raw clips ``(M, T_i, V, C)`` (a list, or a stacked ``(N, M, T,
        V, C)`` tensor) -> ``(N, K, M, clip_len, V, C)`` views."""
        n, k = len(clips), self.num_views
        m, _, v, channels = clips[0].shape
        full, chosen = self.view_matrices(params, v, channels)
        size = n * k * m * self.clip_len * v * channels
        # the frame pairs of the crops, then the products of the maps
        work = self.scratch(2 * size, full.device)
        views = crop_clip_views(clips, params.crop, self.clip_len, k, work)
        views = map_joints(views, full, chosen, inplace=True, scratch=work)
        # (N*K, M, T, V, C) -> (N, K, M, T, V, C)
        return views.view(n, k, *views.shape[1:])

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        samples = data.get('data_samples')
        clips, valid_len = self.collect_raw(data['inputs'], samples)
        self.check_skeleton(clips[0])
        v, channels = clips[0].shape[-2:]
        c = self.coord_channels or channels
        if c > channels:
            raise ValueError(f'coord_channels={c} but the clips have '
                             f'{channels} channels')
        params = self.draw_views(valid_len, v, c)
        views = self.apply_views(clips, params)
        return dict(inputs=self.model_inputs(views), data_samples=samples)
