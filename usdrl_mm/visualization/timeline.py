"""Timelines of ground-truth and predicted frame labels.

:func:`draw_timeline` returns the picture as an RGB array (for the
visualizer and ``tools/test.py --show-dir``), :func:`plot_timeline` saves
the same picture as a PNG. Both draw on a matplotlib ``Figure`` of their
own and leave pyplot's backend alone.
"""
import os
import os.path as osp
from typing import Dict, Hashable, Optional, Sequence, Tuple

import numpy as np


def _timeline_figure(gt: np.ndarray,
                     pred: np.ndarray,
                     title: str = '',
                     class_names: Optional[Sequence[str]] = None,
                     scores: Optional[np.ndarray] = None):
    """The timeline as a matplotlib ``Figure`` with an Agg canvas."""
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    gt, pred = np.asarray(gt), np.asarray(pred)
    num = int(max(np.max(gt, initial=0), np.max(pred, initial=0), 1)) + 1
    colors = colormaps['tab20'](np.arange(num) % 20)
    colors[0] = (1, 1, 1, 1)  # background
    cmap = ListedColormap(colors)
    rows = 3 if scores is not None else 2
    fig = Figure(figsize=(10, 0.8 * rows + 0.6), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, sharex=True)
    for ax, labels, name in zip(axes, (gt, pred),
                                ('ground truth', 'prediction')):
        shown = np.where(labels < 0, 0, labels)
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
                text = class_names[label - 1] if label - 1 < len(
                    class_names) else str(label - 1)
                ax.text(
                    frames.mean(),
                    0,
                    text,
                    ha='center',
                    va='center',
                    fontsize=6)
    if scores is not None:
        axes[2].plot(1 - np.asarray(scores)[:, 0], lw=0.8)
        axes[2].set_ylim(0, 1)
        axes[2].set_ylabel('1 - p_bg', rotation=0, ha='right', fontsize=8)
    axes[-1].set_xlabel('frame')
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def draw_timeline(gt: np.ndarray,
                  pred: np.ndarray,
                  title: str = '',
                  class_names: Optional[Sequence[str]] = None,
                  scores: Optional[np.ndarray] = None) -> np.ndarray:
    """Two colour bars (ground truth above, prediction below) of per-frame
    labels, 0 = background in white, and optionally the foreground score
    ``1 - p_bg`` of ``scores (T, K)`` as a curve.

    Args:
        gt (np.ndarray): ``(T,)`` ground-truth frame labels, ``c + 1`` for
            action ``c``, 0 background; negative values (frames without a
            label) are drawn as background.
        pred (np.ndarray): ``(T,)`` predicted frame labels, same coding.
        title (str): Title above the bars.
        class_names (list[str], optional): Action names (without the
            background), written on the bars.
        scores (np.ndarray, optional): ``(T, K)`` frame scores with the
            background at index 0.

    Returns:
        np.ndarray: ``(H, W, 3)`` uint8 RGB picture, 1000 pixels wide.
    """
    fig = _timeline_figure(gt, pred, title, class_names, scores)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def plot_timeline(gt: np.ndarray,
                  pred: np.ndarray,
                  out_file: str,
                  title: str = '',
                  class_names: Optional[Sequence[str]] = None,
                  scores: Optional[np.ndarray] = None) -> str:
    """:func:`draw_timeline` saved as a PNG; returns ``out_file``."""
    fig = _timeline_figure(gt, pred, title, class_names, scores)
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    fig.savefig(out_file, dpi=100)
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
