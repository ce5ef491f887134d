import math
from typing import Dict, List, Optional

import torch
from mmaction.registry import MODELS
from torch import Tensor

from usdrl_mm.structures import MODALITIES, isolate_modality
from ..utils.virtual_camera import rotate_coordinates, rotation_about_axis
from .mgfd import MGFD


@MODELS.register_module()
class MPCT(MGFD):
    """One encoder pretrained on joint, bone and motion together with MG-FD
    plus multi-view and multi-modal consistency.

    This is **our interpretation** of the TPAMI paper's MPCT ("J+M+B"
    single model), whose losses and fusion are not published (design.md
    §9); the choices and their reasons are in docs/mpct.md.

    - Early fusion: the data preprocessor concatenates the J, B and M
      streams along the coordinate axis, ``(N, K, M, T, V, 3C)``, and the
      encoder's first (linear) layers embed them together, which is the sum
      of one embedding per modality.
    - The K augmented views go through the MG-FD objective as in
      :class:`MGFD`.
    - Multi-view: the first R views are also seen from a virtual camera
      (random rotation about the vertical axis).
    - Multi-modal: the first Q views are also encoded through each
      modality alone (the other streams zeroed).

    All views share one encoder pass; the projector runs once per view, so
    each keeps its own BatchNorm statistics. The head (:class:`MPCTHead`)
    owns the losses; extra views are only built for terms whose weight is
    not 0, so with both weights 0 this is MG-FD on the J+B+M input.

    Args:
        backbone, neck, projector, init_cfg: as :class:`MGFD`.
        head (dict): Defaults to ``MPCTHead``.
        num_virtual_views (int): R, views also seen from a virtual camera.
        max_rotation (float): Virtual cameras turn by an angle drawn from
            ``U(-max_rotation, max_rotation)`` degrees per view and sample.
            45 matches NTU's camera azimuths of -45, 0 and +45 degrees.
        vertical_axis (int): Coordinate index of the vertical axis (1: y in
            NTU camera coordinates). Needs 3D coordinates.
        num_modal_views (int): Q, views also seen through each modality.
        data_preprocessor (dict, optional): Defaults to
            ``SkeletonDataPreprocessor`` with all three modalities.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict = dict(type='USDRLPoolNeck'),
                 projector: dict = dict(type='MGFDProjector'),
                 head: dict = dict(type='MPCTHead'),
                 num_virtual_views: int = 1,
                 max_rotation: float = 45.0,
                 vertical_axis: int = 1,
                 num_modal_views: int = 1,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='SkeletonDataPreprocessor', modality=MODALITIES)
        super().__init__(
            backbone=backbone,
            neck=neck,
            projector=projector,
            head=head,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.modalities = tuple(
            getattr(self.data_preprocessor, 'modalities', ()))
        if not self.modalities:
            raise ValueError('MPCT needs a data preprocessor that lists its '
                             'modalities (SkeletonDataPreprocessor)')
        in_channels = getattr(self.backbone, 'in_channels', None)
        if in_channels is not None and in_channels % len(self.modalities):
            raise ValueError(f'backbone in_channels={in_channels} is not a '
                             f'multiple of the {len(self.modalities)} '
                             'modalities the preprocessor concatenates')
        if min(num_virtual_views, num_modal_views) < 0:
            raise ValueError('view counts must be >= 0')
        coords = getattr(self.data_preprocessor, 'coord_channels', None)
        if num_virtual_views and coords is not None and coords != 3:
            # rotating (x, y, score) as a 3D point would mix the score into
            # the coordinates
            raise ValueError(
                'the virtual camera rotates 3D coordinates, but the input '
                f'has {coords} coordinate channels (2D): set '
                'num_virtual_views=0 and the multi-view loss weight to 0 '
                'for 2D skeletons')
        self.coord_channels = coords
        self.num_virtual_views = num_virtual_views
        self.max_rotation = max_rotation
        self.vertical_axis = vertical_axis
        self.num_modal_views = num_modal_views

    def virtual_views(self, x: Tensor) -> Tensor:
        """(N, R, M, T, V, G*S) -> the same views, each seen from a virtual
        camera turned about the vertical axis.

        Each of the G streams has S channels: 3 coordinates, then a score
        when the data preprocessor's skeleton has one (``coord_channels``
        3 of S = 4), which the rotation leaves alone.
        """
        n, r = x.shape[:2]
        per_stream = x.shape[-1] // len(self.modalities)
        coords = self.coord_channels or per_stream
        if coords != 3:
            raise ValueError(
                'the virtual camera rotates 3D coordinates; the input has '
                f'{coords} coordinate channels per stream: set '
                'num_virtual_views=0 for 2D skeletons')
        limit = math.radians(self.max_rotation)
        angles = (torch.rand(n * r, device=x.device) * 2 - 1) * limit
        rotation = rotation_about_axis(angles, self.vertical_axis)
        # (N, R, M, T, V, C) -> (N*R, M, T, V, C): one camera per view,
        # then back to (N, R, M, T, V, C)
        return rotate_coordinates(x.flatten(0, 1), rotation,
                                  per_stream).view(x.shape)

    def single_modality_views(self, x: Tensor) -> Tensor:
        """(N, Q, M, T, V, G*C) -> (N, Q*G, M, T, V, G*C); view ``q*G + m``
        keeps modality m of view q and zeros the other streams."""
        g = len(self.modalities)
        # G x (N, Q, M, T, V, G*C) -> (N, Q, G, M, T, V, G*C)
        views = torch.stack([isolate_modality(x, m, g) for m in range(g)],
                            dim=2)
        return views.flatten(1, 2)  # -> (N, Q*G, M, T, V, G*C)

    def loss(self, inputs: Tensor, data_samples=None) -> Dict[str, Tensor]:
        if inputs.dim() != 6 or inputs.shape[1] < 2:
            raise ValueError('MPCT needs (N, K>=2 views, M, T, V, C) inputs,'
                             f' got {tuple(inputs.shape)}')
        k = inputs.shape[1]
        r = min(self.num_virtual_views, k) if self.head.use_view else 0
        q = min(self.num_modal_views, k) if self.head.use_modal else 0
        groups = [inputs]
        if r:
            groups.append(self.virtual_views(inputs[:, :r]))
        if q:
            groups.append(self.single_modality_views(inputs[:, :q]))
        # one encoder pass: (N, K + R + Q*G, M, T, V, C) -> (N, K+R+Q*G, 2D)
        feats = self.extract_feat(torch.cat(groups, dim=1))
        project = [self.projector(feats[:, j]) for j in range(feats.shape[1])]
        g = len(self.modalities)
        modal: Dict[str, List[Dict[str, Tensor]]] = {
            name: project[k + r + m:k + r + q * g:g]
            for m, name in enumerate(self.modalities)
        } if q else {}
        return self.head.loss(project[:k], project[k:k + r], modal)
