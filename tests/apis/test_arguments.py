"""usdrl_mm.apis.arguments: the command-line arguments the tools share
(``--encoders NAME=CHECKPOINT``, ``--cfg-options``, ``--force``,
``--img-shape``, ``--launcher`` / ``--local-rank``, ``--work-dir``)."""
import argparse
import os

import pytest
from mmengine.config import Config

from usdrl_mm.apis import parse_encoder
from usdrl_mm.apis.arguments import (add_cfg_options_argument,
                                     add_encoders_argument, add_force_argument,
                                     add_img_shape_argument,
                                     add_launcher_arguments,
                                     apply_work_dir_argument, check_device,
                                     export_local_rank)
from usdrl_mm.datasets.converters.io import refuse_overwrite


def test_name_and_checkpoint(tmp_path):
    ckpt = tmp_path / 'epoch_1.pth'
    ckpt.write_bytes(b'')
    assert parse_encoder(f'pretrained={ckpt}') == ('pretrained', str(ckpt))


def test_only_the_first_equals_sign_splits(tmp_path):
    ckpt = tmp_path / 'lr=0.1.pth'
    ckpt.write_bytes(b'')
    assert parse_encoder(f'a={ckpt}') == ('a', str(ckpt))


@pytest.mark.parametrize('text', ['epoch_1.pth', '=epoch_1.pth', 'name='])
def test_malformed(text):
    with pytest.raises(argparse.ArgumentTypeError, match='NAME=CHECKPOINT'):
        parse_encoder(text)


def test_a_missing_checkpoint(tmp_path):
    with pytest.raises(argparse.ArgumentTypeError, match='missing.pth not'):
        parse_encoder(f'a={tmp_path / "missing.pth"}')


def test_as_an_argparse_type(tmp_path, capsys):
    ckpt = tmp_path / 'a.pth'
    ckpt.write_bytes(b'')
    parser = argparse.ArgumentParser()
    parser.add_argument('--encoders', nargs='+', type=parse_encoder)
    args = parser.parse_args(['--encoders', f'a={ckpt}', f'b={ckpt}'])
    assert args.encoders == [('a', str(ckpt)), ('b', str(ckpt))]
    with pytest.raises(SystemExit):
        parser.parse_args(['--encoders', 'b'])
    assert 'expected NAME=CHECKPOINT' in capsys.readouterr().err


def test_cfg_options_parse_as_mmengine_dict_action():
    parser = argparse.ArgumentParser()
    add_cfg_options_argument(parser)
    add_cfg_options_argument(parser, '--knn-options', help='kNN only')
    args = parser.parse_args([
        '--cfg-options', 'train_cfg.max_epochs=2', 'a.b=[1,2]',
        '--knn-options', 'k=20'
    ])
    assert args.cfg_options == {'train_cfg.max_epochs': 2, 'a.b': [1, 2]}
    assert args.knn_options == {'k': 20}
    assert parser.parse_args([]).cfg_options is None


def test_encoders_are_required_and_checked(tmp_path):
    ckpt = tmp_path / 'a.pth'
    ckpt.write_bytes(b'')
    parser = argparse.ArgumentParser()
    add_encoders_argument(parser)
    args = parser.parse_args(['--encoders', f'a={ckpt}', f'b={ckpt}'])
    assert args.encoders == [('a', str(ckpt)), ('b', str(ckpt))]
    with pytest.raises(SystemExit):
        parser.parse_args([])
    with pytest.raises(SystemExit):
        parser.parse_args(['--encoders', f'a={tmp_path}/missing.pth'])


def test_img_shape_takes_height_then_width():
    parser = argparse.ArgumentParser()
    add_img_shape_argument(parser, help='frame size')
    assert parser.parse_args(['--img-shape', '720',
                              '1280']).img_shape == [720, 1280]
    with pytest.raises(SystemExit):
        parser.parse_args(['--img-shape', '720'])


@pytest.mark.parametrize('env,argv,expected', [
    ({}, ['--local-rank', '3'], '3'),
    ({
        'LOCAL_RANK': '1'
    }, ['--local_rank', '3'], '1'),
    ({}, [], '0'),
])
def test_launcher_arguments_and_local_rank(monkeypatch, env, argv, expected):
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    parser = argparse.ArgumentParser()
    add_launcher_arguments(parser)
    args = parser.parse_args(['--launcher', 'slurm', *argv])
    assert args.launcher == 'slurm'
    export_local_rank(args)
    assert os.environ['LOCAL_RANK'] == expected
    with pytest.raises(SystemExit):
        parser.parse_args(['--launcher', 'ssh'])


def test_check_device(monkeypatch):
    import torch
    check_device('cpu')
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(
            ValueError,
            match='--device cuda:1: no CUDA device '
            'here; use --device cpu'):
        check_device('cuda:1')
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    check_device('cuda:1')


def test_force_argument_and_the_overwrite_check(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_force_argument(parser)
    force, = (a for a in parser._actions if '--force' in a.option_strings)
    assert force.help == 'overwrite an existing output'
    assert parser.parse_args([]).force is False
    assert parser.parse_args(['--force']).force is True
    other = argparse.ArgumentParser()
    add_force_argument(other, 'existing outputs')
    assert other._actions[-1].help == 'overwrite existing outputs'

    out = tmp_path / 'out.pkl'
    assert not refuse_overwrite(str(out), parser.parse_args([]).force)
    out.write_bytes(b'keep me')
    assert refuse_overwrite(str(out), parser.parse_args([]).force)
    assert capsys.readouterr().err == \
        f'error: {out} exists; pass --force to overwrite it\n'
    assert not refuse_overwrite(str(out), parser.parse_args(['--force']).force)
    assert out.read_bytes() == b'keep me'


@pytest.mark.parametrize('work_dir,in_config,expected', [
    ('runs/a', 'cfg_dir', 'runs/a'),
    (None, 'cfg_dir', 'cfg_dir'),
    (None, None, './work_dirs/mgfd_dste-tiny'),
])
def test_work_dir_priority(work_dir, in_config, expected):
    cfg = Config(dict(work_dir=in_config) if in_config else {})
    args = argparse.Namespace(
        work_dir=work_dir, config='configs/usdrl/mgfd_dste-tiny.py')
    apply_work_dir_argument(cfg, args)
    assert cfg.work_dir == expected
