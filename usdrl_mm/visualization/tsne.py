"""2-D t-SNE maps of encoder features, coloured by class.

scikit-learn is optional for the package and imported only when used.
"""
import os
import os.path as osp
from typing import Dict, Mapping, Optional, Sequence

import numpy as np


def require_sklearn() -> None:
    """Raise ``ImportError`` with the install command when scikit-learn is
    missing."""
    try:
        import sklearn  # noqa: F401
    except ImportError as err:
        raise ImportError('t-SNE maps need scikit-learn: pip install '
                          'scikit-learn') from err


def tsne_embedding(features: np.ndarray,
                   perplexity: float = 30.0,
                   seed: int = 0) -> np.ndarray:
    """``(N, D)`` features -> ``(N, 2)`` t-SNE embedding.

    The map does not depend on the overall feature scale (each point's
    Gaussian bandwidth is fitted to the perplexity), so features go in as
    they are. scikit-learn requires ``perplexity < N``; a larger value is
    lowered to ``(N - 1) / 3``.

    Args:
        features (np.ndarray): ``(N, D)``, ``N >= 3``.
        perplexity (float): t-SNE perplexity.
        seed (int): ``random_state`` of the (PCA-initialised) optimisation.

    Returns:
        np.ndarray: ``(N, 2)`` float32.
    """
    require_sklearn()
    from sklearn.manifold import TSNE

    features = np.asarray(features, dtype=np.float64)
    n = features.shape[0]
    if features.ndim != 2 or n < 3:
        raise ValueError(f't-SNE needs (N >= 3, D) features, got shape '
                         f'{features.shape}')
    if not np.isfinite(features).all():
        raise ValueError('features hold NaN or inf')
    perplexity = min(float(perplexity), (n - 1) / 3)
    tsne = TSNE(
        n_components=2,
        perplexity=perplexity,
        init='pca',
        learning_rate='auto',
        random_state=seed)
    return tsne.fit_transform(features).astype(np.float32)


def separation_scores(points: np.ndarray,
                      labels: np.ndarray,
                      k: int = 5) -> Dict[str, float]:
    """How well classes separate in an embedding.

    Args:
        points (np.ndarray): ``(N, 2)`` embedding (any ``(N, D)`` works).
        labels (np.ndarray): ``(N,)`` integer classes.
        k (int): Neighbours of the kNN vote.

    Returns:
        dict: ``knn_acc``, the leave-one-out accuracy of a ``k``-nearest
        neighbour majority vote (ties to the smallest label), and
        ``silhouette``, the mean silhouette coefficient in [-1, 1]
        (NaN with fewer than 2 classes or fewer than 2 points per class).
    """
    require_sklearn()
    from sklearn.metrics import silhouette_score
    from sklearn.neighbors import NearestNeighbors

    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    n = points.shape[0]
    if labels.shape != (n, ) or n < 2:
        raise ValueError(f'need (N >= 2, D) points and (N,) labels, got '
                         f'{points.shape} and {labels.shape}')
    k = min(k, n - 1)
    # kneighbors() without query points leaves each point out of its own
    # neighbours: a leave-one-out vote
    _, index = NearestNeighbors(n_neighbors=k).fit(points).kneighbors()
    votes = labels[index]  # (N, k)
    pred = np.array([np.bincount(v).argmax() for v in votes])
    counts = np.bincount(labels)
    counts = counts[counts > 0]
    silhouette = (
        float(silhouette_score(points, labels))
        if 2 <= counts.size < n and counts.min() >= 2 else float('nan'))
    return dict(knn_acc=float((pred == labels).mean()), silhouette=silhouette)


def plot_embeddings(embeddings: Mapping[str, np.ndarray],
                    labels: np.ndarray,
                    out_file: str,
                    class_names: Optional[Sequence[str]] = None,
                    scores: Optional[Mapping[str, Mapping[str, float]]] = None,
                    knn_k: int = 5,
                    title: str = '') -> str:
    """One scatter panel per embedding, side by side, coloured by class,
    with a shared legend; saved as PNG.

    Args:
        embeddings (dict): ``{name: (N, 2)}``, the same samples in each.
        labels (np.ndarray): ``(N,)`` integer classes.
        out_file (str): PNG path; folders are created.
        class_names (list[str], optional): Legend names by label.
        scores (dict, optional): ``{name: separation_scores(...)}``, shown
            under each panel's title.
        knn_k (int): The ``k`` the scores were computed with.
        title (str): Figure title.

    Returns:
        str: ``out_file``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    labels = np.asarray(labels).astype(np.int64)
    classes = np.unique(labels)
    if class_names is not None and classes.max() >= len(class_names):
        raise ValueError(f'{len(class_names)} class names for label '
                         f'{classes.max()}')
    cmap = plt.get_cmap('tab10' if classes.max() < 10 else 'tab20')
    num = len(embeddings)
    fig, axes = plt.subplots(1, num, figsize=(4.2 * num, 4.4), squeeze=False)
    for ax, (name, points) in zip(axes[0], embeddings.items()):
        if points.shape != (labels.shape[0], 2):
            raise ValueError(f'{name}: need ({labels.shape[0]}, 2) points, '
                             f'got {points.shape}')
        for c in classes:
            mask = labels == c
            ax.scatter(
                points[mask, 0],
                points[mask, 1],
                s=10,
                color=cmap(c % cmap.N),
                label=class_names[c] if class_names is not None else str(c))
        text = name
        if scores is not None and name in scores:
            s = scores[name]
            text += (f'\n{knn_k}-NN acc. {s["knn_acc"]:.1%}, '
                     f'silhouette {s["silhouette"]:.2f}')
        ax.set_title(text, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, -1].legend(
        loc='center left',
        bbox_to_anchor=(1.02, 0.5),
        fontsize=7,
        markerscale=1.5,
        title='class',
        title_fontsize=8)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    fig.savefig(out_file, dpi=100, bbox_inches='tight')  # keeps the legend
    plt.close(fig)
    return out_file
