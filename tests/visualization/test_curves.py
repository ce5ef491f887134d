"""Reading mmengine's scalars.json and drawing curves from it."""
import json
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from usdrl_mm.visualization.curves import (check_keys, logged_keys, per_epoch,
                                           plot_curves, read_scalars,
                                           run_curves)


def write_run(folder, records) -> str:
    """A ``vis_data/scalars.json`` as LoggerHook writes it."""
    path = folder / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps(r) + '\n' for r in records))
    return str(path)


def train_record(epoch: int, it: int, loss: float) -> dict:
    return dict(lr=0.1, loss=loss, time=1.0, epoch=epoch, iter=it, step=it)


def val_record(step: int, top1: float) -> dict:
    return {'acc/top1': top1, 'time': 0.1, 'step': step}


@pytest.fixture
def work_dir(tmp_path):
    """Two epochs of two iterations each, validated after every epoch."""
    write_run(tmp_path / '20260101_000000', [
        train_record(1, 1, 4.0),
        train_record(1, 2, 2.0),
        val_record(1, 0.5),
        train_record(2, 3, 1.5),
        train_record(2, 4, 0.5),
        val_record(2, 0.75),
    ])
    return str(tmp_path)


def test_records_split_into_train_and_val(work_dir):
    records = read_scalars(work_dir)
    assert [r['step'] for r in records['train']] == [1, 2, 3, 4]
    assert [r['acc/top1'] for r in records['val']] == [0.5, 0.75]
    keys = logged_keys(records)
    assert keys['train'] == ['loss', 'lr', 'time']  # no step / epoch / iter
    assert keys['val'] == ['acc/top1', 'time']


def test_a_later_run_wins_per_step(work_dir, tmp_path):
    # a restart that repeats steps 3-4 with other values, in a later folder
    write_run(tmp_path / '20260102_000000',
              [train_record(2, 3, 9.0),
               train_record(2, 4, 7.0)])
    train = read_scalars(work_dir)['train']
    assert [r['loss'] for r in train] == [4.0, 2.0, 9.0, 7.0]
    # one scalars.json file is read on its own
    single = read_scalars(
        str(tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json'))
    assert [r['loss'] for r in single['train']] == [4.0, 2.0, 1.5, 0.5]


def test_not_a_work_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match='Runner work_dir'):
        read_scalars(str(tmp_path))


def test_per_epoch_means(work_dir):
    curves = per_epoch(read_scalars(work_dir)['train'], ['loss'])
    assert curves == {'loss': {1: 3.0, 2: 1.0}}


def test_curves_against_epochs_and_steps(work_dir):
    records = read_scalars(work_dir)
    by_epoch = run_curves(records, ['loss', 'acc/top1'], x='epoch')
    np.testing.assert_allclose(by_epoch['loss']['train'][0], [1, 2])
    np.testing.assert_allclose(by_epoch['loss']['train'][1], [3.0, 1.0])
    np.testing.assert_allclose(by_epoch['acc/top1']['val'][0], [1, 2])
    assert 'train' not in by_epoch['acc/top1']
    by_step = run_curves(records, ['loss', 'acc/top1'], x='step')
    np.testing.assert_allclose(by_step['loss']['train'][1],
                               [4.0, 2.0, 1.5, 0.5])
    # validation after epoch e sits at the last iteration of epoch e
    np.testing.assert_allclose(by_step['acc/top1']['val'][0], [2, 4])


def test_iteration_based_runs_need_steps(tmp_path):
    # no epoch in the training records; validation steps are iterations
    write_run(tmp_path / 'stamp',
              [dict(loss=1.0, iter=10, step=10),
               val_record(10, 0.5)])
    records = read_scalars(str(tmp_path))
    with pytest.raises(ValueError, match="x='step'"):
        run_curves(records, ['loss'], x='epoch')
    curves = run_curves(records, ['acc/top1'], x='step')
    np.testing.assert_allclose(curves['acc/top1']['val'][0], [10])


def test_unknown_keys_are_rejected_with_the_logged_ones(work_dir):
    logged = {'run': logged_keys(read_scalars(work_dir))}
    check_keys(['loss', 'acc/top1'], logged)
    with pytest.raises(KeyError, match=r"'acc/top5'.*acc/top1") as err:
        check_keys(['loss', 'acc/top5'], logged)
    assert 'loss, lr, time' in str(err.value)


def test_plot_has_one_panel_per_key(work_dir, tmp_path):
    records = read_scalars(work_dir)
    keys = ['loss', 'acc/top1', 'lr']
    runs = {'a': run_curves(records, keys), 'b': run_curves(records, ['loss'])}
    out = plot_curves(
        runs, keys, str(tmp_path / 'sub' / 'curves.png'), max_cols=2)
    with Image.open(out) as image:
        assert image.format == 'PNG'
        # 2 columns x 2 rows of 4 x 3.2 inch panels at 100 dpi
        assert image.size == (800, 640)
    assert osp.getsize(out) > 0
    with pytest.raises(ValueError, match='no keys'):
        plot_curves(runs, [], str(tmp_path / 'none.png'))
