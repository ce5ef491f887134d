"""Skeleton files into the inference API: format detection, the
pose-estimator readers, and the check against the model."""
import json
import logging
import os.path as osp
import pickle
import re
from functools import partial

import mmengine
import numpy as np
import pytest
import torch

from usdrl_mm.apis import (ModelInput, SkeletonFile, check_skeleton,
                           detect_format, extract_features,
                           inference_action_segmentor, inference_recognizer,
                           init_model, load_skeletons, skeleton_input)
from usdrl_mm.apis.skeleton_input import MIN_FRAMES, as_annotations
from usdrl_mm.datasets.converters import convert_pose_videos, read_mmpose_file

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BENCH = osp.join(REPO, 'configs/usdrl/benchmarks')
REC_3D = osp.join(
    BENCH, 'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
REC_2D = osp.join(BENCH,
                  'dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-2d.py')
DENSE = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py')
TINY = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.backbone.init_cfg': None,
    'model.cls_head.in_channels': 32,
}
NTU = ModelInput(num_joints=25, in_channels=3, layout='nturgb+d', dims=3)
COCO = ModelInput(num_joints=17, in_channels=3, layout='coco', dims=2)


def people(t, num_joints=17):
    """(2, V, 2) pixel keypoints and (2, V) scores of frame t: person 0
    scores higher and stands left."""
    rng = np.random.default_rng(t)
    kp = rng.uniform(0, 50,
                     (2, num_joints, 2)) + np.array([[100.], [600.]])[:, None]
    score = np.stack([np.full(num_joints, 0.9), np.full(num_joints, 0.5)])
    return kp.round(2), score


def write_mmpose(path, num_frames=12, inferencer=False):
    """MMAction2-demo lists of instances, or MMPose inferencer frames;
    nobody in frame 3."""
    frames = []
    for t in range(num_frames):
        kp, score = people(t)
        inst = [] if t == 3 else [
            dict(keypoints=k.tolist(), keypoint_scores=s.tolist(), bbox=[])
            for k, s in zip(kp, score)
        ]
        frames.append(dict(frame_id=t, instances=inst) if inferencer else inst)
    path.write_text(json.dumps(frames))
    return path


#: A standing person facing the camera (pixels, y down), every OpenPose
#: joint by name; the neck and the mid hip are the midpoints of the
#: shoulders and hips (BODY_25, COCO-18), the upper neck (BODY_25B) is
#: above them.
STANDING = {
    'head_top': (0, -60), 'nose': (0, -38), 'left_eye': (6, -44),
    'right_eye': (-6, -44), 'left_ear': (14, -40), 'right_ear': (-14, -40),
    'upper_neck': (0, -18), 'neck': (0, 0), 'left_shoulder': (38, 0),
    'right_shoulder': (-38, 0), 'left_elbow': (44, 56),
    'right_elbow': (-44, 56), 'left_wrist': (46, 104),
    'right_wrist': (-46, 104), 'mid_hip': (0, 110), 'left_hip': (20, 110),
    'right_hip': (-20, 110), 'left_knee': (22, 196), 'right_knee': (-22, 196),
    'left_ankle': (22, 280), 'right_ankle': (-22, 280), 'left_heel': (20, 288),
    'right_heel': (-20, 288), 'left_big_toe': (16, 300),
    'right_big_toe': (-16, 300), 'left_small_toe': (32, 298),
    'right_small_toe': (-32, 298)
}  # yapf: disable
OPENPOSE_MODEL = {18: 'openpose', 25: 'openpose-body25'}


def standing(t, layout, detected=None):
    """(V, 2) keypoints of frame t, in ``layout``'s joint order, with 2 px
    of noise, and (V, ) scores of 0.9 (0 and (0, 0) for the joints left out
    of ``detected``, when given)."""
    from usdrl_mm.structures import get_layout
    names = get_layout(layout).joint_names
    rng = np.random.default_rng(t)
    kp = np.array([STANDING[n] for n in names], float) + [300, 400]
    kp = (kp + rng.normal(0, 2, kp.shape)).round(2)
    score = np.full(len(names), 0.9)
    if detected is not None:
        out = [n not in detected for n in names]
        kp[out], score[out] = 0, 0
    return kp, score


