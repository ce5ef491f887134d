"""usdrl_mm.apis.arguments.parse_encoder: ``--encoders NAME=CHECKPOINT`` of
eval_encoders.py and tsne_features.py."""
import argparse

import pytest

from usdrl_mm.apis import parse_encoder


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
