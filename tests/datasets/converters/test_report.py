"""usdrl_mm.datasets.converters.report: a converter tool's checked write
of ``--out`` with its ``--force`` and ``--drop-empty-splits``."""
import argparse
import pickle

import numpy as np
import pytest

from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.datasets.converters.report import (
    ConversionReport, add_drop_empty_splits_argument, write_converted)


def converted(empty_split: bool = False) -> dict:
    annos = [
        dict(
            frame_dir=name,
            label=label,
            total_frames=4,
            keypoint=np.ones((1, 4, 25, 3), np.float32))
        for name, label in (('a', 0), ('b', 1))
    ]
    split = dict(train=['a'], val=['b'])
    if empty_split:
        split['test'] = []
    return dict(split=split, annotations=annos)


def converter_args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('--out')
    add_force_argument(parser)
    add_drop_empty_splits_argument(parser)
    return parser.parse_args(argv)


def test_write_converted_passes_the_converter_options(tmp_path, capsys):
    out = tmp_path / 'out.pkl'
    args = converter_args(['--out', str(out)])
    report = ConversionReport(kept=2)
    assert write_converted(converted(True), report, args, 2) == 1
    assert '--drop-empty-splits' in capsys.readouterr().err
    assert not out.exists()
    # a label outside num_classes, and a joint count check_options asks for
    assert write_converted(converted(), report, args, 1) == 1
    assert write_converted(converted(), report, args, 2, num_joints=17) == 1
    assert not out.exists()
    capsys.readouterr()

    assert write_converted(
        converted(True),
        report,
        converter_args(['--out', str(out), '--drop-empty-splits']),
        2,
        title='clips') == 0
    assert f'{out}: 2 clips' in capsys.readouterr().out
    with open(out, 'rb') as f:
        assert sorted(pickle.load(f)['split']) == ['train', 'val']
    # the file exists now: only --force replaces it
    with pytest.raises(FileExistsError):
        write_converted(converted(), report, args, 2)
    assert write_converted(converted(), report,
                           converter_args(['--out',
                                           str(out), '--force']), 2) == 0
