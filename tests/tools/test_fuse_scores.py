import pickle

import numpy as np
import pytest
import torch

from tools.analysis_tools.fuse_scores import main as fuse_main


def dump(path, scores, labels, mmaction='1.1'):
    """What tools/test.py --dump writes with MMAction2 1.1 (``LabelData``
    fields, as dicts) or 1.2 (plain tensors, renamed fields)."""
    if mmaction == '1.1':
        samples = [
            dict(
                pred_scores=dict(item=torch.tensor(s)),
                gt_labels=dict(item=torch.tensor([y])))
            for s, y in zip(scores, labels)
        ]
    else:
        samples = [
            dict(pred_score=torch.tensor(s), gt_label=torch.tensor([y]))
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


def test_dumps_of_either_mmaction2_fuse_alike(tmp_path):
    scores, labels = [[.6, .4], [.3, .7], [.8, .2]], [0, 1, 1]
    old = dump(tmp_path / 'old.pkl', scores, labels, mmaction='1.1')
    new = dump(tmp_path / 'new.pkl', scores, labels, mmaction='1.2')
    out = fuse_main(['--preds', old, new, '--coefficients', '1', '1'])
    assert out['streams'][old]['top1'] == pytest.approx(2 / 3)
    assert out['streams'][new]['top1'] == pytest.approx(2 / 3)
    assert out['fused']['top1'] == pytest.approx(2 / 3)


def test_a_dump_without_scores_is_explained(tmp_path):
    path = tmp_path / 'features.pkl'
    with open(path, 'wb') as f:
        pickle.dump([dict(clip_feature=torch.zeros(4))], f)
    with pytest.raises(ValueError, match='sample 0 has no predicted scores'):
        fuse_main(['--preds', str(path)])


def test_mismatched_dumps_are_refused(tmp_path):
    a = dump(tmp_path / 'a.pkl', np.eye(3), [0, 1, 2])
    b = dump(tmp_path / 'b.pkl', np.eye(3), [0, 2, 1])
    with pytest.raises(ValueError, match='same samples'):
        fuse_main(['--preds', a, b])


def test_reported_accuracies_equal_mmaction2s_functions(tmp_path):
    from mmaction.evaluation.functional import (mean_class_accuracy,
                                                top_k_accuracy)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 8, 40)
    joint, bone = rng.normal(size=(2, 40, 8))
    joint[np.arange(20), labels[:20]] += 2  # better than chance
    paths = [
        dump(tmp_path / 'j.pkl', joint, labels),
        dump(tmp_path / 'b.pkl', bone, labels, mmaction='1.2')
    ]
    out = fuse_main(
        ['--preds', *paths, '--coefficients', '2', '0.5', '--apply-softmax'])

    def softmax(x):
        e = np.exp(x - x.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    fused = 2 * softmax(joint) + 0.5 * softmax(bone)
    for name, scores in ((paths[0], softmax(joint)), (paths[1], softmax(bone)),
                         ('fused', fused)):
        got = out['fused'] if name == 'fused' else out['streams'][name]
        top1, top5 = top_k_accuracy(scores, labels, (1, 5))
        assert got['top1'] == pytest.approx(top1)
        assert got['top5'] == pytest.approx(top5)
        assert got['mean_class'] == pytest.approx(
            mean_class_accuracy(scores, labels))
    assert 0 < out['fused']['top5'] < 1  # the check is not vacuous


def test_mean_class_counts_a_predicted_class_without_samples(tmp_path):
    # as MMAction2's AccMetric: class 2 is predicted once but never the
    # label, and counts with accuracy 0 (classes 0: 1/2, 1: 1/1, 2: 0)
    scores = [[.9, .1, 0.], [.1, .2, .7], [0., 1., 0.]]
    path = dump(tmp_path / 'p.pkl', scores, [0, 0, 1])
    out = fuse_main(['--preds', path])
    assert out['fused']['mean_class'] == pytest.approx(0.5)
    assert out['fused']['top1'] == pytest.approx(2 / 3)


def test_coefficients_must_match_the_files(tmp_path):
    a = dump(tmp_path / 'a.pkl', np.eye(3), [0, 1, 2])
    with pytest.raises(ValueError, match='2 coefficients: give one per file'):
        fuse_main(['--preds', a, '--coefficients', '1', '1'])


def test_the_library_does_the_fusion():
    # the tool only parses arguments and prints: the fusion is the
    # library's, callable without the tool
    import tools.analysis_tools.fuse_scores as tool
    from usdrl_mm.evaluation.functional import fuse_dumps
    assert tool.fuse_dumps is fuse_dumps