def write_openpose(folder,
                   video,
                   num_frames=10,
                   num_joints=25,
                   skip=(),
                   layout=None,
                   detected=None):
    """One person per frame, the standing person in ``layout``'s order
    (default: BODY_25 for 25 keypoints, COCO-18 for 18)."""
    folder.mkdir(exist_ok=True)
    for t in range(num_frames):
        if t in skip:
            continue
        kp, score = standing(t, layout or OPENPOSE_MODEL[num_joints], detected)
        # (V, 2) + (V, ) -> (V * 3, ) x, y, c per keypoint
        flat = np.concatenate([kp, score[:, None]], 1).reshape(-1)
        (folder / f'{video}_{t:012d}_keypoints.json').write_text(
            json.dumps(
                dict(
                    version=1.3,
                    people=[dict(pose_keypoints_2d=flat.tolist())])))
    return folder


def write_mediapipe(path, num_frames=8):
    rng = np.random.default_rng(0)
    xy = rng.uniform(0.2, 0.8, (num_frames, 33, 2)).round(4)
    frames = [
        dict(
            frame=t,
            pose_landmarks=[[
                dict(x=float(x), y=float(y), z=0.0, visibility=0.8)
                for x, y in xy[t]
            ]]) for t in range(num_frames)
    ]
    path.write_text(json.dumps(dict(fps=30, frames=frames)))
    return xy


@pytest.fixture(scope='module')
def recognizer():
    torch.manual_seed(0)
    return init_model(REC_3D, cfg_options=TINY)


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    clip = rng.normal(size=(1, 40, 25, 3)).astype(np.float32)
    np.save(tmp_path / 'clip4d.npy', clip)
    np.save(tmp_path / 'clip3d.npy', clip[0])
    mmengine.dump(
        dict(
            split=dict(val=['a', 'b']),
            annotations=[
                dict(frame_dir='a', keypoint=clip, total_frames=40, label=1),
                dict(
                    frame_dir='b',
                    keypoint=clip[:, :30] * 2,
                    total_frames=30,
                    label=0)
            ]), str(tmp_path / 'ann.pkl'))
    write_mmpose(tmp_path / 'demo.json')
    write_mmpose(tmp_path / 'inferencer.json', inferencer=True)
    write_openpose(tmp_path / 'op', 'jump')
    write_mediapipe(tmp_path / 'mp.json')
    with open(tmp_path / 'results.pkl', 'wb') as f:  # pose_inference output
        pickle.dump([
            dict(keypoints=people(t)[0], keypoint_scores=people(t)[1])
            for t in range(5)
        ], f)
    return tmp_path, clip


@pytest.mark.parametrize('name, fmt', [('clip4d.npy', 'npy'),
                                       ('ann.pkl', 'pkl'),
                                       ('demo.json', 'mmpose'),
                                       ('inferencer.json', 'mmpose'),
                                       ('results.pkl', 'mmpose'),
                                       ('op', 'openpose'),
                                       ('mp.json', 'mediapipe')])
def test_detect_format(files, name, fmt):
    root, _ = files
    assert detect_format(root / name) == fmt
    assert load_skeletons(root / name).format == fmt


def test_arrays_and_annotation_pickles(files):
    root, clip = files
    for name in ('clip4d.npy', 'clip3d.npy'):
        loaded = load_skeletons(root / name)
        assert loaded.layout is None and len(loaded.annotations) == 1
        anno = loaded.annotations[0]
        assert anno['keypoint'].shape == (1, 40, 25, 3)  # (T, V, C) gets M
        assert anno['keypoint'].dtype == np.float32
        np.testing.assert_array_equal(anno['keypoint'], clip)
        assert anno['frame_dir'] == name[:-4]
    both = load_skeletons(root / 'ann.pkl')
    assert [a['frame_dir'] for a in both.annotations] == ['a', 'b']
    by_name = load_skeletons(root / 'ann.pkl', index='b').annotations
    by_position = load_skeletons(root / 'ann.pkl', index=-1).annotations
    assert len(by_name) == 1 and by_name[0]['label'] == 0
    np.testing.assert_array_equal(by_name[0]['keypoint'],
                                  by_position[0]['keypoint'])
    assert load_skeletons(
        root / 'clip4d.npy', layout='nturgb+d').layout == 'nturgb+d'


def test_mmpose_matches_the_dataset_converter(files):
    root, _ = files
    # both MMPose JSON forms give the tracked people convert_pose2d writes
    converted, _ = convert_pose_videos(
        [('demo', partial(read_mmpose_file, str(root / 'demo.json')))],
        img_shape=(720, 1280))
    expected = converted['annotations'][0]
    for name in ('demo.json', 'inferencer.json'):
        loaded = load_skeletons(root / name, img_shape=(720, 1280))
        assert loaded.layout == 'coco'
        anno = loaded.annotations[0]
        assert anno['keypoint'].shape == (2, 12, 17, 2)
        np.testing.assert_allclose(anno['keypoint'], expected['keypoint'])
        np.testing.assert_allclose(anno['keypoint_score'],
                                   expected['keypoint_score'])
        assert anno['img_shape'] == (720, 1280)
    # person 0 is the confident one; nobody in frame 3
    anno = load_skeletons(root / 'demo.json', max_persons=1).annotations[0]
    assert anno['keypoint'].shape == (1, 12, 17, 2)
    np.testing.assert_allclose(anno['keypoint'][0, 0], people(0)[0][0])
    assert not anno['keypoint_score'][0, 3].any()
    np.testing.assert_allclose(anno['keypoint_score'][0, 4], 0.9)


