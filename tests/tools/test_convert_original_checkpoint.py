"""tools/convert_original_checkpoint.py end to end: original files built
from the documented layout, converted by the CLI, loaded the way configs
and tools/test.py load them."""
import argparse
import importlib.util
import os
import os.path as osp
import re
import signal
import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.runner import load_checkpoint

from usdrl_mm.structures.action_labels import pred_score_of

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _load_builders():
    """The original-file builders and reference forward of the unit test."""
    path = osp.join(REPO, 'tests/models/utils/test_original_checkpoint.py')
    spec = importlib.util.spec_from_file_location('original_builders', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _load_builders()


def convert(*args, env=None):
    return subprocess.run(
        [sys.executable, 'tools/convert_original_checkpoint.py', *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True)


def config_lines(stdout: str) -> dict:
    """Execute the printed ``model = ...`` lines; the last one wins."""
    lines, keep = [], False
    for line in stdout.splitlines():
        keep = line.startswith('model = ') or (keep and line.startswith(' '))
        if keep or line.startswith('load_from'):
            lines.append(line)
    namespace = {}
    exec('\n'.join(lines), namespace)
    return namespace


def test_dste_pretraining_file_loads_into_mgfd(tmp_path, tool_env):
    state = ref.original_state('dste', 'pretrain')
    src, dst = tmp_path / 'checkpoint_0450.pth.tar', tmp_path / 'mm.pth'
    torch.save(ref.training_file(state), src)
    out = convert(str(src), str(dst), env=tool_env)
    assert out.returncode == 0, out.stderr
    assert 'inferred: DSTE pretrain, D=16, layers=2, T=16, M*V=2*25, C=3' \
        in out.stdout
    assert 'backbone.tpe.pe (200 rows)' in out.stdout

    saved = torch.load(dst, weights_only=True)
    assert saved['meta']['source_epoch'] == 451
    assert saved['meta']['original_config']['arch'] == 'dste'
    namespace = config_lines(out.stdout)
    assert namespace['load_from'] == str(dst)
    mgfd = MODELS.build(
        dict(
            type='MGFD',
            backbone=dict(
                type='DSTE', hidden_dim=16, clip_len=16, num_layers=2),
            projector=dict(type='MGFDProjector', in_channels=16)))
    load_checkpoint(mgfd, str(dst), strict=True)  # as load_from does
    loaded = mgfd.state_dict()
    assert torch.equal(loaded['projector.i_proj.6.weight'],
                       state['i_proj.6.weight'])
    assert torch.equal(
        loaded['backbone.temporal_layers.1.dsa.attn.'
               'in_proj_bias'], state['backbone.t_tr1.CA.attn.in_proj_bias'])
    mgfd.train()
    views = torch.randn(8, 4, 2, 16, 25, 3)
    losses = mgfd(views, mode='loss')
    assert all(torch.isfinite(v) for v in losses.values())

    # the encoder line: Pretrained init_cfg with the backbone. prefix
    backbone = MODELS.build(namespace['model']['backbone'])
    backbone.init_weights()
    x, x_orig = ref.mm_input()
    with torch.no_grad():
        yt, ys = backbone.eval()(x)
        ref_t, ref_s = ref.reference_backbone(state, x_orig, 'dste')
    assert torch.allclose(yt, ref_t, atol=1e-5, rtol=1e-4)
    assert torch.allclose(ys, ref_s, atol=1e-5, rtol=1e-4)


def test_sttr_linear_file_loads_into_a_recognizer(tmp_path, tool_env):
    state = ref.original_state('sttr', 'downstream', layers=3, ffn=24)
    src, dst = tmp_path / 'linear.pth.tar', tmp_path / 'mm.pth'
    torch.save(dict(state_dict=state), src)
    out = convert(
        str(src), str(dst), '--arch', 'sttr', '--print-config', env=tool_env)
    assert out.returncode == 0, out.stderr
    assert 'STTR: ffn_dim=24' in out.stdout and 'K=7' in out.stdout
    model_cfg = config_lines(out.stdout)['model']
    assert model_cfg['backbone']['num_layers'] == 3
    assert model_cfg['cls_head'] == dict(
        type='USDRLClsHead', num_classes=7, in_channels=32)

    recognizer = MODELS.build(dict(type='RecognizerGCN', **model_cfg))
    recognizer.init_weights()  # the backbone loads through init_cfg
    # tools/test.py then loads the whole file into the recognizer
    load_checkpoint(recognizer, str(dst), strict=True)
    recognizer.eval()
    x, x_orig = ref.mm_input()
    samples = [ActionDataSample() for _ in range(3)]
    with torch.no_grad():
        preds = recognizer(x[:, None], samples, mode='predict')
        ref_t, ref_s = ref.reference_backbone(state, x_orig, 'sttr')
    ref_logits = ref._lin(state, 'fc.',
                          torch.cat(
                              [ref_t.amax(1), ref_s.amax(1)], -1))
    scores = torch.stack([pred_score_of(p) for p in preds])
    assert torch.allclose(scores, ref_logits.softmax(-1), atol=1e-5)


def test_mismatching_file_is_refused_with_the_offending_key(tmp_path):
    state = ref.original_state('dste', 'downstream')
    state['backbone.s_tr.DSA.wt2.weight'] = torch.zeros(34, 34)
    src = tmp_path / 'bad.pth.tar'
    torch.save(ref.training_file(state), src)
    out = convert(str(src), str(tmp_path / 'out.pth'))
    assert out.returncode != 0
    assert re.search(
        r'wrong shapes: backbone\.s_tr\.DSA\.wt2\.weight '
        r'\(34, 34\) != \(50, 50\)', out.stderr), out.stderr
    assert not (tmp_path / 'out.pth').exists()


def test_pickled_arguments_need_an_explicit_allowance(tmp_path):
    src = tmp_path / 'with_args.pth.tar'
    ckpt = ref.training_file(ref.original_state('sttr', 'encoder'))
    ckpt['args'] = argparse.Namespace(lr=5e-4, hidden_size=16)
    torch.save(ckpt, src)
    out = convert(str(src), str(tmp_path / 'out.pth'))
    assert out.returncode != 0
    assert 'argparse.Namespace' in out.stderr
    assert '--allow-namespace' in out.stderr
    # allowed explicitly; --print-config without DST only inspects
    out = convert(str(src), '--print-config', '--allow-namespace')
    assert out.returncode == 0, out.stderr
    assert 'STTR encoder' in out.stdout
    assert "init_cfg=dict(type='Pretrained'" in out.stdout
    assert not (tmp_path / 'out.pth').exists()


def test_existing_output_is_kept_without_force(tmp_path):
    src, dst = tmp_path / 'src.pth.tar', tmp_path / 'dst.pth'
    torch.save(ref.original_state('sttr', 'encoder'), src)
    dst.write_text('keep me')
    out = convert(str(src), str(dst))
    assert out.returncode != 0 and '--force' in out.stderr
    assert dst.read_text() == 'keep me'
    with pytest.raises(SystemExit):  # DST is needed without --print-config
        spec = importlib.util.spec_from_file_location(
            'convert_tool',
            osp.join(REPO, 'tools/convert_original_checkpoint.py'))
        tool = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tool)
        tool.parse_args([str(src)])


@pytest.mark.skipif(os.name != 'posix', reason='kills itself with SIGKILL')
def test_killed_conversion_leaves_no_partial_output(killed_in_save, tmp_path,
                                                    tool_env):
    src, dst = tmp_path / 'src.pth.tar', tmp_path / 'mm.pth'
    torch.save(ref.training_file(ref.original_state('sttr', 'encoder')), src)
    out = subprocess.run([
        sys.executable, '-c', killed_in_save,
        'tools/convert_original_checkpoint.py',
        str(src),
        str(dst)
    ],
                         cwd=REPO,
                         env=tool_env,
                         capture_output=True,
                         text=True)
    assert out.returncode == -signal.SIGKILL, out.stderr
    assert not dst.exists()  # the partial file is a temporary beside it
    assert [p.name for p in tmp_path.glob('.mm.pth.*.tmp')]

    # a rerun needs no --force and removes the dead run's temporary
    out = convert(str(src), str(dst), env=tool_env)
    assert out.returncode == 0, out.stderr
    assert torch.load(dst, weights_only=True)['meta']['original_config']
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ['mm.pth', 'src.pth.tar']  # no temporary left
