from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmaction.evaluation.functional import mean_class_accuracy
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from ...structures.action_labels import gt_label_of
from ..functional import knn_predict


@METRICS.register_module()
class KNNMetric(BaseMetric):
    """Top-1 accuracy of a k-nearest-neighbour classifier on encoder
    features (design.md §10.3).

    Expects data samples with ``clip_feature`` (from
    :class:`USDRLFeatureHead`), a ground-truth label (``gt_labels`` in
    MMAction2 1.1, ``gt_label`` from 1.2 on) and a ``knn_role`` of
    ``'gallery'`` or ``'query'`` (set by :class:`GalleryQueryDataset`): the
    gallery (the training split) is the memory bank and the queries (the
    test split) are classified. Reports ``knn/top1_k{k}`` for every ``k``,
    and with ``mean_class`` also ``knn/mean1_k{k}``, the mean-class
    accuracy by MMAction2's ``mean_class_accuracy`` (the ``mean1`` that
    ``AccMetric`` gives the linear probe beside top-1).

    Args:
        ks (sequence[int]): Neighbour counts; 1 in USDRL, 5 and 20 are
            common alternatives.
        chunk_size (int): Queries per similarity block, bounding memory.
        vote (str): How a tie of votes for k > 1 is broken:
            ``'similarity'`` (the larger summed cosine similarity) or
            ``'majority'`` (the smallest label, scikit-learn's rule). k = 1
            is the same under both.
        mean_class (bool): Also report the mean-class accuracy (for test
            sets whose classes are very uneven, as PKU-MMD I's).
        collect_device, prefix: as mmengine's ``BaseMetric``.
    """
    default_prefix = 'knn'

    def __init__(self,
                 ks: Sequence[int] = (1, ),
                 chunk_size: int = 1024,
                 vote: str = 'similarity',
                 mean_class: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ks = tuple(ks)
        self.chunk_size = chunk_size
        self.vote = vote
        self.mean_class = mean_class

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'clip_feature' not in sample or 'knn_role' not in sample:
                raise KeyError(
                    'KNNMetric needs clip_feature and knn_role in the data '
                    'samples: use cls_head=dict(type="USDRLFeatureHead") and '
                    'a GalleryQueryDataset test set')
            self.results.append(
                dict(
                    feature=sample['clip_feature'].float().cpu(),
                    label=int(gt_label_of(sample)),
                    role=sample['knn_role']))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        parts = {}
        for role in ('gallery', 'query'):
            items = [r for r in results if r['role'] == role]
            if not items:
                raise ValueError(f'KNNMetric got no {role} samples')
            parts[role] = (torch.stack([r['feature'] for r in items]),
                           torch.tensor([r['label'] for r in items]))
        (query, labels), (gallery, gallery_labels) = (parts['query'],
                                                      parts['gallery'])
        out = {}
        for k in self.ks:
            pred = knn_predict(query, gallery, gallery_labels, k,
                               self.chunk_size, self.vote)
            out[f'top1_k{k}'] = (pred == labels).float().mean().item()
            if self.mean_class:
                # one-hot "scores" of the predicted labels: MMAction2's
                # function takes their argmax
                num_labels = int(max(pred.max(), labels.max())) + 1
                scores = np.eye(num_labels)[pred.numpy()]
                out[f'mean1_k{k}'] = float(
                    mean_class_accuracy(scores, labels.numpy()))
        return out
