from typing import Dict, List, Optional

from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor

from ..utils import with_derived_in_channels


@MODELS.register_module()
class MGFD(BaseModel):
    """USDRL self-supervised pretraining by multi-grained feature
    decorrelation.

    Wiring only: every view goes through the backbone (DSTE), the pooling
    neck and the projector; the head turns the per-view embeddings into the
    named MG-FD loss terms.

    Inputs are ``(N, K, M, T, V, C)`` with K augmented views per sample
    (``SkeletonMultiView`` stacks them, the data preprocessor derives the
    modality).

    Args:
        backbone (dict): Encoder config, e.g. ``dict(type='DSTE')``.
        neck (dict): Pooling neck, ``(tokens) -> (N, 2D)``.
        projector (dict): ``(N, 2D) -> dict(t=, s=, i=)`` embeddings. Without
            ``in_channels`` it takes the built backbone's width
            (``backbone.out_channels``, the D of ``MGFDProjector``), so a
            config that changes ``hidden_dim`` does not restate it.
        head (dict): Loss head taking the list of per-view embeddings.
        data_preprocessor (dict, optional): Defaults to
            ``SkeletonDataPreprocessor``.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict = dict(type='USDRLPoolNeck'),
                 projector: dict = dict(type='MGFDProjector'),
                 head: dict = dict(type='MGFDHead'),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='SkeletonDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.projector = MODELS.build(
            with_derived_in_channels(projector, self.backbone, 'projector'))
        self.head = MODELS.build(head)

    def extract_feat(self, inputs: Tensor) -> Tensor:
        """Pooled clip features.

        ``(N, M, T, V, C) -> (N, 2D)`` or ``(N, K, M, T, V, C) ->
        (N, K, 2D)``.
        """
        if inputs.dim() == 5:
            return self.neck(self.backbone(inputs))
        n, k = inputs.shape[:2]
        # the encoder has no batch statistics, so all views share one pass:
        # (N, K, M, T, V, C) -> (N*K, M, T, V, C)
        feats = self.neck(self.backbone(inputs.flatten(0, 1)))
        return feats.view(n, k, -1)  # (N*K, 2D) -> (N, K, 2D)

    def loss(self, inputs: Tensor, data_samples=None) -> Dict[str, Tensor]:
        if inputs.dim() != 6 or inputs.shape[1] < 2:
            raise ValueError('MG-FD needs (N, K>=2 views, M, T, V, C) inputs,'
                             f' got {tuple(inputs.shape)}')
        feats = self.extract_feat(inputs)  # (N, K, 2D)
        # projectors hold BatchNorm: each view keeps its own batch statistics
        embeds: List[Dict[str, Tensor]] = [
            self.projector(feats[:, k]) for k in range(feats.shape[1])
        ]
        return self.head.loss(embeds)

    def forward(self, inputs: Tensor, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self.extract_feat(inputs)
        raise RuntimeError(
            f'MGFD supports modes "loss" and "tensor", not {mode!r}: a '
            'pretraining config has no validation loop. Evaluate the encoder '
            'with a recognition config (linear probe or kNN) instead.')
