"""MMAction2's inference entry points: ``init_recognizer`` and
``inference_skeleton`` give what MMAction2's give, for MMAction2's ST-GCN
and for the project's DSTE recognizers."""
import inspect
import os.path as osp

import mmaction
import mmaction.apis
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.dataset import Compose

from usdrl_mm.apis import (inference_recognizer, inference_skeleton,
                           init_recognizer, pose_results_to_annotation)
from usdrl_mm.apis.config_lookup import dataset_cfg
from usdrl_mm.structures.action_labels import PRED_SCORE, pred_score_of

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MMACTION_CONFIGS = osp.join(osp.dirname(mmaction.__file__), '.mim', 'configs')
# MMAction2's own 2D ST-GCN recipe (HRNet COCO-17 keypoints with scores)
STGCN_2D = osp.join(
    MMACTION_CONFIGS, 'skeleton/stgcn/'
    'stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-2d.py')
STGCN_3D_BASELINE = osp.join(
    REPO,
    'configs/baselines/stgcn_1xb16-joint-u64-10e_synthetic-xsub-keypoint-3d.py'
)
DSTE_2D = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-2d.py')
DSTE_3D = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
TINY = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.backbone.init_cfg': None,
    'model.cls_head.in_channels': 32,
}
IMG_SHAPE = (480, 640)
HAS_MMACTION_SKELETON = hasattr(mmaction.apis, 'inference_skeleton')


def pose_results(num_frames=40, num_joints=17, dims=2, seed=0, persons=None):
    """Pose-estimator output of a video: one dict per frame, 1 or 2
    persons (varying from frame to frame unless ``persons`` is given)."""
    rng = np.random.default_rng(seed)
    frames = []
    for _ in range(num_frames):
        n = persons if persons is not None else int(rng.integers(1, 3))
        kp = rng.uniform(0, 400, (n, num_joints, dims)).astype(np.float32)
        frame = dict(keypoints=kp)
        if dims == 2:
            frame['keypoint_scores'] = rng.uniform(
                0, 1, (n, num_joints)).astype(np.float32)
        frames.append(frame)
    return frames


def reference_annotation(frames, img_shape):
    """The annotation MMAction2 1.2's inference_skeleton builds, written
    out from its documented behaviour: float16, persons by list index,
    zero-padded, (T, M, ...) transposed to (M, T, ...)."""
    num_frames = len(frames)
    num_persons = max(len(f['keypoints']) for f in frames)
    v = frames[0]['keypoints'].shape[1]
    kp = np.zeros((num_frames, num_persons, v, 2), np.float16)
    score = np.zeros((num_frames, num_persons, v), np.float16)
    for t, f in enumerate(frames):
        for p in range(len(f['keypoints'])):
            kp[t, p] = f['keypoints'][p]
            score[t, p] = f['keypoint_scores'][p]
    return dict(
        frame_dir='',
        label=-1,
        img_shape=img_shape,
        origin_shape=img_shape,
        start_index=0,
        modality='Pose',
        total_frames=num_frames,
        keypoint=kp.transpose(1, 0, 2, 3),
        keypoint_score=score.transpose(1, 0, 2))


def mmaction_recognizer_scores(model, anno, pipeline_cfg):
    """MMAction2's own inference_recognizer on an annotation dict."""
    from mmaction.apis import inference_recognizer as mm_inference
    sample = mm_inference(model, anno, Compose(pipeline_cfg))
    return pred_score_of(sample)


@pytest.fixture(scope='module')
def stgcn_2d():
    # one 100-frame clip instead of MMAction2's ten, to keep the test fast
    cfg = Config.fromfile(STGCN_2D)
    for step in cfg.test_pipeline:
        if step['type'] == 'UniformSampleFrames':
            step['num_clips'] = 1
    cfg.test_dataloader.dataset.pipeline = cfg.test_pipeline
    torch.manual_seed(0)
    return init_recognizer(cfg, device='cpu')


@pytest.fixture(scope='module')
def dste_2d():
    torch.manual_seed(0)
    return init_recognizer(DSTE_2D, device='cpu', cfg_options=TINY)


def test_signatures_extend_mmaction2s():
    from mmaction.apis import init_recognizer as mm_init
    ours = list(inspect.signature(init_recognizer).parameters)
    theirs = list(inspect.signature(mm_init).parameters)
    assert ours[:len(theirs)] == theirs  # same names, same order
    assert list(inspect.signature(inference_skeleton).parameters) == [
        'model', 'pose_results', 'img_shape', 'test_pipeline'
    ]


