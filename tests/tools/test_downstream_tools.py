"""A tiny pretraining, then linear probe, test, kNN and score fusion, all
through tools/train.py and tools/test.py."""
import glob
import json
import os
import os.path as osp
import re
import signal
import subprocess
import sys

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PRETRAIN = osp.join(
    REPO, 'configs/usdrl/'
    'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
LINEAR = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
KNN = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py')


@pytest.fixture(scope='module')
def pretrained(synthetic_data, tmp_path_factory, run_tool):
    work = str(tmp_path_factory.mktemp('pretrain'))
    run_tool([
        'tools/train.py', PRETRAIN, '--work-dir', work, '--cfg-options',
        'model.backbone.hidden_dim=16', 'model.projector.in_channels=16',
        'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.ann_file={synthetic_data["trimmed"]}',
        'train_cfg.max_epochs=1'
    ])
    return osp.join(work, 'epoch_1.pth')


@pytest.fixture(scope='module')
def probed(pretrained, synthetic_data, tmp_path_factory, run_tool,
           loader_options):
    work = str(tmp_path_factory.mktemp('linear'))
    out = run_tool([
        'tools/train.py', LINEAR, '--work-dir', work, '--cfg-options',
        'model.backbone.hidden_dim=16', 'model.cls_head.in_channels=32',
        'model.cls_head.num_classes=4',
        f'model.backbone.init_cfg.checkpoint={pretrained}',
        'train_dataloader.batch_size=8', 'train_cfg.max_epochs=2',
        'train_cfg.val_begin=1', 'train_cfg.val_interval=1',
        *loader_options(synthetic_data['trimmed'], 4)
    ])
    return work, out


def test_linear_probe_trains_only_the_classifier(pretrained, probed):
    work, out = probed
    assert f'load backbone. in model from: {pretrained}' in out
    assert re.search(r'Epoch\(val\) \[2\].*acc/top1: [0-9.]+', out)
    before = torch.load(pretrained, weights_only=True)['state_dict']
    after = torch.load(
        osp.join(work, 'epoch_2.pth'), weights_only=True)['state_dict']
    backbone = [k for k in after if k.startswith('backbone.')]
    assert backbone and all(torch.equal(after[k], before[k]) for k in backbone)
    # the classifier did train (it starts from N(0, 0.01), zero bias)
    assert after['cls_head.fc.bias'].abs().sum() > 0


def test_test_tool_dumps_scores_that_fuse(probed, synthetic_data, run_tool,
                                          loader_options, tmp_path):
    work, _ = probed
    dump = str(tmp_path / 'joint.pkl')
    out = run_tool([
        'tools/test.py', LINEAR,
        osp.join(work, 'epoch_2.pth'), '--work-dir',
        str(tmp_path), '--dump', dump, '--cfg-options',
        'model.backbone.hidden_dim=16', 'model.cls_head.in_channels=32',
        'model.cls_head.num_classes=4', 'model.backbone.init_cfg=None',
        *loader_options(synthetic_data['trimmed'], 4, ('test', ))
    ])
    top1 = float(re.search(r'acc/top1: ([0-9.]+)', out).group(1))
    fused = run_tool([
        'tools/analysis_tools/fuse_scores.py', '--preds', dump, dump,
        '--coefficients', '1', '2'
    ])
    assert f'top1 {top1:.4f}' in fused  # a model fused with itself


def test_knn_through_the_test_tool(pretrained, synthetic_data, run_tool,
                                   tmp_path):
    ann = synthetic_data['trimmed']
    out = run_tool([
        'tools/test.py', KNN, pretrained, '--work-dir',
        str(tmp_path), '--cfg-options', 'model.backbone.hidden_dim=16',
        f'test_dataloader.dataset.gallery.ann_file={ann}',
        f'test_dataloader.dataset.query.ann_file={ann}',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False'
    ])
    values = re.findall(r'knn/top1_k(\d+): ([0-9.]+)', out)
    assert [k for k, _ in values] == ['1', '5', '20']
    assert all(0 <= float(v) <= 1 for _, v in values)
    assert not glob.glob(osp.join(str(tmp_path), '*.pth'))


def test_eval_encoders_compares_checkpoints(pretrained, synthetic_data,
                                            run_tool, loader_options,
                                            tmp_path):
    random_init = str(tmp_path / 'random.pth')
    run_tool([
        'tools/misc/init_checkpoint.py', PRETRAIN, random_init,
        '--cfg-options', 'model.backbone.hidden_dim=16',
        'model.projector.in_channels=16'
    ])
    ann = synthetic_data['trimmed']
    work = str(tmp_path / 'eval')
    run_tool([
        'tools/analysis_tools/eval_encoders.py', '--linear', LINEAR, '--knn',
        KNN, '--work-dir', work, '--encoders', f'pretrained={pretrained}',
        f'random={random_init}', '--cfg-options',
        'model.backbone.hidden_dim=16', '--recognition-options',
        'model.cls_head.in_channels=32', 'model.cls_head.num_classes=4',
        'train_dataloader.batch_size=8', 'train_cfg.max_epochs=1',
        'train_cfg.val_begin=1', 'train_cfg.val_interval=1',
        *loader_options(ann, 4), '--knn-options',
        f'test_dataloader.dataset.gallery.ann_file={ann}',
        f'test_dataloader.dataset.query.ann_file={ann}',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False'
    ])
    with open(osp.join(work, 'results.json')) as f:
        results = json.load(f)['results']
    assert set(results) == {'pretrained', 'random'}
    for metrics in results.values():
        assert {'linear/top1', 'knn/top1_k1'} <= set(metrics)
    with open(osp.join(work, 'results.md')) as f:
        assert '| pretrained |' in f.read()


@pytest.mark.skipif(os.name != 'posix', reason='kills itself with SIGKILL')
def test_killed_init_checkpoint_leaves_no_partial_file(killed_in_save,
                                                       tmp_path, tool_env,
                                                       run_tool):
    out = tmp_path / 'random.pth'
    args = [
        'tools/misc/init_checkpoint.py', PRETRAIN,
        str(out), '--cfg-options', 'model.backbone.hidden_dim=16',
        'model.projector.in_channels=16'
    ]
    killed = subprocess.run([sys.executable, '-c', killed_in_save, *args],
                            cwd=REPO,
                            env=tool_env,
                            capture_output=True,
                            text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert not out.exists()  # the partial file is a temporary beside it
    assert [p.name for p in tmp_path.glob('.random.pth.*.tmp')]

    # a rerun needs no --force and removes the dead run's temporary
    run_tool(args)
    meta = torch.load(out, weights_only=True)['meta']
    assert meta['note'] == 'random initialisation, not trained'
    assert os.listdir(tmp_path) == ['random.pth']  # no temporary left
