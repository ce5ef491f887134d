from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

IGNORE_LABEL = -1


def dense_tokens(yt: Tensor, ys: Tensor) -> Tensor:
    """Per-frame features of a two-stream encoder (design.md §4.5).

    ``(N, T, D)`` temporal and ``(N, M*V, D)`` spatial tokens -> ``(N, T,
    2D)``: the spatial tokens are resampled to T positions by 1-D adaptive
    average pooling along the token axis (pseudo-frames of mixed
    person-joints, as the original dense path does) and concatenated to the
    temporal tokens.
    """
    t = yt.shape[1]
    # (N, M*V, D) -> (N, D, M*V) -> pool to (N, D, T) -> (N, T, D)
    ys = F.adaptive_avg_pool1d(ys.transpose(1, 2), t).transpose(1, 2)
    return torch.cat([yt, ys], dim=-1)


@MODELS.register_module()
class DenseFrameHead(BaseModule):
    """Per-frame classifier for temporal detection and segmentation.

    Dense features from :func:`dense_tokens` go through dropout and one
    ``Linear(2D, num_classes)`` (classes including background at index 0).
    Trained with cross-entropy over every frame; frames labelled ``-1``
    (padding) are ignored. ``predict`` stores the per-frame softmax scores
    ``(T, num_classes)`` in ``data_sample.pred_frame_scores``.

    Used as the ``cls_head`` of ``USDRLRecognizer`` (MMAction2's
    ``RecognizerGCN`` that fills a missing ``in_channels`` from
    ``backbone.dense_channels``) or of ``RecognizerGCN`` itself, which run
    the backbone and call ``loss`` / ``predict``.

    Args:
        num_classes (int): Output classes, background included.
        in_channels (int): Width of the dense feature (2D).
        dropout (float): Dropout before the classifier.
        init_std (float): Std of the classifier's normal init.
        feat_norm (bool): Standardise every frame feature with a
            ``BatchNorm1d`` without affine parameters (statistics over all
            frames of the batch) before the classifier, as
            :class:`USDRLClsHead` does; converges in fewer epochs and keeps
            encoders of different feature scales comparable. Defaults to
            False.
    """

    #: The backbone width ``USDRLRecognizer`` fills a missing
    #: ``in_channels`` with.
    in_channels_from = 'dense_channels'

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 dropout: float = 0.,
                 init_std: float = 0.01,
                 feat_norm: bool = False,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(
            init_cfg=init_cfg
            or dict(type='Normal', layer='Linear', std=init_std, bias=0.))
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.norm = nn.BatchNorm1d(
            in_channels, affine=False) if feat_norm else nn.Identity()
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(self, x: Tuple[Tensor, Tensor], **kwargs) -> Tensor:
        """Tokens -> (N, T, num_classes) frame logits."""
        feats = dense_tokens(*x)
        if feats.shape[-1] != self.in_channels:
            raise ValueError(f'DenseFrameHead expects {self.in_channels}-d '
                             f'frame features, got {feats.shape[-1]}')
        # BatchNorm1d normalises dim 1: (N, T, 2D) -> (N*T, 2D) -> (N, T, 2D)
        feats = self.norm(feats.flatten(0, 1)).view_as(feats)
        return self.fc(self.dropout(feats))

    @staticmethod
    def _labels(data_samples: Sequence, device) -> Tensor:
        return torch.stack([s.gt_frame_labels
                            for s in data_samples]).to(device)

    def loss(self, feats: Tuple[Tensor, Tensor], data_samples: Sequence,
             **kwargs) -> Dict[str, Tensor]:
        logits = self(feats)  # (N, T, K)
        labels = self._labels(data_samples, logits.device)  # (N, T)
        loss = F.cross_entropy(
            logits.flatten(0, 1), labels.flatten(), ignore_index=IGNORE_LABEL)
        valid = labels != IGNORE_LABEL
        acc = (logits.argmax(-1) == labels)[valid].float().mean()
        return dict(loss_frame=loss, frame_acc=acc.detach())

    def predict(self, feats: Tuple[Tensor, Tensor], data_samples: Sequence,
                **kwargs) -> Sequence:
        scores = self(feats).softmax(-1)  # (N, T, K)
        if scores.shape[0] != len(data_samples):
            raise ValueError('DenseFrameHead predicts one clip per window; '
                             f'got {scores.shape[0]} clips for '
                             f'{len(data_samples)} samples')
        for sample, score in zip(data_samples, scores):
            sample.set_field(score.detach(), 'pred_frame_scores')
        return data_samples
