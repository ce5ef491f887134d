"""tools/deployment/export_onnx.py and usdrl_mm.apis.export: ONNX Runtime
against the models' own PyTorch paths on the tiny configs."""
import json
import sys

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

from tools.deployment.export_onnx import main as export_main
from usdrl_mm.apis import export as export_api
from usdrl_mm.apis import init_model
from usdrl_mm.apis.export import (default_part, export_onnx, unfused_attention,
                                  verify_onnx)
from usdrl_mm.structures.action_labels import pred_score_of

pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')

ENCODER_CFG = 'configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-' \
    'xsub-keypoint-3d.py'
# J+M+B input: the graph derives bone and motion from the joints
RECOGNIZER_CFG = 'configs/usdrl/benchmarks/dste-tiny-linear_1xb64-jmb-20e_' \
    'synthetic-xsub-keypoint-3d.py'
SMALL = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.backbone.init_cfg': None,
    'model.cls_head.in_channels': 32,
}


def json_line(out: str) -> dict:
    lines = [line for line in out.splitlines() if line.startswith('{')]
    assert len(lines) == 1, out[-2000:]  # exactly one JSON line
    return json.loads(lines[0])


def run_onnx(path: str, joints: torch.Tensor) -> np.ndarray:
    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    return session.run(None, {'joints': joints.numpy()})[0]


def joints_like(shape, seed: int) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


@pytest.fixture(scope='module')
def encoder_export(run_tool, repo_root, tmp_path_factory):
    """The tiny DSTE encoder from a seeded checkpoint, exported by the CLI
    with a dynamic batch axis and verified."""
    tmp = tmp_path_factory.mktemp('onnx')
    ckpt, out = str(tmp / 'dste.pth'), str(tmp / 'encoder.onnx')
    run_tool([
        'tools/misc/init_checkpoint.py', ENCODER_CFG, ckpt, '--seed', '0',
        '--force'
    ])
    info = json_line(
        run_tool([
            'tools/deployment/export_onnx.py', ENCODER_CFG, ckpt, '--out', out,
            '--dynamic-batch', '--verify'
        ]))
    return info, ckpt, out


def test_encoder_export_matches_pytorch(encoder_export):
    info, ckpt, out = encoder_export
    assert info['part'] == 'encoder' and info['out'] == out
    assert info['input_shape'] == [1, 2, 64, 25, 3]  # from the config
    assert info['output_shape'] == ['batch', 128]  # 2 x hidden_dim 64
    assert info['modality'] == ['joint'] and info['opset'] == 17
    assert info['passed'] and info['verified_batch_sizes'] == [1, 2]
    assert info['max_abs_diff'] < 1e-4

    # against the model's own path: preprocessor, backbone, neck
    model = init_model(ENCODER_CFG, ckpt)
    joints = joints_like((3, 2, 64, 25, 3), seed=1)
    with torch.no_grad():
        inputs = model.data_preprocessor(dict(inputs=joints[:, None]))
        expected = model.extract_feat(inputs['inputs'])[:, 0].numpy()
    got = run_onnx(out, joints)
    assert got.shape == (3, 128)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    assert np.ptp(expected, axis=0).max() > 1e-2  # samples differ


def test_dynamic_batch_takes_other_batch_sizes(encoder_export):
    _, _, out = encoder_export
    session = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
    assert session.get_inputs()[0].shape[0] == 'batch'
    joints = joints_like((4, 2, 64, 25, 3), seed=2)
    full = session.run(None, {'joints': joints.numpy()})[0]
    # each sample alone gives its row of the batch: no batch mixing
    rows = np.concatenate([
        session.run(None, {'joints': joints[i:i + 1].numpy()})[0]
        for i in range(4)
    ])
    np.testing.assert_allclose(full, rows, rtol=1e-5, atol=1e-6)


@pytest.fixture(scope='module')
def recognizer():
    torch.manual_seed(0)
    model = init_model(RECOGNIZER_CFG, cfg_options=SMALL)
    # peaked scores, so a wrong graph cannot pass as near-uniform softmax
    torch.nn.init.normal_(model.cls_head.fc.weight, std=1.)
    return model