def test_pixels_without_frame_size_warn(files, monkeypatch):
    root, _ = files
    logged = []
    monkeypatch.setattr(skeleton_input, 'print_log',
                        lambda msg, **kw: logged.append((msg, kw['level'])))
    anno = load_skeletons(root / 'demo.json').annotations[0]
    assert anno['img_shape'] == (1080, 1920)
    assert len(logged) == 1 and logged[0][1] == logging.WARNING
    assert 'demo.json: frame size unknown' in logged[0][0]
    load_skeletons(root / 'demo.json', img_shape=(720, 1280))
    # MediaPipe coordinates are normalised: any frame size will do
    mp = load_skeletons(root / 'mp.json').annotations[0]
    assert mp['img_shape'] == (1080, 1920) and len(logged) == 1


def test_openpose_folder(files, tmp_path):
    root, _ = files
    loaded = load_skeletons(root / 'op')
    assert loaded.format == 'openpose' and loaded.layout == 'openpose-body25'
    anno = loaded.annotations[0]
    assert anno['frame_dir'] == 'jump'
    assert anno['keypoint'].shape == (1, 10, 25, 2)
    kp, score = standing(7, 'openpose-body25')
    np.testing.assert_allclose(anno['keypoint'][0, 7], kp, atol=1e-4)
    np.testing.assert_allclose(anno['keypoint_score'][0, 7], score)

    two = write_openpose(tmp_path / 'two', 'run', 6, num_joints=18, skip=(2, ))
    write_openpose(two, 'sit', 4, num_joints=18)
    both = load_skeletons(two)
    assert both.layout == 'openpose'
    assert [a['frame_dir'] for a in both.annotations] == ['run', 'sit']
    run = load_skeletons(two, index='run').annotations[0]
    assert run['keypoint'].shape == (1, 6, 18, 2)
    assert not run['keypoint_score'][0, 2].any()  # the missing frame
    assert load_skeletons(two, index=1).annotations[0]['frame_dir'] == 'sit'
    with pytest.raises(ValueError, match='one JSON file per frame'):
        load_skeletons(two / 'run_000000000000_keypoints.json')
    with pytest.raises(ValueError, match="no sample named 'walk'"):
        load_skeletons(two, index='walk')


def test_mediapipe_is_scaled_to_the_frame(files):
    root, _ = files
    xy = write_mediapipe(root / 'mp.json')
    loaded = load_skeletons(root / 'mp.json', img_shape=(720, 1280))
    assert loaded.layout == 'mediapipe-33'
    anno = loaded.annotations[0]
    assert anno['keypoint'].shape == (1, 8, 33, 2)
    np.testing.assert_allclose(
        anno['keypoint'][0], xy * [1280, 720], rtol=1e-5)
    np.testing.assert_allclose(anno['keypoint_score'], 0.8)


@pytest.mark.parametrize('content, match', [
    ('', 'the file is empty'),
    ('[[{"keypoints": [[1, 2]],\n "keypoint_scores": ]]', r':2: invalid JSON'),
    ('[[], [], []]', 'no person detected in any of its 3 frames'),
    ('{"version": 2}', 'cannot tell the format of this JSON'),
    ('[]', 'no frames'),
    ('[' * 100000 + ']' * 100000, 'JSON nested too deeply'),
])
def test_unusable_json(tmp_path, content, match):
    path = tmp_path / 'clip.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=match) as info:
        load_skeletons(path)
    assert str(path) in str(info.value)