def test_init_recognizer_defaults_to_the_available_device():
    torch.manual_seed(0)
    model = init_recognizer(DSTE_3D, cfg_options=TINY)
    expected = 'cuda' if torch.cuda.is_available() else 'cpu'
    assert next(model.parameters()).device.type == expected
    assert not model.training and model.cfg.model.backbone.hidden_dim == 16


def test_annotation_is_built_as_mmaction2_builds_it():
    frames = pose_results(num_frames=6, persons=2)
    one = 2  # a frame with one person
    frames[one] = {k: v[:1] for k, v in frames[one].items()}
    anno = pose_results_to_annotation(frames, IMG_SHAPE)
    expected = reference_annotation(frames, IMG_SHAPE)
    for key in ('keypoint', 'keypoint_score'):
        assert anno[key].dtype == np.float16
        np.testing.assert_array_equal(anno[key], expected[key])
    for key in ('img_shape', 'origin_shape', 'total_frames', 'label'):
        assert anno[key] == expected[key]
    # person p of frame t is the p-th entry of that frame; missing persons
    # are zeros
    assert not anno['keypoint'][1, one].any()
    np.testing.assert_array_equal(
        anno['keypoint'][0, one],
        frames[one]['keypoints'][0].astype(np.float16))


def test_3d_pose_results_stay_float32_without_scores():
    frames = pose_results(num_frames=5, num_joints=25, dims=3, persons=1)
    anno = pose_results_to_annotation(frames, IMG_SHAPE)
    assert anno['keypoint'].shape == (1, 5, 25, 3)
    assert anno['keypoint'].dtype == np.float32
    assert 'keypoint_score' not in anno
    np.testing.assert_array_equal(anno['keypoint'][0, 2],
                                  frames[2]['keypoints'][0])


@pytest.mark.skipif(
    not HAS_MMACTION_SKELETON,
    reason='mmaction.apis.inference_skeleton appeared in MMAction2 1.2')
def test_stgcn_scores_equal_mmaction2s_inference_skeleton(stgcn_2d):
    from mmaction.apis import inference_skeleton as mm_inference_skeleton
    frames = pose_results()
    ours = inference_skeleton(stgcn_2d, frames, IMG_SHAPE)
    theirs = mm_inference_skeleton(stgcn_2d, frames, IMG_SHAPE)
    assert type(ours) is type(theirs) is ActionDataSample
    assert PRED_SCORE[0] in ours  # 1.2's field name
    assert torch.equal(pred_score_of(ours), pred_score_of(theirs))


def test_stgcn_scores_equal_mmaction2s_recognizer_on_its_annotation(stgcn_2d):
    # runs on MMAction2 1.1 too: MMAction2's inference_recognizer on the
    # annotation that MMAction2 1.2's inference_skeleton would build
    frames = pose_results(seed=1)
    ours = inference_skeleton(stgcn_2d, frames, IMG_SHAPE)
    assert isinstance(ours, ActionDataSample)
    scores = pred_score_of(ours)
    assert scores.shape == (60, )
    expected = mmaction_recognizer_scores(
        stgcn_2d, reference_annotation(frames, IMG_SHAPE),
        stgcn_2d.cfg.test_pipeline)
    assert torch.equal(scores, expected)
    # the image size matters (PreNormalize2D divides by it)
    other = pred_score_of(inference_skeleton(stgcn_2d, frames, (960, 1280)))
    assert not torch.allclose(other, scores)


def test_an_explicit_test_pipeline_is_used(stgcn_2d):
    frames = pose_results(seed=2)
    pipeline = [dict(s) for s in stgcn_2d.cfg.test_pipeline]
    for step in pipeline:
        if step['type'] == 'UniformSampleFrames':
            step['clip_len'] = 50
    short = inference_skeleton(stgcn_2d, frames, IMG_SHAPE, Compose(pipeline))
    default = inference_skeleton(stgcn_2d, frames, IMG_SHAPE)
    assert not torch.allclose(pred_score_of(short), pred_score_of(default))
    expected = mmaction_recognizer_scores(
        stgcn_2d, reference_annotation(frames, IMG_SHAPE), pipeline)
    assert torch.equal(pred_score_of(short), expected)


