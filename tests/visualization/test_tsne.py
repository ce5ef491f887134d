"""t-SNE embedding, separation scores and the panel picture."""
import sys

import numpy as np
import pytest
from PIL import Image

from usdrl_mm.visualization.tsne import (plot_embeddings, require_sklearn,
                                         separation_scores, tsne_embedding)


def blobs(separation: float, per_class: int = 20, dims: int = 8, seed=0):
    """(N, dims) points of 3 classes around centres ``separation`` apart."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), per_class)
    centres = np.eye(3, dims) * separation
    return centres[labels] + rng.normal(size=(len(labels), dims)), labels


def test_separated_classes_score_high_and_mixed_ones_low():
    points, labels = blobs(separation=20.0, dims=2)
    scores = separation_scores(points, labels)
    assert scores['knn_acc'] == 1.0 and scores['silhouette'] > 0.8
    mixed = separation_scores(points,
                              np.random.default_rng(1).permutation(labels))
    assert mixed['knn_acc'] < 0.6 and abs(mixed['silhouette']) < 0.2


def test_knn_leaves_each_point_out():
    # two far pairs of different classes: each point's single neighbour is
    # its partner, so a vote that counted the point itself would score 1.0
    points = np.array([[0., 0.], [0., 1.], [50., 0.], [50., 1.]])
    labels = np.array([0, 1, 0, 1])
    assert separation_scores(points, labels, k=1)['knn_acc'] == 0.0


def test_single_class_has_no_silhouette():
    points, _ = blobs(separation=1.0, dims=2)
    scores = separation_scores(points, np.zeros(len(points), int))
    assert scores['knn_acc'] == 1.0 and np.isnan(scores['silhouette'])


def test_embedding_keeps_clusters_apart():
    features, labels = blobs(separation=15.0, dims=16)
    embedding = tsne_embedding(features, perplexity=100, seed=0)
    assert embedding.shape == (len(labels), 2)
    assert embedding.dtype == np.float32
    # perplexity above N is lowered instead of failing
    assert separation_scores(embedding, labels)['knn_acc'] == 1.0
    np.testing.assert_array_equal(
        embedding, tsne_embedding(features, perplexity=100, seed=0))
    with pytest.raises(ValueError, match='N >= 3'):
        tsne_embedding(features[:2])


def test_missing_sklearn_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, 'sklearn', None)  # import fails
    with pytest.raises(ImportError, match='pip install scikit-learn'):
        require_sklearn()


def test_one_panel_per_encoder(tmp_path):
    points, labels = blobs(separation=10.0, dims=2)
    panels = {'a': points, 'b': points[:, ::-1].copy()}
    scores = {k: separation_scores(v, labels) for k, v in panels.items()}
    one = plot_embeddings({'a': points}, labels, str(tmp_path / '1.png'))
    two = plot_embeddings(
        panels,
        labels,
        str(tmp_path / '2.png'),
        class_names=['x', 'y', 'z'],
        scores=scores)
    with Image.open(one) as a, Image.open(two) as b:
        assert a.format == b.format == 'PNG'
        assert b.size[0] > 1.7 * a.size[0] - 200  # panels side by side
    with pytest.raises(ValueError, match='class names'):
        plot_embeddings(panels, labels, str(tmp_path / '3.png'), ['x'])