def test_unusable_files(files, tmp_path):
    root, _ = files
    with pytest.raises(FileNotFoundError, match='missing.npy'):
        load_skeletons(root / 'missing.npy')
    (tmp_path / 'clip.csv').write_text('1,2,3')
    with pytest.raises(ValueError, match="extension '.csv'"):
        load_skeletons(tmp_path / 'clip.csv')
    (tmp_path / 'broken.npy').write_bytes(b'not numpy')
    with pytest.raises(ValueError, match='broken.npy: not a readable .npy'):
        load_skeletons(tmp_path / 'broken.npy')
    np.save(tmp_path / 'five.npy', np.zeros((2, 3, 10, 25, 2), np.float32))
    with pytest.raises(ValueError, match='convert_skeleton_npy.py'):
        load_skeletons(tmp_path / 'five.npy')
    np.save(tmp_path / 'none.npy', np.zeros((0, 25, 3), np.float32))
    with pytest.raises(ValueError, match='none.npy is empty'):
        load_skeletons(tmp_path / 'none.npy')
    mmengine.dump(dict(annotations=[]), str(tmp_path / 'none.pkl'))
    with pytest.raises(ValueError, match='none.pkl: no samples'):
        load_skeletons(tmp_path / 'none.pkl')
    (tmp_path / 'junk.pkl').write_bytes(b'\x80\x04junk')
    with pytest.raises(ValueError, match='junk.pkl: not a readable pickle'):
        load_skeletons(tmp_path / 'junk.pkl')
    with pytest.raises(ValueError, match=r'index 2 is out of range.*0 \.\. 1'):
        load_skeletons(root / 'ann.pkl', index=2)
    with pytest.raises(ValueError, match="layout 'coco' has 17 joints"):
        load_skeletons(root / 'clip4d.npy', layout='coco')
    with pytest.raises(ValueError, match='17 keypoints, expected 33'):
        load_skeletons(root / 'demo.json', layout='mediapipe-33')
    with pytest.raises(ValueError, match="unknown skeleton layout 'kinect'"):
        load_skeletons(root / 'clip4d.npy', layout='kinect')
    with pytest.raises(ValueError, match="unknown skeleton format 'c3d'"):
        load_skeletons(root / 'clip4d.npy', format='c3d')
    with pytest.raises(ValueError, match="format='mmpose'"):
        load_skeletons(root / 'results.pkl', format='pkl')


def test_check_skeleton_messages():
    rng = np.random.default_rng(0)
    ntu = dict(keypoint=rng.normal(size=(1, 20, 25, 3)))
    check_skeleton(ntu, NTU, 'x', 'nturgb+d')  # passes
    coco_2d = dict(
        keypoint=rng.normal(size=(1, 20, 17, 2)),
        keypoint_score=np.ones((1, 20, 17)))
    check_skeleton(coco_2d, COCO, 'x', 'uav-human')  # same topology
    with pytest.raises(ValueError) as info:
        check_skeleton(coco_2d, NTU, 'clip.json', 'coco')
    message = str(info.value)
    assert message.startswith('clip.json: the model was trained on '
                              "'nturgb+d' 25-joint 3D poses (3 channels)")
    assert "this input has 'coco' 17-joint 2D poses with score" in message
    assert "use a config for the 'coco' layout" in message
    assert 'model.backbone.num_joints=17' in message
    body25 = dict(
        keypoint=rng.normal(size=(1, 20, 25, 2)),
        keypoint_score=np.ones((1, 20, 25)))
    with pytest.raises(ValueError, match="'openpose-body25' layout"):
        check_skeleton(body25, NTU, 'op', 'openpose-body25')
    # layout unknown: the joint count, the channels and 2D versus 3D
    with pytest.raises(ValueError, match="17 joints.*'coco' or 'uav-human'"):
        check_skeleton(dict(keypoint=np.ones((1, 20, 17, 3))), NTU, 'x')
    with pytest.raises(ValueError, match='2 channels.*keypoint_score'):
        check_skeleton(dict(keypoint=np.ones((1, 20, 17, 2))), COCO, 'x')
    with pytest.raises(ValueError, match='this input has 2D keypoints'):
        check_skeleton(dict(body25), NTU, 'x')
    few = np.zeros((1, 50, 25, 3))
    few[0, 10:10 + MIN_FRAMES - 1] = 1
    with pytest.raises(
            ValueError,
            match=f'too few frames: {MIN_FRAMES - 1} '
            'of its 50 frames'):
        check_skeleton(dict(keypoint=few), NTU, 'x')
    few[0, 30] = 1
    check_skeleton(dict(keypoint=few), NTU, 'x')


def test_paths_into_the_inference_api(recognizer, files):
    root, clip = files
    np.testing.assert_allclose(
        extract_features(recognizer, str(root / 'clip3d.npy')),
        extract_features(recognizer, clip),
        rtol=1e-5,
        atol=1e-6)
    results = inference_recognizer(recognizer, root / 'ann.pkl')
    assert isinstance(results, list) and len(results) == 2
    with pytest.raises(ValueError) as info:
        inference_recognizer(recognizer, str(root / 'demo.json'))
    message = str(info.value)
    assert 'demo.json' in message
    assert "trained on 'nturgb+d' 25-joint 3D poses" in message
    assert "'coco' 17-joint 2D poses with score (3 channels)" in message
    # a layout given for an array is checked too
    named = load_skeletons(root / 'clip4d.npy', layout='openpose-body25')
    with pytest.raises(ValueError, match="'openpose-body25' layout"):
        extract_features(recognizer, named)


