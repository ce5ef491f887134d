"""Deterministic labelled subsets for semi-supervised evaluation.

The chosen sample names are written to a JSON file, which a dataset then
reads (``CheckedPoseDataset(subset_file=...)``), so a run with 1 % or 10 % of
the labels can be repeated exactly, on any machine.
"""
import json
import os
import os.path as osp
import tempfile
from typing import Dict, List, Sequence

import numpy as np


def balanced_subset(labels: Sequence[int], ratio: float,
                    seed: int) -> List[int]:
    """Indices of a class-balanced subset of ``labels``.

    Every class ``c`` with ``n_c`` samples keeps ``max(1, round(ratio *
    n_c))`` of them, drawn without replacement by a permutation from
    ``numpy.random.default_rng(seed)`` (classes visited in increasing
    order). The indices are returned sorted, so the result depends only on
    the labels, the ratio and the seed.
    """
    if not 0 < ratio <= 1:
        raise ValueError(f'ratio must be in (0, 1], got {ratio}')
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    chosen: List[int] = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        keep = max(1, int(round(ratio * len(members))))
        chosen.extend(rng.permutation(members)[:keep].tolist())
    return sorted(chosen)


def write_subset(path: str, names: Sequence[str], **meta) -> None:
    """Write ``{"names": [...], **meta}`` atomically (temp file + rename)."""
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix='.tmp')
    with os.fdopen(fd, 'w') as f:
        json.dump(dict(meta, names=list(names)), f, indent=1)
    os.replace(tmp, path)


def read_subset(path: str) -> Dict:
    with open(path) as f:
        subset = json.load(f)
    if not isinstance(subset, dict) or not isinstance(
            subset.get('names'), list):
        raise ValueError(f'{path}: expected a JSON object with a "names" '
                         'list (see tools/data/make_label_subset.py)')
    return subset