def test_recognizer_scores_equal_test_step(recognizer, tmp_path):
    assert default_part(recognizer) == 'recognizer'
    out = str(tmp_path / 'recognizer.onnx')
    # two samples of two clips each: the test path averages clip softmaxes
    info = export_onnx(
        recognizer, out, input_shape=(2, 2, 2, 64, 25, 3), opset=17)
    assert info['part'] == 'recognizer' and info['output_shape'] == [2, 10]
    assert info['modality'] == ['joint', 'bone', 'motion']
    assert info['input'].endswith('derives joint+bone+motion')
    assert info['input_shape'] == [2, 2, 2, 64, 25, 3]  # 3 joint channels

    joints = joints_like((2, 2, 2, 64, 25, 3), seed=3)
    with torch.no_grad():
        samples = recognizer.test_step(
            dict(
                inputs=list(joints),
                data_samples=[ActionDataSample() for _ in range(2)]))
    expected = np.stack([pred_score_of(s).numpy() for s in samples])
    got = run_onnx(out, joints)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got.sum(1), 1., atol=1e-5)  # probabilities
    assert got.max() > 0.3  # peaked, not uniform

    result = verify_onnx(recognizer, out, 'recognizer', info['input_shape'])
    assert result['passed'] and result['max_abs_diff'] < 1e-5


def test_verification_fails_for_other_weights(recognizer, tmp_path):
    out = str(tmp_path / 'recognizer.onnx')
    info = export_onnx(recognizer, out, dynamic_batch=True)
    assert info['input_shape'] == [1, 2, 64, 25, 3]
    ok = verify_onnx(recognizer, out, 'recognizer', info['input_shape'],
                     [1, 3])
    assert ok['passed'] and ok['verified_batch_sizes'] == [1, 3]
    shift = torch.linspace(0., 3., 10)  # changes the softmax
    with torch.no_grad():
        recognizer.cls_head.fc.bias += shift  # the file keeps the old bias
    try:
        bad = verify_onnx(recognizer, out, 'recognizer', info['input_shape'])
    finally:
        with torch.no_grad():
            recognizer.cls_head.fc.bias -= shift
    assert not bad['passed'] and bad['max_abs_diff'] > 1e-2


def test_dynamo_exporter_unfuses_attention(tmp_path):
    torch.manual_seed(0)
    model = init_model(
        ENCODER_CFG,
        cfg_options={
            k: v
            for k, v in SMALL.items() if 'cls_head' not in k
        })
    layers = [layer for layer in model.backbone.temporal_layers]
    with unfused_attention(model):
        assert not any(layer.fuse_attention for layer in layers)
    assert all(layer.fuse_attention for layer in layers)  # restored

    out = str(tmp_path / 'dynamo.onnx')
    info = export_onnx(model, out, dynamic_batch=True, exporter='dynamo')
    assert info['output_shape'] == ['batch', 32]
    result = verify_onnx(model, out, 'encoder', info['input_shape'], [1, 2])
    assert result['passed'], result
    assert all(layer.fuse_attention for layer in layers)


def test_clear_errors(encoder_export, tmp_path, capsys, monkeypatch):
    out = str(tmp_path / 'x.onnx')
    with pytest.raises(SystemExit) as e:  # argparse: exit status 2
        export_main([ENCODER_CFG, '--out', out, '--part', 'head'])
    assert e.value.code == 2 and 'invalid choice' in capsys.readouterr().err
    with pytest.raises(SystemExit, match='missing.pth not found'):
        export_main([ENCODER_CFG, str(tmp_path / 'missing.pth'), '--out', out])
    _, ckpt, _ = encoder_export
    with pytest.raises(SystemExit, match='MGFD has no cls_head'):
        export_main([ENCODER_CFG, ckpt, '--out', out, '--part', 'recognizer'])
    with pytest.raises(SystemExit, match=r'\(M, T, V, C\) = \(2, 64, 25, 3\)'):
        export_main(
            [ENCODER_CFG, ckpt, '--out', out, '--input-shape', '1', '2', '32'])
    monkeypatch.setitem(sys.modules, 'onnxruntime', None)  # not installed
    with pytest.raises(SystemExit, match='pip install onnx onnxruntime'):
        export_main([ENCODER_CFG, ckpt, '--out', out, '--verify'])


def test_failed_verification_exits_non_zero(encoder_export, tmp_path, capsys,
                                            monkeypatch):
    _, ckpt, _ = encoder_export

    def disagree(*args, **kwargs):
        return dict(
            max_abs_diff=0.5,
            verified_batch_sizes=[1],
            rtol=1e-4,
            atol=1e-5,
            passed=False)

    monkeypatch.setattr(export_api, 'verify_onnx', disagree)
    with pytest.raises(SystemExit, match='differ by up to 0.5'):
        export_main(
            [ENCODER_CFG, ckpt, '--out',
             str(tmp_path / 'x.onnx'), '--verify'])
    info = json_line(capsys.readouterr().out)  # the JSON line still comes
    assert info['passed'] is False and info['max_abs_diff'] == 0.5
