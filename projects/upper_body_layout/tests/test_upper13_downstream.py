"""The project's configs end to end on a tiny 13-joint set: a pretraining
through tools/train.py, then the linear probe (tools/train.py, then
tools/test.py) and kNN retrieval (tools/test.py) on its checkpoint."""
import os.path as osp
import re

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from usdrl_mm.engine import CheckpointMismatchError, check_checkpoint_fit

CONFIGS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs')
PRETRAIN = osp.join(
    CONFIGS,
    'mgfd_dste-tiny-upper13_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
LINEAR = osp.join(
    CONFIGS,
    'dste-tiny-upper13-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
KNN = osp.join(
    CONFIGS,
    'dste-tiny-upper13-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py')
# the same kNN protocol for NTU's 25 joints, the config the project's one
# inherits
NTU_KNN = osp.join(
    osp.dirname(osp.dirname(osp.dirname(CONFIGS))), 'configs/usdrl/'
    'benchmarks/dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py')
HIDDEN = 16  # a narrower encoder than the demo's 64, for speed
MISMATCH = 'The model and loaded state dict do not match exactly'


@pytest.fixture(scope='module')
def pretrained(upper_data, tmp_path_factory, run_tool):
    """One epoch of the project's pretraining on 16 of the 48 training
    clips: 2 steps of 8."""
    work = str(tmp_path_factory.mktemp('upper13_pretrain'))
    run_tool([
        'tools/train.py', PRETRAIN, '--work-dir', work, '--cfg-options',
        f'model.backbone.hidden_dim={HIDDEN}',
        f'model.projector.in_channels={HIDDEN}',
        'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.ann_file={upper_data[1]}',
        'train_dataloader.dataset.indices=16', 'train_cfg.max_epochs=1'
    ])
    return osp.join(work, 'epoch_1.pth')


def loader_options(ann_file, loaders=('train', 'val', 'test')):
    """The tiny 4-class file, read in-process, for the given loaders."""
    opts = []
    for loader in loaders:
        opts += [
            f'{loader}_dataloader.dataset.ann_file={ann_file}',
            f'{loader}_dataloader.dataset.num_classes=4',
            f'{loader}_dataloader.num_workers=0',
            f'{loader}_dataloader.persistent_workers=False'
        ]
    return opts


def metrics(pattern, out):
    """``{name: value}`` of every ``name: value`` the pattern matches."""
    return {m[0]: float(m[1]) for m in re.findall(pattern, out)}


def test_linear_probe_trains_and_tests(pretrained, upper_data, run_tool,
                                       tmp_path):
    work = str(tmp_path / 'linear')
    model = [
        f'model.backbone.hidden_dim={HIDDEN}',
        f'model.cls_head.in_channels={2 * HIDDEN}',
        'model.cls_head.num_classes=4'
    ]
    out = run_tool([
        'tools/train.py', LINEAR, '--work-dir', work, '--cfg-options', *model,
        f'model.backbone.init_cfg.checkpoint={pretrained}',
        'train_dataloader.batch_size=8', 'train_dataloader.dataset.indices=16',
        'train_cfg.max_epochs=1', 'train_cfg.val_begin=1',
        'train_cfg.val_interval=1', *loader_options(upper_data[1])
    ])
    # the whole 13-joint encoder was loaded: no key missing or mis-shaped
    assert f'load backbone. in model from: {pretrained}' in out
    assert MISMATCH not in out
    val = metrics(r'Epoch\(val\) \[1\].*?(acc/top1): ([0-9.]+)', out)
    assert set(val) == {'acc/top1'} and 0 <= val['acc/top1'] <= 1
    before = torch.load(pretrained, weights_only=True)['state_dict']
    probe = osp.join(work, 'epoch_1.pth')
    after = torch.load(probe, weights_only=True)['state_dict']
    backbone = sorted(k for k in after if k.startswith('backbone.'))
    # the frozen encoder is the pretrained one, key for key
    assert backbone == sorted(k for k in before if k.startswith('backbone.'))
    assert all(torch.equal(after[k], before[k]) for k in backbone)

    # tools/test.py loads the probe through the checkpoint-fit check
    out = run_tool([
        'tools/test.py', LINEAR, probe, '--work-dir',
        str(tmp_path / 'linear_test'), '--cfg-options', *model,
        'model.backbone.init_cfg=None',
        *loader_options(upper_data[1], ('test', ))
    ])
    test = metrics(r'(acc/top\d+): ([0-9.]+)', out)
    assert {'acc/top1', 'acc/top5'} <= set(test)
    assert all(0 <= v <= 1 for v in test.values())
    assert test['acc/top1'] == pytest.approx(val['acc/top1'])  # same split


def test_knn_on_the_pretraining_checkpoint(pretrained, upper_data, run_tool,
                                           tmp_path):
    ann = upper_data[1]
    out = run_tool([
        'tools/test.py', KNN, pretrained, '--work-dir',
        str(tmp_path), '--cfg-options', f'model.backbone.hidden_dim={HIDDEN}',
        f'test_dataloader.dataset.gallery.ann_file={ann}',
        f'test_dataloader.dataset.query.ann_file={ann}',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False'
    ])
    values = re.findall(r'knn/top1_k(\d+): ([0-9.]+)', out)
    assert [k for k, _ in values] == ['1', '5', '20']
    assert all(0 <= float(v) <= 1 for _, v in values)


def test_fit_check_tells_the_layouts_apart(pretrained):
    """The checkpoint-fit check the kNN test passed is not vacuous: the
    same checkpoint does not fit the NTU-25 model of the base config."""
    checkpoint = torch.load(pretrained, weights_only=True)
    unused = ('projector.', 'neck.', 'head.')
    for path in (KNN, NTU_KNN):
        cfg = Config.fromfile(path)
        cfg.model.backbone.hidden_dim = HIDDEN
        model = MODELS.build(cfg.model)
        if path == KNN:
            check_checkpoint_fit(model, checkpoint, unused_prefixes=unused)
            continue
        with pytest.raises(
                CheckpointMismatchError,
                match=r'\(1, 26, 16\) '
                r'vs \(1, 50, 16\)'):
            check_checkpoint_fit(model, checkpoint, unused_prefixes=unused)
