"""End-to-end runs of tools/train.py and tools/dist_train.sh on synthetic
data, with the demo config shrunk to seconds."""
import glob
import json
import os.path as osp
import pickle
import socket
import subprocess
import sys

import numpy as np
import pytest
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(
    REPO_ROOT, 'configs/usdrl/'
    'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')


def tiny_options(ann_file: str, epochs: int) -> list:
    return [
        '--cfg-options', 'model.backbone.hidden_dim=32',
        'model.projector.in_channels=32', 'train_dataloader.batch_size=8',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.ann_file={ann_file}',
        f'train_cfg.max_epochs={epochs}', 'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=1'
    ]


def run(args, env, timeout=600):
    proc = subprocess.run(
        args,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout)
    return proc, proc.stdout + proc.stderr


def logged(work_dir: str, key: str = 'loss') -> list:
    values = []
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            values += [json.loads(line) for line in f]
    return [(r['step'], r[key]) for r in values if key in r]


@pytest.fixture(scope='module')
def trained(synthetic_data, tmp_path_factory, tool_env):
    """Two epochs of tiny pretraining through tools/train.py."""
    work_dir = str(tmp_path_factory.mktemp('train'))
    proc, out = run([
        sys.executable, 'tools/train.py', CONFIG, '--work-dir', work_dir,
        *tiny_options(synthetic_data['trimmed'], 2)
    ], tool_env)
    assert proc.returncode == 0, out[-3000:]
    return work_dir, out


def test_two_epochs_train_and_the_loss_falls(trained):
    work_dir, out = trained
    assert osp.exists(osp.join(work_dir, 'epoch_2.pth'))
    losses = [v for _, v in logged(work_dir)]
    assert len(losses) >= 4 and all(np.isfinite(losses))
    assert np.mean(losses[-2:]) < np.mean(losses[:2])
    # every term and grain reaches the log
    for key in ('loss_sim', 'loss_vac', 'loss_xcorr', 'sim_t', 'vac_s',
                'xcorr_i'):
        assert logged(work_dir, key), key


def test_resume_continues_from_the_checkpoint(trained, synthetic_data,
                                              tool_env):
    work_dir, _ = trained
    steps_before = max(s for s, _ in logged(work_dir))
    proc, out = run([
        sys.executable, 'tools/train.py', CONFIG, '--work-dir', work_dir,
        '--resume', *tiny_options(synthetic_data['trimmed'], 3)
    ], tool_env)
    assert proc.returncode == 0, out[-3000:]
    assert 'resumed epoch: 2' in out
    assert osp.exists(osp.join(work_dir, 'epoch_3.pth'))
    assert max(s for s, _ in logged(work_dir)) > steps_before
    # the checkpoint loads with torch's safe (weights-only) unpickler
    ckpt = torch.load(osp.join(work_dir, 'epoch_3.pth'), weights_only=True)
    assert ckpt['meta']['epoch'] == 3


def test_amp_trains_in_bf16_on_cpu(synthetic_data, tmp_path, tool_env):
    proc, out = run([
        sys.executable, 'tools/train.py', CONFIG, '--work-dir',
        str(tmp_path), '--amp', *tiny_options(synthetic_data['trimmed'], 1)
    ], tool_env)
    assert proc.returncode == 0, out[-3000:]
    if not torch.cuda.is_available():
        assert 'MixedPrecisionOptimWrapper' in out
    assert all(np.isfinite(v) for _, v in logged(str(tmp_path)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_process_gloo_run_through_dist_train(synthetic_data, tmp_path,
                                                 tool_env):
    env = dict(tool_env, PORT=str(free_port()), PYTHON=sys.executable)
    proc = subprocess.run([
        'bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
        str(tmp_path), *tiny_options(synthetic_data['trimmed'], 1)
    ],
                          cwd=REPO_ROOT,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=600)
    out = proc.stdout + proc.stderr
    # without the warnings each rank repeats, the end of the log shows where
    # a rank failed
    lines = [
        line for line in out.splitlines()
        if 'Warning' not in line and 'super().__init__' not in line
    ]
    assert proc.returncode == 0, '\n'.join(lines)[-4000:]
    assert 'gloo process group, rank 0 of 2' in out
    assert 'Distributed training: True' in out
    # the sampler splits the training set between the two ranks
    with open(synthetic_data['trimmed'], 'rb') as f:
        num_train = len(pickle.load(f)['split']['xsub_train'])
    iters = -(-(-(-num_train // 2)) // 8)  # ceil(ceil(n / 2) / 8)
    assert f'Epoch(train) [1][{iters}/{iters}]' in out
    assert osp.exists(osp.join(str(tmp_path), 'epoch_1.pth'))


def test_bad_annotations_stop_before_training(synthetic_data, tmp_path,
                                              tool_env):
    with open(synthetic_data['trimmed'], 'rb') as f:
        data = pickle.load(f)
    train = set(data['split']['xsub_train'])
    victim = next(a for a in data['annotations'] if a['frame_dir'] in train)
    victim['keypoint'] = victim['keypoint'].copy()
    victim['keypoint'][0, 3, 5, 1] = np.nan
    bad = tmp_path / 'bad.pkl'
    with open(bad, 'wb') as f:
        pickle.dump(data, f)
    proc, out = run([
        sys.executable, 'tools/train.py', CONFIG, '--work-dir',
        str(tmp_path / 'w'), *tiny_options(str(bad), 1)
    ], tool_env)
    assert proc.returncode != 0
    assert victim['frame_dir'] in out and 'NaN/inf' in out
    assert 'Epoch(train)' not in out
    assert not glob.glob(str(tmp_path / 'w' / '*.pth'))


def test_load_from_initialises_a_new_run(trained, synthetic_data, tool_env,
                                         tmp_path):
    work_dir, _ = trained
    ckpt = osp.join(work_dir, 'epoch_2.pth')
    proc, out = run([
        sys.executable, 'tools/train.py', CONFIG, '--work-dir',
        str(tmp_path), *tiny_options(synthetic_data['trimmed'], 1),
        f'load_from={ckpt}'
    ], tool_env)
    assert proc.returncode == 0, out[-3000:]
    assert f'Load checkpoint from {ckpt}' in out
    assert 'resumed epoch' not in out  # weights only, a fresh schedule
