from typing import Dict, Optional, Sequence, Tuple, Union

from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS
from torch import Tensor, nn

from ..necks import USDRLPoolNeck

Feats = Union[Tensor, Tuple[Tensor, ...]]


@MODELS.register_module()
class USDRLClsHead(BaseHead):
    """Linear classifier on the pooled clip feature of a two-stream encoder.

    ``(temporal (N, T, D), spatial (N, M*V, D))`` -> max-pool per stream
    -> ``(N, 2D)`` -> [BN] -> dropout -> ``Linear(2D, K)``. This is the
    classifier of the USDRL linear, fine-tune, semi-supervised and transfer
    protocols
    (design.md §10.2): weights N(0, 0.01), zero bias, cross-entropy. A tensor
    input is taken as an already pooled ``(N, 2D)`` feature.

    Args:
        num_classes (int): K.
        in_channels (int): Width of the pooled feature (2D; 2048 for the
            default DSTE). ``USDRLRecognizer`` fills it from
            ``backbone.pooled_channels`` when the config leaves it out.
        dropout (float): Dropout before the classifier. Defaults to 0.
        feat_norm (bool): Standardise the pooled feature with a
            ``BatchNorm1d`` without affine parameters before the classifier
            (the MAE linear-probe recipe). Still a linear classifier at test
            time, but it converges in far fewer epochs; off in the USDRL
            protocol. Defaults to False.
        loss_cls, average_clips, topk, init_cfg: as MMAction2's heads.
    """

    #: The backbone width ``USDRLRecognizer`` fills a missing
    #: ``in_channels`` with.
    in_channels_from = 'pooled_channels'

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 dropout: float = 0.,
                 feat_norm: bool = False,
                 average_clips: Optional[str] = 'prob',
                 topk: Union[int, Tuple[int, ...]] = (1, 5),
                 init_cfg: Optional[Dict] = dict(
                     type='Normal', layer='Linear', std=0.01, bias=0.),
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            average_clips=average_clips,
            topk=topk,
            init_cfg=init_cfg,
            **kwargs)
        self.pool = USDRLPoolNeck()
        self.norm = nn.BatchNorm1d(
            in_channels, affine=False) if feat_norm else nn.Identity()
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(self, x: Feats, **kwargs) -> Tensor:
        """Tokens or pooled features -> (N, K) class scores."""
        feats = x if isinstance(x, Tensor) else self.pool(x)
        if feats.shape[-1] != self.in_channels:
            raise ValueError(f'USDRLClsHead expects {self.in_channels}-d '
                             f'pooled features, got {tuple(feats.shape)}; '
                             'in_channels must be 2 x the encoder width')
        return self.fc(self.dropout(self.norm(feats)))


@MODELS.register_module()
class USDRLFeatureHead(nn.Module):
    """A classifier-free head that predicts the pooled clip feature.

    Used for retrieval (kNN) through ``tools/test.py``: ``predict`` stores
    the ``(2D,)`` feature of every sample, averaged over its clips, in
    ``data_sample.clip_feature`` for :class:`KNNMetric`. It has no
    parameters and no training loss.
    """

    def __init__(self) -> None:
        super().__init__()
        self.pool = USDRLPoolNeck()

    def forward(self, x: Feats, **kwargs) -> Tensor:
        return x if isinstance(x, Tensor) else self.pool(x)

    def loss(self, feats: Feats, data_samples: Sequence, **kwargs):
        raise RuntimeError('USDRLFeatureHead only extracts features for '
                           'retrieval; use tools/test.py with a kNN config')

    def predict(self, feats: Feats, data_samples: Sequence,
                **kwargs) -> Sequence:
        feats = self(feats)
        # (N*num_clips, 2D) -> (N, num_clips, 2D): average the clips
        feats = feats.view(len(data_samples), -1, feats.shape[-1]).mean(1)
        for sample, feat in zip(data_samples, feats):
            sample.set_field(feat.detach(), 'clip_feature')
        return data_samples