def test_pose_estimator_json_into_a_2d_model(files):
    root, _ = files
    torch.manual_seed(0)
    model = init_model(REC_2D, cfg_options=TINY)
    result = inference_recognizer(model, str(root / 'inferencer.json'))
    assert len(result) == 1 and result[0]['scores'].shape == (60, )
    assert np.isfinite(result[0]['scores']).all()
    with pytest.raises(ValueError, match="this input has 'openpose-body25'"):
        inference_recognizer(model, str(root / 'op'))
    # the frame size matters: pixels are normalised by it
    small = load_skeletons(
        root / 'demo.json', img_shape=(720, 1280), max_persons=2)
    assert not np.allclose(
        extract_features(model, small),
        extract_features(model, str(root / 'demo.json')))


def test_dense_inference_from_files(files):
    root, _ = files
    torch.manual_seed(0)
    dense = init_model(DENSE, cfg_options=TINY)
    seq = np.random.default_rng(1).normal(size=(1, 90, 25, 3))
    np.save(root / 'seq.npy', seq.astype(np.float32))
    from_file = inference_action_segmentor(dense, str(root / 'seq.npy'))
    from_array = inference_action_segmentor(dense, seq.astype(np.float32))
    np.testing.assert_allclose(from_file['scores'], from_array['scores'])
    with pytest.raises(ValueError, match=r'one untrimmed sequence.*index='):
        inference_action_segmentor(dense, str(root / 'ann.pkl'))
    one = load_skeletons(root / 'ann.pkl', index='a')
    assert isinstance(one, SkeletonFile)
    assert inference_action_segmentor(dense, one)['labels'].shape == (40, )


def ragged() -> np.ndarray:
    """Two persons of different lengths in an object array."""
    persons = np.empty(2, dtype=object)
    persons[0], persons[1] = np.zeros((20, 25, 3)), np.zeros((30, 25, 3))
    return persons


@pytest.mark.parametrize('keypoint, dtype, why', [
    (ragged(), 'object', 'arrays of different shapes'),
    (np.ones((1, 20, 25, 3), bool), 'bool', 'True / False values'),
])
def test_object_and_bool_keypoints_are_refused(tmp_path, keypoint, dtype, why):
    with pytest.raises(ValueError) as info:
        check_skeleton(dict(keypoint=keypoint), NTU, 'clips.pkl sample 3')
    message = str(info.value)
    assert message.startswith(f'clips.pkl sample 3: `keypoint` is a {dtype} '
                              f'array of shape {keypoint.shape}; expected a '
                              'real floating-point or integer array of '
                              'shape (M, T, V, C)')
    assert why in message
    # a list that numpy cannot stack names its position
    with pytest.raises(
            ValueError,
            match=r"skeleton '#1': `keypoint` is not a "
            'rectangular array'):
        as_annotations([np.zeros((1, 20, 25, 3)), [[[1, 2]], [[1]]]])
    np.save(tmp_path / 'flags.npy', np.ones((1, 20, 25, 3), bool))
    with pytest.raises(
            ValueError,
            match='flags.npy: a bool array; expected real '
            'floating-point or integer'):
        load_skeletons(tmp_path / 'flags.npy')


def test_huge_and_non_finite_values_are_refused(tmp_path):
    kp = np.random.default_rng(0).normal(size=(1, 20, 25, 3))
    big = kp.copy()
    big[0, 3, 4, 1] = -1e30  # finite in float32; NaN scores in the model
    with pytest.raises(ValueError) as info:
        check_skeleton(dict(keypoint=big), NTU, 'clip.npy')
    assert str(info.value).startswith(
        'clip.npy: `keypoint` holds -1e+30 at person 0, frame 3, joint 4, '
        'channel 1, its largest value; values beyond +-1e+06 are not '
        'plausible')
    # float64 beyond float32's range is refused by the reader, before the
    # cast to float32 turns it into inf
    big[0, 3, 4, 1] = 1e39
    np.save(tmp_path / 'huge.npy', big)
    with pytest.raises(
            ValueError,
            match=re.escape(f'{tmp_path / "huge.npy"}: `keypoint` '
                            'holds 1e+39 at person 0, frame 3')):
        load_skeletons(tmp_path / 'huge.npy')
    bad = kp.astype(np.float32)
    bad[0, 5, 2, 0], bad[0, 6, 2, 0] = np.inf, np.nan
    with pytest.raises(
            ValueError,
            match='clip.npy holds NaN or inf keypoint values: 2 of '
            '1500, the first inf at person 0, frame 5, joint 2, '
            'channel 0'):
        check_skeleton(dict(keypoint=bad), NTU, 'clip.npy')
    score = np.ones((1, 20, 17))
    score[0, 1, 2] = np.nan
    pixels = dict(
        keypoint=np.full((1, 20, 17, 2), 5000.), keypoint_score=score)
    with pytest.raises(
            ValueError,
            match='demo.json holds NaN or inf keypoint_score '
            'values: 1 of 340, the first nan at person 0, frame '
            '1, joint 2'):
        check_skeleton(pixels, COCO, 'demo.json')
    pixels['keypoint_score'] = np.ones((1, 20, 17))
    check_skeleton(pixels, COCO, 'demo.json')  # large pixel values pass


