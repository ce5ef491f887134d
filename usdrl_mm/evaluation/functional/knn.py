"""k-nearest-neighbour classification with cosine similarity (design.md §10.3).
"""
from typing import Dict, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor


def knn_predict(query: Tensor,
                gallery: Tensor,
                gallery_labels: Tensor,
                k: int = 1,
                chunk_size: int = 1024,
                vote: str = 'similarity') -> Tensor:
    """Labels of ``query`` by a k-NN vote over ``gallery``.

    Features are L2-normalised, so the inner product is the cosine
    similarity. Each query takes the labels of its ``k`` most similar
    gallery samples; the label with the most votes wins. A tie goes, with
    ``vote='similarity'`` (the default), to the label whose voters have the
    larger summed similarity, and with ``vote='majority'`` to the smallest
    label, as scikit-learn's ``KNeighborsClassifier(weights='uniform')``
    decides. For ``k=1`` both are plain nearest neighbour, the published
    protocol. Queries are processed ``chunk_size``
    at a time, so memory stays at ``chunk_size x len(gallery)`` similarities
    however large the gallery.

    Args:
        query (Tensor): (Q, D) features.
        gallery (Tensor): (G, D) features.
        gallery_labels (Tensor): (G,) integer labels.
        k (int): Neighbours per query, at most G.
        chunk_size (int): Queries per similarity block.
        vote (str): The tie rule, ``'similarity'`` or ``'majority'``.

    Returns:
        Tensor: (Q,) predicted labels.
    """
    if query.dim() != 2 or gallery.dim() != 2 or \
            query.shape[1] != gallery.shape[1]:
        raise ValueError('knn_predict needs (Q, D) and (G, D) features, got '
                         f'{tuple(query.shape)} and {tuple(gallery.shape)}')
    if not 1 <= k <= gallery.shape[0]:
        raise ValueError(f'k must be in [1, {gallery.shape[0]}] (the gallery '
                         f'size), got {k}')
    if vote not in ('similarity', 'majority'):
        raise ValueError(f"vote must be 'similarity' or 'majority', got "
                         f'{vote!r}')
    gallery = F.normalize(gallery.float(), dim=1)
    labels = gallery_labels.long()
    num_classes = int(labels.max()) + 1
    preds = []
    for start in range(0, query.shape[0], chunk_size):
        q = F.normalize(query[start:start + chunk_size].float(), dim=1)
        sim, idx = (q @ gallery.T).topk(k, dim=1)  # (q, k)
        votes = F.one_hot(labels[idx], num_classes).float()  # (q, k, C)
        count = votes.sum(1)
        weight = (votes * sim.unsqueeze(-1)).sum(1)
        if vote == 'majority':  # argmax takes the first, smallest label
            preds.append(count.argmax(1))
            continue
        # most votes first; the summed similarity (< k) only breaks ties
        score = count * (k + 1) + weight
        preds.append(score.argmax(1))
    return torch.cat(preds) if preds else labels.new_zeros(0)


def knn_accuracy(query: Tensor,
                 query_labels: Tensor,
                 gallery: Tensor,
                 gallery_labels: Tensor,
                 ks: Sequence[int] = (1, ),
                 chunk_size: int = 1024,
                 vote: str = 'similarity') -> Dict[int, float]:
    """Top-1 accuracy (a fraction, as MMAction2's ``AccMetric`` reports it)
    of the k-NN classifier for every k in ``ks`` (``vote``: the tie rule of
    :func:`knn_predict`)."""
    return {
        k: (knn_predict(query, gallery, gallery_labels, k, chunk_size,
                        vote) == query_labels.long()).float().mean().item()
        for k in ks
    }
