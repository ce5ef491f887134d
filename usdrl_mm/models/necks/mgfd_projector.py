from typing import Dict, Optional

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

from ..utils import init_usdrl_weights


def _projector(in_channels: int, hid_channels: int,
               out_channels: int) -> nn.Sequential:
    """Linear-BN-ReLU, Linear-BN-ReLU, Linear; the last layer has no BN.

    Sequential indices 0/3/6 (Linear) and 1/4 (BN) match the original
    checkpoints.
    """
    return nn.Sequential(
        nn.Linear(in_channels, hid_channels), nn.BatchNorm1d(hid_channels),
        nn.ReLU(inplace=True), nn.Linear(hid_channels, hid_channels),
        nn.BatchNorm1d(hid_channels), nn.ReLU(inplace=True),
        nn.Linear(hid_channels, out_channels))


@MODELS.register_module()
class MGFDProjector(BaseModule):
    """The three projectors of MG-FD (design.md §6): temporal, spatial,
    instance.

    Input is the pooled clip feature ``(N, 2D)`` of :class:`USDRLPoolNeck`
    (temporal half first). With D = ``in_channels``:

    - ``t``: ``t_proj(g_t)``, D -> 2D -> 2D -> 2D;
    - ``s``: ``s_proj(g_s)``, same shape;
    - ``i``: ``i_proj([g_t; g_s])``, 2D -> 2D -> 2D -> 4D.

    Args:
        in_channels (int): Width D of one stream's pooled feature. ``MGFD``
            and ``MPCT`` fill it from ``backbone.out_channels`` when their
            config leaves it out.
        hid_channels (int, optional): Hidden width; defaults to 2D.
        out_channels (int, optional): ``t``/``s`` output width; defaults to
            2D.
        instance_out_channels (int, optional): ``i`` output width; defaults
            to 4D.
    """

    #: The backbone width ``MGFD`` fills a missing ``in_channels`` with.
    in_channels_from = 'out_channels'

    def __init__(self,
                 in_channels: int,
                 hid_channels: Optional[int] = None,
                 out_channels: Optional[int] = None,
                 instance_out_channels: Optional[int] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        d = in_channels
        hid = hid_channels or 2 * d
        out = out_channels or 2 * d
        self.in_channels = d
        self.t_proj = _projector(d, hid, out)
        self.s_proj = _projector(d, hid, out)
        self.i_proj = _projector(2 * d, hid, instance_out_channels or 4 * d)

    def init_weights(self) -> None:
        if self.init_cfg is not None:
            super().init_weights()
            return
        init_usdrl_weights(self)
        self._is_init = True

    def forward(self, x: Tensor) -> Dict[str, Tensor]:
        """(N, 2D) -> dict(t=(N, 2D), s=(N, 2D), i=(N, 4D))."""
        if x.dim() != 2 or x.shape[1] != 2 * self.in_channels:
            raise ValueError(f'MGFDProjector expects pooled features (N, '
                             f'{2 * self.in_channels}), got {tuple(x.shape)}')
        gt, gs = torch.split(x, self.in_channels, dim=1)
        return dict(t=self.t_proj(gt), s=self.s_proj(gs), i=self.i_proj(x))
