import pickle

import numpy as np
import pytest
import torch

from tools.analysis_tools.fuse_scores import main as fuse_main


def dump(path, scores, labels):
    samples = [
        dict(
            pred_scores=dict(item=torch.tensor(s)),
            gt_labels=dict(item=torch.tensor([y])))
        for s, y in zip(scores, labels)
    ]
    with open(path, 'wb') as f:
        pickle.dump(samples, f)
    return str(path)


def test_hand_made_scores_fuse_as_computed_by_hand(tmp_path):
    labels = [0, 1, 2]
    # joint is right on samples 0, 1; bone on 1, 2; only the sum gets all
    joint = dump(tmp_path / 'j.pkl',
                 [[.6, .4, 0.], [.2, .7, .1], [.5, 0., .45]], labels)
    bone = dump(tmp_path / 'b.pkl',
                [[.3, .45, .25], [.1, .8, .1], [0., .1, .9]], labels)
    out = fuse_main([
        '--preds', joint, bone, '--coefficients', '1', '1', '--out',
        str(tmp_path / 'f.json')
    ])
    assert out['streams'][joint]['top1'] == pytest.approx(2 / 3)
    assert out['streams'][bone]['top1'] == pytest.approx(2 / 3)
    # sums: [.9, .85, .25], [.3, 1.5, .2], [.5, .1, 1.35] -> all right
    assert out['fused']['top1'] == 1.0
    # weights matter: bone x 3 flips sample 0 to class 1 (1.95 > 1.5)
    out = fuse_main(['--preds', joint, bone, '--coefficients', '1', '3'])
    assert out['fused']['top1'] == pytest.approx(2 / 3)


def test_mismatched_dumps_are_refused(tmp_path):
    a = dump(tmp_path / 'a.pkl', np.eye(3), [0, 1, 2])
    b = dump(tmp_path / 'b.pkl', np.eye(3), [0, 2, 1])
    with pytest.raises(ValueError, match='same samples'):
        fuse_main(['--preds', a, b])
