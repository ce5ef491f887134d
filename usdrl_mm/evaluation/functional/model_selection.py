"""Final-epoch and best-of-run numbers of a training run.

The project reports the final epoch's evaluation. The original USDRL code
reports the best test accuracy over the evaluations made during training
(every 5 epochs), i.e. it selects the model on the test split, which can
only raise the figure. :func:`final_and_best` gives both from a Runner's
logs so that a user can compare like with like; the best-of-run number is
always labelled as such.
"""
from typing import Dict, Optional

from usdrl_mm.visualization.curves import read_scalars


def final_and_best(
        work_dir: str,
        metric: str,
        higher_is_better: bool = True) -> Dict[str, Optional[float]]:
    """The final evaluation of ``metric`` and the best one of the run.

    Args:
        work_dir (str): A Runner work_dir (or one ``scalars.json``).
        metric (str): A validation key, e.g. ``'acc/top1'``.
        higher_is_better (bool): Whether the best is the maximum.

    Returns:
        dict: ``final``, ``final_step`` (the epoch, or iteration, of the
        last evaluation), ``best``, ``best_step`` and ``evaluations``.

    Raises:
        KeyError: If no evaluation logged ``metric`` (the message lists
            the keys that were logged).
    """
    evaluations = [r for r in read_scalars(work_dir)['val'] if metric in r]
    if not evaluations:
        keys = sorted({k for r in read_scalars(work_dir)['val'] for k in r})
        raise KeyError(f'{work_dir}: no evaluation logged {metric!r}; '
                       f'logged: {keys}')
    pick = max if higher_is_better else min
    best = pick(evaluations, key=lambda r: r[metric])
    return dict(
        final=float(evaluations[-1][metric]),
        final_step=int(evaluations[-1]['step']),
        best=float(best[metric]),
        best_step=int(best['step']),
        evaluations=len(evaluations))
