"""tools/train.py under crashes and misuse: a kill -9 in the middle of an
epoch or of a checkpoint save, then --resume; two runs in one work
directory; checkpoints that do not fit."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import textwrap

import pytest
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(
    REPO_ROOT, 'configs/usdrl/'
    'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')

# a hook module the child runs import: it kills its own process (SIGKILL,
# no clean-up of any kind) at a chosen training iteration, or in the middle
# of writing a chosen checkpoint (half of the bytes on disk)
KILLER = textwrap.dedent('''
    import os
    import signal

    from mmaction.registry import HOOKS
    from mmengine.fileio import LocalBackend
    from mmengine.hooks import Hook


    def die():
        os.kill(os.getpid(), signal.SIGKILL)


    @HOOKS.register_module()
    class KillAt(Hook):
        def __init__(self, iteration=-1, save_epoch=-1):
            self.iteration, self.save_epoch = iteration, save_epoch

        def after_train_iter(self, runner, batch_idx, data_batch=None,
                             outputs=None):
            if runner.iter + 1 == self.iteration:
                die()

        def before_save_checkpoint(self, runner, checkpoint):
            if checkpoint['meta']['epoch'] != self.save_epoch:
                return

            def half_then_die(backend, data, filepath):
                with open(filepath, 'wb') as out:
                    out.write(data[:len(data) // 2])
                die()

            LocalBackend.put = half_then_die
''')


def options(ann_file: str, epochs: int, workers: int = 0) -> list:
    return [
        '--cfg-options', 'model.backbone.hidden_dim=16',
        'model.projector.in_channels=16', 'train_dataloader.batch_size=16',
        f'train_dataloader.num_workers={workers}',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.ann_file={ann_file}',
        f'train_cfg.max_epochs={epochs}', 'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.checkpoint.max_keep_ckpts=1'
    ]


@pytest.fixture(scope='module')
def killer_env(tmp_path_factory, tool_env):
    """The tools' environment with the killing hook importable, and a
    config that adds it (arguments through --cfg-options)."""
    folder = tmp_path_factory.mktemp('killer')
    (folder / 'kill_hook.py').write_text(KILLER)
    config = folder / 'killable.py'
    config.write_text(f'_base_ = [{CONFIG!r}]\n'
                      "custom_imports = dict(imports=['usdrl_mm', "
                      "'kill_hook'], allow_failed_imports=False)\n"
                      "custom_hooks = [dict(type='KillAt')]\n")
    env = dict(tool_env)
    env['PYTHONPATH'] = str(folder) + os.pathsep + env['PYTHONPATH']
    return env, str(config)


def train(env: dict, config: str, work_dir: str, *args: str):
    proc = subprocess.run([
        sys.executable, 'tools/train.py', config, '--work-dir', work_dir, *args
    ],
                          cwd=REPO_ROOT,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def losses(work_dir: str) -> dict:
    """step -> loss over every run logged in the work directory (a later
    run's value for a step wins, as a resumed run repeats the steps after
    its checkpoint)."""
    found = {}
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'loss' in record:
                    found[record['step']] = record['loss']
    return found


def weights(path: str) -> dict:
    return torch.load(path, weights_only=True)['state_dict']


# one data-loader worker (seeded per epoch by seed_worker_per_epoch) is the
# long variant; in-process loading is in the default suite
@pytest.mark.parametrize('workers',
                         [0, pytest.param(1, marks=pytest.mark.slow)])
def test_killed_then_resumed_run_equals_an_uninterrupted_one(
        synthetic_data, tmp_path, killer_env, workers):
    env, config = killer_env
    ann = synthetic_data['trimmed']
    straight, broken = str(tmp_path / 'straight'), str(tmp_path / 'broken')
    code, out = train(env, config, straight, *options(ann, 2, workers))
    assert code == 0, out[-3000:]
    per_epoch = len(losses(straight)) // 2

    # killed in the middle of the second epoch, after epoch_1.pth
    code, out = train(env, config, broken, *options(ann, 2, workers),
                      f'custom_hooks.0.iteration={per_epoch + 2}')
    assert code == -9, out[-3000:]
    assert not osp.exists(osp.join(broken, 'epoch_2.pth'))
    code, out = train(env, config, broken, '--resume',
                      *options(ann, 2, workers))
    assert code == 0, out[-3000:]
    assert 'resumed epoch: 1' in out
    assert 'restored the random-number states' in out

    expected, got = losses(straight), losses(broken)
    assert sorted(got) == sorted(expected)
    assert [got[s]
            for s in sorted(got)] == [expected[s] for s in sorted(expected)]
    a = weights(osp.join(straight, 'epoch_2.pth'))
    b = weights(osp.join(broken, 'epoch_2.pth'))
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_kill_during_a_save_leaves_a_checkpoint_to_resume(
        synthetic_data, tmp_path, killer_env):
    env, config = killer_env
    work_dir = str(tmp_path)
    code, out = train(env, config, work_dir,
                      *options(synthetic_data['trimmed'], 3),
                      'custom_hooks.0.save_epoch=2')
    assert code == -9, out[-3000:]
    # max_keep_ckpts=1, and still epoch 1 survives, named by last_checkpoint
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    assert not osp.exists(osp.join(work_dir, 'epoch_2.pth'))
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read().strip().endswith('epoch_1.pth')
    leftovers = glob.glob(osp.join(work_dir, '.epoch_2.pth.*.tmp'))
    assert len(leftovers) == 1  # the half-written temporary

    code, out = train(env, config, work_dir, '--resume',
                      *options(synthetic_data['trimmed'], 3))
    assert code == 0, out[-3000:]
    assert 'resumed epoch: 1' in out
    assert osp.isfile(osp.join(work_dir, 'epoch_3.pth'))
    assert not osp.exists(osp.join(work_dir, 'epoch_1.pth'))  # rotated out
    assert not glob.glob(osp.join(work_dir, '.*.tmp'))  # stale one removed


@pytest.mark.slow  # the fallback itself: tests/engine/test_checkpoint_files
def test_resume_falls_back_when_last_checkpoint_dangles(
        synthetic_data, tmp_path, killer_env):
    env, config = killer_env
    work_dir = str(tmp_path)
    code, out = train(env, config, work_dir,
                      *options(synthetic_data['trimmed'], 1))
    assert code == 0, out[-3000:]
    with open(osp.join(work_dir, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(work_dir, 'epoch_7.pth'))  # deleted meanwhile
    code, out = train(env, config, work_dir, '--resume',
                      *options(synthetic_data['trimmed'], 2))
    assert code == 0, out[-3000:]
    assert 'epoch_7.pth, which is missing' in out
    assert 'resuming from the newest intact checkpoint' in out
    assert 'resumed epoch: 1' in out


def test_a_second_run_in_the_same_work_dir_is_refused(synthetic_data, tmp_path,
                                                      killer_env):
    from usdrl_mm.utils.work_dir_lock import lock_work_dir
    env, config = killer_env
    work_dir = str(tmp_path)
    with lock_work_dir(work_dir, log=lambda _: None):  # "the other run"
        code, out = train(env, config, work_dir,
                          *options(synthetic_data['trimmed'], 1))
    assert code == 1
    assert f'{work_dir} is in use by process {os.getpid()}' in out
    assert 'another --work-dir' in out
    assert 'Epoch(train)' not in out
    assert not glob.glob(osp.join(work_dir, '*.pth'))


@pytest.mark.slow  # the check itself: tests/engine/test_checkpoint_fit
def test_resume_refuses_a_checkpoint_of_another_model(synthetic_data, tmp_path,
                                                      killer_env):
    env, config = killer_env
    first = str(tmp_path / 'a')
    code, out = train(env, config, first, *options(synthetic_data['trimmed'],
                                                   1))
    assert code == 0, out[-3000:]
    wider = [
        o.replace('=16', '=24')
        if 'hidden_dim' in o or 'in_channels' in o else o
        for o in options(synthetic_data['trimmed'], 2)
    ]
    code, out = train(env, config, str(tmp_path / 'b'), '--resume',
                      osp.join(first, 'epoch_1.pth'), *wider)
    assert code == 1
    assert 'does not fit the MGFD model' in out
    assert 'other shapes' in out and '--allow-partial' in out
