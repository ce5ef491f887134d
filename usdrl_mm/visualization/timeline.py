"""Timelines of ground-truth and predicted frame labels."""
import os
import os.path as osp
from typing import Dict, Hashable, Optional, Sequence, Tuple

import numpy as np


def plot_timeline(gt: np.ndarray,
                  pred: np.ndarray,
                  out_file: str,
                  title: str = '',
                  class_names: Optional[Sequence[str]] = None,
                  scores: Optional[np.ndarray] = None) -> str:
    """Two colour bars (ground truth above, prediction below) of per-frame
    labels, 0 = background in white, and optionally the foreground score
    ``1 - p_bg`` as a curve; saved as PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    num = int(max(np.max(gt), np.max(pred), 1)) + 1
    colors = plt.get_cmap('tab20')(np.arange(num) % 20)
    colors[0] = (1, 1, 1, 1)  # background
    cmap = ListedColormap(colors)
    rows = 3 if scores is not None else 2
    fig, axes = plt.subplots(
        rows, 1, figsize=(10, 0.8 * rows + 0.6), sharex=True)
    for ax, labels, name in zip(axes, (gt, pred),
                                ('ground truth', 'prediction')):
        shown = np.where(np.asarray(labels) < 0, 0, labels)
        ax.imshow(
            shown[None],
            aspect='auto',
            cmap=cmap,
            vmin=0,
            vmax=num - 1,
            interpolation='nearest')
        ax.set_yticks([])
        ax.set_ylabel(name, rotation=0, ha='right', va='center', fontsize=8)
        if class_names is not None:
            for label in np.unique(shown[shown > 0]):
                frames = np.flatnonzero(shown == label)
                ax.text(
                    frames.mean(),
                    0,
                    class_names[label - 1],
                    ha='center',
                    va='center',
                    fontsize=6)
    if scores is not None:
        axes[2].plot(1 - scores[:, 0], lw=0.8)
        axes[2].set_ylim(0, 1)
        axes[2].set_ylabel('1 - p_bg', rotation=0, ha='right', fontsize=8)
    axes[-1].set_xlabel('frame')
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    fig.savefig(out_file, dpi=100)
    plt.close(fig)
    return out_file


def plot_timelines(tracks: Dict[Hashable, Tuple[np.ndarray, np.ndarray]],
                   out_dir: str,
                   max_videos: int = 4,
                   class_names: Optional[Sequence[str]] = None) -> list:
    """One timeline per sequence of ``{video: (scores (T, C), labels
    (T,))}``, the prediction being the per-frame argmax."""
    written = []
    for video in sorted(tracks, key=str)[:max_videos]:
        scores, labels = tracks[video]
        written.append(
            plot_timeline(
                labels,
                scores.argmax(1),
                osp.join(out_dir, f'timeline_{video}.png'),
                title=str(video),
                class_names=class_names,
                scores=scores))
    return written
