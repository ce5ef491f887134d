"""tools/data/select_joints.py and the joint matching it runs."""
import importlib.util
import os
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets.converters.select_joints import (joint_index,
                                                        select_joints)
from usdrl_mm.structures import get_layout

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO, 'tools', 'data', 'select_joints.py')


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('select_joints_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_file(path, v=18, scores=True):
    """Three 2D samples of ``v`` joints whose values encode (sample,
    person, frame, joint), with scores, labels and splits."""
    annos = []
    for i, (m, t) in enumerate([(2, 5), (1, 7), (2, 3)]):
        grid = np.indices((m, t, v)).astype(np.float32)  # (3, M, T, V)
        kp = np.stack([1000 * i + 100 * grid[0] + grid[1], grid[2]], -1)
        anno = dict(
            frame_dir=f's{i}',
            label=i,
            total_frames=t,
            img_shape=(480, 640),
            keypoint=kp)  # (M, T, V, 2); joint v has y == v
        if scores:
            anno['keypoint_score'] = (grid[2] / 100).astype(np.float32)
        annos.append(anno)
    data = dict(split=dict(train=['s0', 's1'], val=['s2']), annotations=annos)
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return data


def load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def test_joints_are_taken_by_name_in_the_target_order(tool, tmp_path, capsys):
    src, out = tmp_path / 'openpose.pkl', tmp_path / 'coco.pkl'
    data = write_file(src)
    argv = [str(src), str(out), '--from-layout', 'openpose']
    assert tool.main(argv + ['--to-layout', 'coco']) == 0
    assert '3 samples, 18' in capsys.readouterr().out
    result = load(out)
    openpose, coco = get_layout('openpose'), get_layout('coco')
    assert result['split'] == data['split']
    assert load(src)['annotations'][0]['keypoint'].shape[2] == 18
    for before, after in zip(data['annotations'], result['annotations']):
        m, t = before['keypoint'].shape[:2]
        assert after['keypoint'].shape == (m, t, 17, 2)
        assert after['keypoint_score'].shape == (m, t, 17)
        for v, name in enumerate(coco.joint_names):
            u = openpose.joint_names.index(name)
            assert np.array_equal(after['keypoint'][:, :, v],
                                  before['keypoint'][:, :, u])
            assert np.array_equal(after['keypoint_score'][:, :, v],
                                  before['keypoint_score'][:, :, u])
        for key in ('frame_dir', 'label', 'total_frames', 'img_shape'):
            assert after[key] == before[key]
    # a real reordering: OpenPose's right shoulder (2) is COCO's joint 6
    assert np.all(result['annotations'][0]['keypoint'][..., 6, 1] == 2)


def test_joint_index_and_files_without_scores():
    index = joint_index('nturgb+d', 'nturgb+d')
    assert np.array_equal(index, np.arange(25))
    data = write_file(os.devnull, v=25, scores=False)
    out = select_joints(data['annotations'], 'nturgb+d', 'nturgb+d')
    assert isinstance(out, list) and 'keypoint_score' not in out[0]
    assert out[0]['keypoint'] is not data['annotations'][0]['keypoint']


def test_missing_names_are_listed(tool, tmp_path, capsys):
    with pytest.raises(ValueError) as err:
        joint_index('nturgb+d', 'coco')
    message = str(err.value)
    # NTU has shoulders to ankles but no face points
    for name in ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear'):
        assert name in message.split('(joints of')[0]
    assert "5 joint(s) of layout 'coco' missing from layout 'nturgb+d'" \
        in message
    src, out = tmp_path / 'ntu.pkl', tmp_path / 'out.pkl'
    write_file(src, v=25)
    assert tool.main([str(src), str(out), '--to-layout', 'coco']) == 1
    assert 'nose, left_eye' in capsys.readouterr().err
    assert tool.main([str(src), str(out), '--to-layout', 'kinect-99']) == 1
    assert "unknown skeleton layout 'kinect-99'" in capsys.readouterr().err
    argv = [str(src), str(out), '--to-layout', 'coco', '--import', 'no_such']
    assert tool.main(argv) == 1
    assert "--import no_such: No module named 'no_such'" in \
        capsys.readouterr().err
    assert not out.exists()


def test_a_sample_of_another_layout_is_named(tool, tmp_path, capsys):
    src, out = tmp_path / 'openpose.pkl', tmp_path / 'out.pkl'
    write_file(src, v=18)  # but read as NTU-25
    argv = [str(src), str(out), '--to-layout', 'ntu-upper-13']
    assert tool.main(argv + ['--import', 'projects.upper_body_layout']) == 1
    err = capsys.readouterr().err
    assert "sample 's0'" in err and 'expected 25 joints' in err
    assert not out.exists()


def test_no_overwrite_without_force(tool, tmp_path, capsys):
    src, out = tmp_path / 'openpose.pkl', tmp_path / 'coco.pkl'
    write_file(src)
    out.write_bytes(b'keep me')
    argv = [str(src), str(out), '--from-layout', 'openpose']
    argv += ['--to-layout', 'coco']
    assert tool.main(argv) == 1
    assert 'exists; pass --force' in capsys.readouterr().err
    assert out.read_bytes() == b'keep me'
    assert tool.main(argv + ['--force']) == 0
    assert load(out)['annotations'][0]['keypoint'].shape[2] == 17


def test_import_makes_a_custom_layout_known(tool, tmp_path, tool_env, capsys):
    """A layout registered by a module of the user's own: unknown without
    --import (in this process), known with it (from the command line, so
    this process's registry stays clean)."""
    (tmp_path / 'my_arms.py').write_text(
        'from usdrl_mm.structures import SkeletonLayout, register_layout\n'
        "register_layout(SkeletonLayout('test-arms', ('right_wrist', "
        "'right_elbow', 'neck'), parents=(1, 2, 2), center=2))\n")
    src, out = tmp_path / 'openpose.pkl', tmp_path / 'arms.pkl'
    data = write_file(src)
    argv = [str(src), str(out), '--from-layout', 'openpose']
    argv += ['--to-layout', 'test-arms']
    assert tool.main(argv) == 1
    assert 'needs --import' in capsys.readouterr().err
    env = dict(tool_env)
    env['PYTHONPATH'] = str(tmp_path) + os.pathsep + env['PYTHONPATH']
    proc = subprocess.run([sys.executable, TOOL, *argv, '--import', 'my_arms'],
                          cwd=REPO,
                          env=env,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert "3 'test-arms' joints (right_wrist, right_elbow, neck)" in \
        proc.stdout
    kp = load(out)['annotations'][1]['keypoint']  # (1, 7, 3, 2)
    # y is the OpenPose index: right wrist 4, right elbow 3, neck 1
    source = data['annotations'][1]['keypoint']
    assert kp.shape == (1, 7, 3, 2)
    assert np.array_equal(kp, source[:, :, [4, 3, 1]])
