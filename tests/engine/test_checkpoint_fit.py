"""Checkpoints that do not fit the model are refused, with the keys and a
guess of what the checkpoint is, at every entry point that loads one."""
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config

from usdrl_mm.apis import init_model
from usdrl_mm.engine import (CheckpointFitHook, CheckpointMismatchError,
                             check_checkpoint_fit, check_pretrained_fit,
                             configure_checkpoint_fit)
from usdrl_mm.engine.checkpoint_fit import describe_checkpoint

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
REC_CFG = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
KNN_CFG = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py')
PRETRAIN_CFG = osp.join(
    REPO, 'configs/usdrl/'
    'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
TINY = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.backbone.init_cfg': None,
    'model.cls_head.in_channels': 32,
}
PRETRAIN_TINY = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.projector.in_channels': 16,
}


@pytest.fixture(scope='module')
def recognizer():
    torch.manual_seed(0)
    return init_model(REC_CFG, cfg_options=TINY)


@pytest.fixture(scope='module')
def pretraining_checkpoint(tmp_path_factory):
    model = init_model(PRETRAIN_CFG, cfg_options=PRETRAIN_TINY)
    path = str(tmp_path_factory.mktemp('ckpt') / 'mgfd.pth')
    cfg_text = ("model = dict(\n    backbone=dict(\n        hidden_dim=16),\n"
                "    type='MGFD')\n")
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(cfg=cfg_text, experiment_name='mgfd_run')), path)
    return path


def test_a_fitting_checkpoint_passes(recognizer):
    check_checkpoint_fit(recognizer, dict(state_dict=recognizer.state_dict()))
    wrapped = {f'module.{k}': v for k, v in recognizer.state_dict().items()}
    check_checkpoint_fit(recognizer, wrapped)  # DDP prefixes are stripped


def test_every_kind_of_mismatch_is_listed(recognizer):
    state = dict(recognizer.state_dict())
    del state['cls_head.fc.bias']
    state['extra.weight'] = torch.zeros(1)
    state['cls_head.fc.weight'] = torch.zeros(3, 32)
    with pytest.raises(CheckpointMismatchError) as err:
        check_checkpoint_fit(recognizer, dict(state_dict=state), 'c.pth')
    message = str(err.value)
    assert message.startswith('c.pth does not fit the USDRLRecognizer model')
    assert '1 of the model' in message and 'cls_head.fc.bias' in message
    assert '1 keys are not in the model: extra.weight' in message
    assert 'cls_head.fc.weight (3, 32) vs (' in message
    assert 'strict=False' in message


def test_an_empty_state_dict_is_refused(recognizer):
    with pytest.raises(CheckpointMismatchError, match='no weights at all'):
        check_checkpoint_fit(recognizer, dict(state_dict={}))


def test_describe_reads_the_saved_model_type_without_running_it(
        pretraining_checkpoint):
    ckpt = torch.load(pretraining_checkpoint, weights_only=True)
    text = describe_checkpoint(ckpt)
    assert 'saved by a MGFD model' in text and "'mgfd_run'" in text
    assert 'pretraining model' in text and "prefix='backbone.'" in text
    # a config is Python: the text is only matched, never executed
    ckpt['meta']['cfg'] = ("import os\nos._exit(3)\n"
                           "model = dict(\n    type='X')\n")
    assert 'saved by a X model' in describe_checkpoint(ckpt)


def test_unused_prefixes_admit_a_pretraining_checkpoint(
        pretraining_checkpoint):
    knn = init_model(
        KNN_CFG,
        cfg_options={
            'model.backbone.hidden_dim': 16,
            'model.backbone.num_layers': 1
        })
    ckpt = torch.load(pretraining_checkpoint, weights_only=True)
    with pytest.raises(CheckpointMismatchError, match='projector'):
        check_checkpoint_fit(knn, ckpt)
    check_checkpoint_fit(knn, ckpt, unused_prefixes=('projector.', ))
    # the backbone must still fit
    del ckpt['state_dict']['backbone.spatial_pos']
    with pytest.raises(CheckpointMismatchError, match='spatial_pos'):
        check_checkpoint_fit(knn, ckpt, unused_prefixes=('projector.', ))


def test_init_model_refuses_unless_not_strict(recognizer,
                                              pretraining_checkpoint):
    with pytest.raises(CheckpointMismatchError) as err:
        init_model(REC_CFG, pretraining_checkpoint, cfg_options=TINY)
    assert 'cls_head.fc.weight' in str(err.value)
    assert 'pretraining model' in str(err.value)
    loose = init_model(
        REC_CFG, pretraining_checkpoint, cfg_options=TINY, strict=False)
    ckpt = torch.load(pretraining_checkpoint, weights_only=True)['state_dict']
    assert torch.equal(loose.backbone.spatial_pos,
                       ckpt['backbone.spatial_pos'])