def test_people_beyond_max_persons_are_named(files, monkeypatch):
    root, _ = files
    logged = []
    monkeypatch.setattr(skeleton_input, 'print_log',
                        lambda msg, **kw: logged.append((msg, kw['level'])))
    anno = load_skeletons(
        root / 'demo.json', img_shape=(720, 1280),
        max_persons=1).annotations[0]
    assert anno['keypoint'].shape[0] == 1
    ((message, level), ) = logged
    assert level == logging.WARNING
    assert message.startswith(
        f'{root / "demo.json"}: up to 2 people in a frame (11 of its 12 '
        'frames have more than max_persons=1); kept the 1 with the highest '
        'mean keypoint score in each frame')
    assert 'pass a larger max_persons' in message
    logged.clear()
    load_skeletons(root / 'demo.json', img_shape=(720, 1280), max_persons=2)
    assert logged == []  # nobody dropped


@pytest.mark.parametrize('value', [0, 10**12, 2.5, True])
def test_max_persons_out_of_range(files, value):
    root, _ = files
    with pytest.raises(
            ValueError,
            match=r'max_persons must be (an integer )?from 1 to '
            rf'1000 \(people kept per video\), got {value!r}$'):
        load_skeletons(root / 'demo.json', max_persons=value)


def test_raw_ntu_skeleton_files_read_as_the_converter_does(tmp_path):
    from usdrl_mm.datasets.converters import convert_ntu_rgbd
    rng = np.random.default_rng(0)
    lines = ['12']
    for t in range(12):
        bodies = [('72057594037931101', 0.5), ('72057594037931102', 0.05)]
        lines.append(str(len(bodies)))
        for body_id, scale in bodies:
            lines += [f'{body_id} 0 1 1 1 1 0 0.1 -0.2 2', '25']
            joints = rng.normal(size=(25, 3)) * 0.1 + [0, 0, 3] + \
                scale * np.sin(t / 3)
            lines += [
                f'{x:.6f} {y:.6f} {z:.6f} 250 200 1000 500 0.1 0.2 0.3 0.4 2'
                for x, y, z in joints
            ]
    path = tmp_path / 'S001C001P001R001A001.skeleton'
    path.write_text('\n'.join(lines) + '\n')
    source = load_skeletons(str(path))
    assert source.format == 'ntu-skeleton' and source.layout == 'nturgb+d'
    converted, _ = convert_ntu_rgbd(str(tmp_path))
    np.testing.assert_array_equal(source.annotations[0]['keypoint'],
                                  converted['annotations'][0]['keypoint'])
    assert source.annotations[0]['frame_dir'] == 'S001C001P001R001A001'
    # the papers' rule, as the converter's --body-selection original
    original = load_skeletons(str(path), body_selection='original')
    by_order, _ = convert_ntu_rgbd(str(tmp_path), body_selection='original')
    np.testing.assert_array_equal(original.annotations[0]['keypoint'],
                                  by_order['annotations'][0]['keypoint'])
    assert original.annotations[0]['keypoint'].shape == (2, 12, 25, 3)
    with pytest.raises(ValueError, match='body_selection must be one of'):
        load_skeletons(str(path), body_selection='energy')


def test_an_annotation_without_keypoint_names_the_file(tmp_path):
    path = tmp_path / 'anns.pkl'
    with open(path, 'wb') as f:
        pickle.dump([dict(keypoint=np.zeros((1, 20, 25, 3))),
                     dict(label=1)], f)
    with pytest.raises(ValueError, match=f'{path}: annotation without'):
        load_skeletons(str(path))


