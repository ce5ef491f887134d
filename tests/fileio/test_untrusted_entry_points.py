"""A pickle that runs code, handed to every entry point that reads pickles:
each refuses it with the file's name and the opt-out, and the code never
runs."""
import importlib.util
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.apis import (detect_format, inference_recognizer, init_model,
                           load_skeletons)
from usdrl_mm.datasets import CheckedPoseDataset, UntrimmedPoseDataset
from usdrl_mm.datasets.converters import load_npy_labels, read_mmpose_file
from usdrl_mm.fileio import UntrustedPickleError

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
REC_CFG = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
PRETRAIN_CFG = osp.join(
    REPO, 'configs/usdrl/'
    'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py')
TINY = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.backbone.init_cfg': None,
    'model.cls_head.in_channels': 32,
}


class Payload:

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').write('ran')", )


@pytest.fixture
def evil(tmp_path):
    """``evil(name, wrap)``: a pickle whose loading would write a marker
    file, hidden where the reader expects data; returns (path, marker)."""
    marker = tmp_path / 'ran'

    def write(name: str = 'evil.pkl', wrap=None):
        payload = Payload(str(marker))
        obj = wrap(payload) if wrap else dict(
            split=dict(xsub_train=['a']),
            annotations=[
                dict(
                    frame_dir='a',
                    label=0,
                    total_frames=4,
                    keypoint=payload,
                    segments=np.zeros((0, 3)))
            ])
        path = tmp_path / name
        path.write_bytes(pickle.dumps(obj, protocol=4))
        return str(path), marker

    return write


def refused(err, path) -> None:
    message = str(err.value)
    assert path in message and 'builtins.exec' in message
    assert '--trust-pickle' in message


def load_tool(relative: str):
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(relative))[0], osp.join(REPO, relative))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('dataset', ['checked', 'untrimmed'])
def test_datasets_refuse_the_annotation_file(evil, dataset):
    path, marker = evil()
    with pytest.raises(UntrustedPickleError) as err:
        if dataset == 'checked':
            CheckedPoseDataset(path, pipeline=[], split='xsub_train')
        else:
            UntrimmedPoseDataset(path, pipeline=[], split='xsub_train')
    refused(err, path)
    assert not marker.exists()


def test_trust_pickle_opts_out_in_the_dataset(evil):
    path, marker = evil()
    with pytest.raises(Exception):  # the payload is no keypoint array
        CheckedPoseDataset(
            path, pipeline=[], split='xsub_train', trust_pickle=True)
    assert marker.exists()


def test_load_skeletons_and_inference_refuse_it(evil):
    path, marker = evil()
    for read in (detect_format, load_skeletons):
        with pytest.raises(UntrustedPickleError) as err:
            read(path)
        refused(err, path)
    model = init_model(REC_CFG, cfg_options=TINY)
    with pytest.raises(UntrustedPickleError):
        inference_recognizer(model, path)
    # an object .npy (NTU reader dicts are such files) goes the same way
    npy = osp.join(osp.dirname(path), 'evil.npy')
    np.save(npy, np.array(Payload(str(marker)), dtype=object))
    with pytest.raises(UntrustedPickleError):
        load_skeletons(npy)
    assert not marker.exists()


def test_converters_refuse_pose_results_and_label_lists(evil):
    path, marker = evil('results.pkl', wrap=lambda p: [dict(instances=[p])])
    with pytest.raises(UntrustedPickleError) as err:
        read_mmpose_file(path)
    refused(err, path)
    labels, _ = evil('train_label.pkl', wrap=lambda p: (['a'], [p]))
    with pytest.raises(UntrustedPickleError):
        load_npy_labels(labels)
    assert not marker.exists()


def test_data_tools_refuse_it(evil, tmp_path, capsys):
    path, marker = evil()
    check = load_tool('tools/data/check_annotations.py')
    assert check.main([path]) == 1
    assert 'builtins.exec' in capsys.readouterr().err
    select = load_tool('tools/data/select_joints.py')
    assert select.main([
        path,
        str(tmp_path / 'out.pkl'), '--from-layout', 'nturgb+d', '--to-layout',
        'coco'
    ]) == 1
    assert 'builtins.exec' in capsys.readouterr().err

    results, _ = evil('clip.pkl', wrap=lambda p: [dict(instances=[p])])
    pose2d = load_tool('tools/data/convert_pose2d.py')
    assert pose2d.main([
        '--format', 'mmpose', '--input', results, '--out',
        str(tmp_path / 'pose.pkl'), '--img-shape', '1080', '1920'
    ]) == 1
    assert 'builtins.exec' in capsys.readouterr().err

    data = tmp_path / 'train_data.npy'
    np.save(data, np.zeros((1, 3, 4, 25, 2), np.float32))
    labels, _ = evil('train_label.pkl', wrap=lambda p: (['a'], [p]))
    npy = load_tool('tools/data/convert_skeleton_npy.py')
    assert npy.main([
        '--split', 'xsub_train',
        str(data), labels, '--out',
        str(tmp_path / 'npy.pkl')
    ]) == 1
    assert 'builtins.exec' in capsys.readouterr().err
    assert not marker.exists()


def test_analysis_tools_refuse_it(evil, tmp_path):
    path, marker = evil()
    with pytest.raises(UntrustedPickleError):
        load_tool('tools/analysis_tools/animate_skeleton.py').load_sample(
            path, 0)
    npy = tmp_path / 'evil.npy'
    np.save(npy, np.array([Payload(str(marker))], dtype=object))
    with pytest.raises(UntrustedPickleError):
        load_tool('tools/analysis_tools/animate_skeleton.py').load_sample(
            str(npy), 0)
    with pytest.raises(UntrustedPickleError):
        load_tool('tools/analysis_tools/tsne_features.py').load_samples(
            path, None, 10, 0)
    dump, _ = evil('dump.pkl', wrap=lambda p: [dict(pred_score=p)])
    with pytest.raises(UntrustedPickleError):
        load_tool('tools/analysis_tools/fuse_scores.py').load_scores(dump)
    assert not marker.exists()


def run(args, tool_env):
    proc = subprocess.run([sys.executable, *args],
                          cwd=REPO,
                          env=tool_env,
                          capture_output=True,
                          text=True,
                          timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def test_command_line_entry_points_refuse_it(evil, tmp_path, tool_env,
                                             run_tool):
    path, marker = evil()
    code, out = run([
        'tools/data/make_label_subset.py', path, '--split', 'xsub_train',
        '--ratio', '0.5', '--out',
        str(tmp_path / 'subset.json')
    ], tool_env)
    assert code != 0 and 'builtins.exec' in out

    ckpt = str(tmp_path / 'rec.pth')
    run_tool([
        'tools/misc/init_checkpoint.py', REC_CFG, ckpt, '--cfg-options',
        *[f'{k}={v}' for k, v in TINY.items()]
    ])
    code, out = run([
        'tools/demo/skeleton_demo.py', path, REC_CFG, ckpt, '--cfg-options',
        *[f'{k}={v}' for k, v in TINY.items()]
    ], tool_env)
    assert code == 1 and 'builtins.exec' in out and 'Traceback' not in out

    code, out = run([
        'tools/train.py', PRETRAIN_CFG, '--work-dir',
        str(tmp_path / 'work'), '--cfg-options',
        f'train_dataloader.dataset.ann_file={path}',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False'
    ], tool_env)
    assert code != 0 and 'builtins.exec' in out
    assert 'Epoch(train)' not in out
    assert not marker.exists()