def test_a_pretrained_init_cfg_must_fit_its_module(pretraining_checkpoint,
                                                   tmp_path):

    def probe(checkpoint, **backbone):
        options = dict(TINY)
        options['model.backbone.init_cfg'] = dict(
            type='Pretrained', checkpoint=checkpoint, prefix='backbone.')
        options.update({f'model.backbone.{k}': v for k, v in backbone.items()})
        return init_model(REC_CFG, cfg_options=options)

    # the MG-FD checkpoint's encoder fits the probe's: the projector keys
    # are not under the prefix, so they do not count
    check_pretrained_fit(probe(pretraining_checkpoint))
    # a 13-joint probe on the 25-joint encoder: refused with the shapes
    with pytest.raises(CheckpointMismatchError) as err:
        check_pretrained_fit(probe(pretraining_checkpoint, num_joints=13))
    message = str(err.value)
    assert pretraining_checkpoint in message
    assert "keys under 'backbone.'" in message
    assert 'model.backbone' in message and 'spatial_pos' in message
    assert '--allow-partial' in message
    # an encoder with a key missing (mmengine's initialiser only logs it)
    partial = str(tmp_path / 'partial.pth')
    ckpt = torch.load(pretraining_checkpoint, weights_only=True)
    del ckpt['state_dict']['backbone.spatial_pos']
    torch.save(ckpt, partial)
    with pytest.raises(CheckpointMismatchError, match='missing: spatial_pos'):
        check_pretrained_fit(probe(partial))
    # a model without a Pretrained init_cfg has nothing to check
    check_pretrained_fit(init_model(REC_CFG, cfg_options=TINY))


def test_the_hook_checks_pretrained_weights_before_training(
        pretraining_checkpoint):
    options = dict(TINY, **{'model.backbone.num_joints': 13})
    options['model.backbone.init_cfg'] = dict(
        type='Pretrained',
        checkpoint=pretraining_checkpoint,
        prefix='backbone.')
    model = init_model(REC_CFG, cfg_options=options)

    class FakeRunner:
        pass

    runner = FakeRunner()
    runner.model = model
    with pytest.raises(CheckpointMismatchError, match='spatial_pos'):
        CheckpointFitHook().before_train(runner)


def test_configure_checkpoint_fit_keeps_a_configured_hook():
    cfg = Config(dict(custom_hooks=[dict(type='EMAHook')]))
    configure_checkpoint_fit(cfg, allow_partial=False)
    assert [h['type']
            for h in cfg.custom_hooks] == ['EMAHook', 'CheckpointFitHook']
    own = dict(type='CheckpointFitHook', unused_prefixes=['head.'])
    cfg = Config(dict(custom_hooks=[own]))
    configure_checkpoint_fit(cfg, allow_partial=False)
    assert cfg.custom_hooks == [own]
    configure_checkpoint_fit(cfg, allow_partial=True)
    assert cfg.custom_hooks == []


def test_test_tool_refuses_an_empty_checkpoint(tmp_path, tool_env,
                                               synthetic_data, loader_options):
    empty = str(tmp_path / 'empty.pth')
    torch.save(dict(state_dict={}, meta={}), empty)
    options = [
        '--cfg-options', *[f'{k}={v}' for k, v in TINY.items()],
        'model.cls_head.num_classes=4',
        *loader_options(synthetic_data['trimmed'], 4, ('test', ))
    ]
    args = [
        sys.executable, 'tools/test.py', REC_CFG, empty, '--work-dir',
        str(tmp_path)
    ]
    proc = subprocess.run(
        args + options,
        cwd=REPO,
        env=tool_env,
        capture_output=True,
        text=True,
        timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert f'error: {empty} does not fit the USDRLRecognizer model' in out
    assert 'no weights at all' in out and 'acc/top1' not in out
    proc = subprocess.run(
        args + ['--allow-partial'] + options,
        cwd=REPO,
        env=tool_env,
        capture_output=True,
        text=True,
        timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'acc/top1' in out  # the user asked for it


def test_demo_refuses_a_pretraining_checkpoint(tmp_path, tool_env,
                                               pretraining_checkpoint):
    clip = str(tmp_path / 'clip.npy')
    np.save(clip, np.random.default_rng(0).normal(size=(1, 40, 25, 3)))
    options = ['--cfg-options', *[f'{k}={v}' for k, v in TINY.items()]]
    args = [
        sys.executable, 'tools/demo/skeleton_demo.py', clip, REC_CFG,
        pretraining_checkpoint, *options
    ]
    proc = subprocess.run(
        args, cwd=REPO, env=tool_env, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and 'Traceback' not in out
    assert 'does not fit the USDRLRecognizer model' in out
    assert 'pretraining model' in out
    proc = subprocess.run(
        args + ['--allow-partial'],
        cwd=REPO,
        env=tool_env,
        capture_output=True,
        text=True)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