def test_ntu_reader_dicts_in_npy_files(tmp_path):
    """NTU's own txt2npy reader saves a dict per file with skel_body{i}
    slots; the most energetic ones are kept, as by the original rule."""
    from usdrl_mm.datasets.converters import most_energetic_slots
    rng = np.random.default_rng(0)
    slots = np.zeros((4, 30, 25, 3))
    slots[0] = rng.normal(size=(30, 25, 3)) * 0.05 + 2  # nearly still
    slots[1] = rng.normal(size=(30, 25, 3)) * 0.5 + 2  # moves most
    content = dict(
        file_name='S001C001P001R001A001.skeleton', nbodys=[2] * 30, njoints=25)
    content.update({f'skel_body{i}': slots[i] for i in range(4)})
    path = tmp_path / 'S001C001P001R001A001.skeleton.npy'
    np.save(path, content, allow_pickle=True)
    source = load_skeletons(str(path))
    assert source.layout == 'nturgb+d'  # the reader's format fixes it
    anno = source.annotations[0]
    assert anno['frame_dir'] == 'S001C001P001R001A001'
    np.testing.assert_allclose(
        anno['keypoint'], most_energetic_slots(slots, 2), atol=1e-6)
    assert np.allclose(anno['keypoint'][0], slots[1])  # highest energy first
    one = load_skeletons(str(path), max_persons=1).annotations[0]
    assert one['keypoint'].shape == (1, 30, 25, 3)


def test_openpose_body25b_and_the_layout_argument(tmp_path):
    """25 keypoints: BODY_25B output is told from BODY_25 by its geometry,
    a folder whose geometry tells neither is refused with both names and
    the fix, and a layout given is taken as it is."""
    body25b = write_openpose(
        tmp_path / 'b', 'wave', 6, layout='openpose-body25b')
    loaded = load_skeletons(body25b, img_shape=(720, 1280))
    assert loaded.layout == 'openpose-body25b'
    kp, score = standing(3, 'openpose-body25b')
    np.testing.assert_allclose(
        loaded.annotations[0]['keypoint'][0, 3], kp, atol=1e-4)
    assert load_skeletons(body25b, img_shape=(720, 1280),
                          layout='openpose-body25').layout == \
        'openpose-body25'
    # only the nose and the shoulders: no test of either order measurable
    few = write_openpose(
        tmp_path / 'few',
        'clip',
        6,
        detected=('nose', 'left_shoulder', 'right_shoulder'))
    with pytest.raises(ValueError) as err:
        load_skeletons(few, img_shape=(720, 1280))
    message = str(err.value)
    assert message.startswith(f'{few}: 25 keypoints per person')
    assert "'openpose-body25' and 'openpose-body25b'" in message
    assert "layout='openpose-body25' for load_skeletons" in message
    named = load_skeletons(
        few, img_shape=(720, 1280), layout='openpose-body25b')
    assert named.layout == 'openpose-body25b'
    assert named.annotations[0]['keypoint'].shape == (1, 6, 25, 2)


def test_ntu_pose_extraction_pickles(tmp_path):
    """The per-video pickle of MMAction2's ntu_pose_extraction.py (keys and
    dtypes as the script writes them, dumped as it dumps them) reads as one
    2D sample through the data-only unpickler, and goes into a 2D model."""
    from fractions import Fraction
    rng = np.random.default_rng(0)
    kp = rng.uniform(100, 900, (2, 30, 17, 2)).astype(np.float32)
    score = rng.uniform(0.3, 1, (2, 30, 17)).astype(np.float32)
    anno = dict(
        keypoint=kp,
        keypoint_score=score,
        frame_dir='S001C001P001R001A023_rgb',
        img_shape=(1080, 1920),
        original_shape=(1080, 1920),
        total_frames=30,
        label=22)
    path = tmp_path / 'S001C001P001R001A023_rgb.pkl'
    mmengine.dump(anno, str(path))
    assert detect_format(path) == 'pkl'
    loaded = load_skeletons(path)
    assert loaded.format == 'pkl' and loaded.layout is None
    (sample, ) = loaded.annotations
    assert sorted(sample) == sorted(anno)
    np.testing.assert_array_equal(sample['keypoint'], kp)
    np.testing.assert_array_equal(sample['keypoint_score'], score)
    assert sample['frame_dir'] == 'S001C001P001R001A023_rgb'
    assert sample['label'] == 22 and sample['img_shape'] == (1080, 1920)
    check_skeleton(sample, COCO, str(path), 'coco')
    torch.manual_seed(0)
    model = init_model(REC_2D, cfg_options=TINY)
    result = inference_recognizer(model, str(path))
    assert len(result) == 1 and result[0]['scores'].shape == (60, )
    # anything but plain data is refused, naming the file
    mmengine.dump(dict(anno, label=Fraction(1, 3)), str(path))
    with pytest.raises(
            ValueError,
            match=f'{path}: refused to load the '
            'global fractions.Fraction'):
        load_skeletons(path)


