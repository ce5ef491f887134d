import json
import pickle
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from usdrl_mm.datasets import AnnotationError, CheckedPoseDataset
from usdrl_mm.datasets.label_subset import balanced_subset, read_subset


def test_balanced_and_deterministic():
    labels = [0] * 50 + [1] * 30 + [2] * 3
    a = balanced_subset(labels, 0.1, seed=0)
    assert a == balanced_subset(labels, 0.1, seed=0)
    assert a != balanced_subset(labels, 0.1, seed=1)
    counts = Counter(labels[i] for i in a)
    assert counts == {0: 5, 1: 3, 2: 1}  # every class keeps at least one
    assert a == sorted(a)
    with pytest.raises(ValueError):
        balanced_subset(labels, 0, seed=0)


def make_ann(tmp_path):
    annos = [
        dict(
            frame_dir=f's{i:03d}',
            label=i % 4,
            total_frames=8,
            keypoint=np.zeros((1, 8, 25, 3), np.float32)) for i in range(80)
    ]
    path = tmp_path / 'ann.pkl'
    with open(path, 'wb') as f:
        pickle.dump(
            dict(
                annotations=annos,
                split=dict(train=[a['frame_dir'] for a in annos])), f)
    return str(path)


def test_tool_writes_a_subset_the_dataset_reads(tmp_path, repo_root):
    ann = make_ann(tmp_path)
    out = tmp_path / 'sub.json'
    cmd = [
        sys.executable, 'tools/data/make_label_subset.py', ann, '--split',
        'train', '--ratio', '0.1', '--seed', '3', '--out',
        str(out)
    ]
    subprocess.run(cmd, cwd=repo_root, check=True, capture_output=True)
    subset = read_subset(str(out))
    assert subset['seed'] == 3 and len(subset['names']) == 8
    again = subprocess.run(cmd, cwd=repo_root, capture_output=True, text=True)
    assert again.returncode != 0 and '--force' in again.stderr
    ds = CheckedPoseDataset(
        ann, pipeline=[], split='train', subset_file=str(out))
    assert sorted(ds[i]['frame_dir']
                  for i in range(len(ds))) == sorted(subset['names'])
    assert Counter(ds[i]['label'] for i in range(len(ds))) == {
        c: 2
        for c in range(4)
    }


def test_names_outside_the_split_are_an_error(tmp_path):
    ann = make_ann(tmp_path)
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps(dict(names=['s001', 'nope'])))
    with pytest.raises(AnnotationError, match='not in the split'):
        CheckedPoseDataset(
            ann, pipeline=[], split='train', subset_file=str(bad))
