"""usdrl_mm.apis.early_prediction: the ratio sweep shared by
tools/analysis_tools/early_prediction.py and eval_encoders.py --early (the
sweep itself runs end to end in tests/tools/test_dense_tools.py)."""
import csv
import os.path as osp

import pytest
from mmengine.config import Config

from usdrl_mm.apis.early_prediction import (DEFAULT_RATIOS, with_ratio,
                                            write_curve)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
EARLY = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-early-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')


def test_default_ratios():
    assert DEFAULT_RATIOS == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def test_with_ratio_sets_every_observe_prefix_of_a_copy():
    cfg = Config.fromfile(EARLY)
    out = with_ratio(cfg, 0.3)

    def ratios(c):
        return [
            t.ratio for t in c.test_dataloader.dataset.pipeline
            if t.type == 'ObservePrefix'
        ]

    assert ratios(out) and set(ratios(out)) == {0.3}
    assert 0.3 not in ratios(cfg)  # the given config is not changed


def test_with_ratio_needs_an_early_prediction_config():
    cfg = Config(
        dict(
            test_dataloader=dict(
                dataset=dict(pipeline=[dict(type='PackActionInputs')]))))
    with pytest.raises(ValueError, match='no ObservePrefix'):
        with_ratio(cfg, 0.5)


def test_write_curve(tmp_path):
    rows = [
        dict(ratio=0.5, top1=0.25, mean1=0.2),
        dict(ratio=1.0, top1=0.75, mean1=0.7)
    ]
    out = str(tmp_path / 'curve')
    table = write_curve(rows, out)
    assert table.splitlines()[0] == '| observed | top-1 | mean-class |'
    assert '| 50 % | 0.2500 | 0.2000 |' in table
    assert open(osp.join(out, 'early_prediction.md')).read() == table
    with open(osp.join(out, 'early_prediction.csv')) as f:
        read = list(csv.DictReader(f))
    assert read[1] == dict(ratio='1.0', top1='0.75', mean1='0.7')
    assert osp.getsize(osp.join(out, 'early_prediction.png')) > 1000


def test_write_curve_without_mean_class_accuracy(tmp_path):
    table = write_curve([dict(ratio=0.1, top1=0.5)], str(tmp_path))
    assert 'mean-class' not in table and '| 10 % | 0.5000 |' in table
    with open(tmp_path / 'early_prediction.csv') as f:
        assert f.readline().strip() == 'ratio,top1'