def test_a_single_sample_without_a_name_is_named_after_the_file(tmp_path):
    """inference_skeleton's annotation dict has no frame_dir (and float16
    keypoints)."""
    path = tmp_path / 'my_clip.pkl'
    kp = np.ones((1, 5, 17, 2), np.float16)
    with open(path, 'wb') as f:
        pickle.dump(
            dict(
                frame_dict='',
                label=-1,
                img_shape=(480, 640),
                origin_shape=(480, 640),
                start_index=0,
                modality='Pose',
                total_frames=5,
                keypoint=kp,
                keypoint_score=np.ones((1, 5, 17), np.float16)), f)
    (sample, ) = load_skeletons(path).annotations
    assert sample['frame_dir'] == 'my_clip'
    assert sample['keypoint'].dtype == np.float16


def pose_inference_results(num_frames=10):
    """What mmaction.apis.pose_inference returns: per frame the
    pred_instances.to_dict() of the merged PoseDataSample. Two people walk
    to the right, listed in the other order in odd frames; a third,
    unsure one appears in frame 4, and frame 6 has one person."""
    frames = []
    for t in range(num_frames):
        kp, score = people(t)  # person 0 left (x ~ 100), 0.9; person 1 0.5
        kp = kp + 3 * t
        if t == 4:
            kp = np.concatenate([kp, kp[:1] + 300])
            score = np.concatenate([score, np.full((1, 17), 0.1)])
        if t == 6:
            kp, score = kp[:1], score[:1]
        if t % 2:
            kp, score = kp[::-1], score[::-1]
        n = len(kp)
        frames.append(
            dict(
                keypoints=kp.astype(np.float32),
                keypoint_scores=score.astype(np.float32),
                keypoints_visible=score.astype(np.float32),
                bboxes=np.tile([0., 0., 50., 50.], (n, 1)).astype(np.float32),
                bbox_scores=np.ones(n, np.float32)))
    return frames


def test_pose_inference_results_are_tracked_as_the_converter_does(tmp_path):
    from usdrl_mm.datasets.converters import track_people
    results = pose_inference_results()
    with open(tmp_path / 'poses.pkl', 'wb') as f:
        pickle.dump(results, f)
    mmengine.dump(results, str(tmp_path / 'poses.json'))  # arrays -> lists
    frames = [(r['keypoints'], r['keypoint_scores']) for r in results]
    kp, score = track_people(frames, max_persons=2)
    for name in ('poses.pkl', 'poses.json'):
        loaded = load_skeletons(tmp_path / name, img_shape=(1080, 1920))
        assert loaded.format == 'mmpose' and loaded.layout == 'coco'
        (anno, ) = loaded.annotations
        assert anno['frame_dir'] == 'poses'
        assert anno['keypoint'].shape == (2, 10, 17, 2)
        np.testing.assert_allclose(anno['keypoint'], kp, atol=1e-4)
        np.testing.assert_allclose(anno['keypoint_score'], score)
        # the left person stays person 0 though the lists swap each frame
        assert (anno['keypoint'][0, :, :, 0].mean(1) < 300).all()
        assert (anno['keypoint'][1, [0, 1, 2, 3, 4, 5, 7, 8, 9], :, 0].mean(1)
                > 500).all()
        assert not anno['keypoint_score'][1, 6].any()  # alone in frame 6


@pytest.mark.parametrize('ext', ['.pkl', '.json'])
def test_malformed_pose_inference_results_name_the_file(tmp_path, ext):
    results = pose_inference_results(4)
    results[2]['keypoints'] = results[2]['keypoints'][:, :16]
    results[2]['keypoint_scores'] = results[2]['keypoint_scores'][:, :16]
    path = tmp_path / f'poses{ext}'
    mmengine.dump(results, str(path))
    with pytest.raises(
            ValueError,
            match=re.escape(f'{path}: frame 2 instance 0: 16 keypoints, '
                            'expected 17')):
        load_skeletons(path, img_shape=(1080, 1920))
    results[2]['keypoints'] = np.zeros((2, 17), np.float32)
    mmengine.dump(results, str(path))
    with pytest.raises(
            ValueError,
            match=re.escape(f'{path}: frame 2: keypoints of shape (2, 17); '
                            'expected (N, V, 2)')):
        load_skeletons(path, img_shape=(1080, 1920))