def test_dste_2d_recognizer(dste_2d):
    frames = pose_results(seed=3)
    sample = inference_skeleton(dste_2d, frames, IMG_SHAPE)
    assert isinstance(sample, ActionDataSample)
    scores = pred_score_of(sample)
    assert scores.shape == (60, ) and torch.isfinite(scores).all()
    assert float(scores.sum()) == pytest.approx(1.0, abs=1e-5)
    # the test dataset's pipeline runs, as in tools/test.py: the config's
    # test_pipeline variable, inherited from the 3D probe, is stale (3D
    # normalisation); MMAction2's own inference path with the dataset's
    # pipeline gives the same scores
    stale = [step['type'] for step in dste_2d.cfg.test_pipeline]
    assert 'PreNormalize2D' not in stale
    expected = mmaction_recognizer_scores(
        dste_2d, reference_annotation(frames, IMG_SHAPE),
        dataset_cfg(dste_2d.cfg).pipeline)
    assert torch.equal(scores, expected)
    if HAS_MMACTION_SKELETON:
        from mmaction.apis import inference_skeleton as mm_inference_skeleton
        theirs = mm_inference_skeleton(
            dste_2d, frames, IMG_SHAPE,
            Compose(dataset_cfg(dste_2d.cfg).pipeline))
        assert torch.equal(scores, pred_score_of(theirs))


def test_dste_3d_pose_results_equal_inference_recognizer():
    torch.manual_seed(0)
    model = init_recognizer(DSTE_3D, device='cpu', cfg_options=TINY)
    frames = pose_results(num_frames=50, num_joints=25, dims=3, persons=2)
    for f in frames:
        f['keypoints'] /= 400  # metres, as NTU's Kinect joints
    sample = inference_skeleton(model, frames, IMG_SHAPE)
    keypoint = np.stack([f['keypoints'] for f in frames], axis=1)
    expected = inference_recognizer(model, keypoint)['scores']
    np.testing.assert_allclose(
        pred_score_of(sample).numpy(), expected, rtol=1e-6, atol=1e-7)


def test_mmaction2_stgcn_baseline_config_takes_3d_pose_results():
    torch.manual_seed(0)
    model = init_recognizer(STGCN_3D_BASELINE, device='cpu')
    frames = pose_results(num_frames=30, num_joints=25, dims=3, persons=1)
    scores = pred_score_of(inference_skeleton(model, frames, IMG_SHAPE))
    assert scores.shape == (10, )
    # the test dataset's pipeline (64 frames, one clip) runs, not the
    # test_pipeline variable inherited from MMAction2's 100-frame recipe
    anno = pose_results_to_annotation(frames, IMG_SHAPE)
    expected = mmaction_recognizer_scores(model, anno,
                                          dataset_cfg(model.cfg).pipeline)
    assert torch.equal(scores, expected)


@pytest.mark.parametrize('frames, match', [
    ([], 'non-empty list'),
    ([dict(keypoint_scores=np.ones((1, 17)))], r"pose_results\[0\] needs "
     "'keypoints'"),
    ([dict(keypoints=np.ones((1, 17, 2)))], r"pose_results\[0\] needs "
     "'keypoint_scores'"),
    ([dict(keypoints=np.ones((17, 2)), keypoint_scores=np.ones(
        (1, 17)))], r"pose_results\[0\]\['keypoints'\] must be \(N, V, C\)"),
    ([
        dict(keypoints=np.ones((1, 17, 2)), keypoint_scores=np.ones((1, 17))),
        dict(keypoints=np.ones((1, 25, 2)), keypoint_scores=np.ones((1, 25)))
    ], r"pose_results\[1\]\['keypoints'\] must be \(N, 17, 2\) as in frame 0"),
    ([dict(keypoints=np.ones((2, 17, 2)), keypoint_scores=np.ones(
        (1, 17)))], r"'keypoint_scores'\] must be \(N, V\) = \(2, 17\)"),
    ([dict(keypoints=np.ones((0, 17, 2)), keypoint_scores=np.ones(
        (0, 17)))] * 3, 'no person in any of the 3 frames'),
])
def test_malformed_pose_results_are_explained(dste_2d, frames, match):
    with pytest.raises(ValueError, match=match):
        inference_skeleton(dste_2d, frames, IMG_SHAPE)


def test_wrong_image_shape_and_wrong_model_are_explained(dste_2d):
    with pytest.raises(ValueError, match=r'\(height, width\)'):
        inference_skeleton(dste_2d, pose_results(), (480, ))
    # 2D keypoints into a 3D encoder: the model check names the fix
    torch.manual_seed(0)
    model_3d = init_recognizer(DSTE_3D, device='cpu', cfg_options=TINY)
    with pytest.raises(ValueError, match='17 joints'):
        inference_skeleton(model_3d, pose_results(), IMG_SHAPE)
    with pytest.raises(ValueError, match='use a 2D config'):
        inference_skeleton(model_3d, pose_results(num_joints=25), IMG_SHAPE)
