import numpy as np
import pytest
from mmaction.registry import TRANSFORMS


def view_pipeline(clip_len=16):
    return [
        dict(type='TemporalCropResize', clip_len=clip_len, min_len=clip_len),
        dict(type='RandomSkeletonShear'),
        dict(type='FormatGCNInput', num_person=2),
    ]


def sample(score=False):
    rng = np.random.default_rng(0)
    s = dict(
        keypoint=rng.normal(size=(1, 50, 17, 2)).astype(np.float32),
        total_frames=50,
        label=3,
        frame_dir='x')
    if score:
        s['keypoint_score'] = rng.uniform(size=(1, 50, 17)).astype(np.float32)
    return s


def test_views_are_stacked_and_differ():
    t = TRANSFORMS.build(
        dict(
            type='SkeletonMultiView', num_views=4, transforms=view_pipeline()))
    np.random.seed(0)
    out = t(sample(score=True))
    assert out['keypoint'].shape == (4, 2, 16, 17, 3)  # score merged, M padded
    assert out['num_views'] == 4 and 'keypoint_score' not in out
    assert not np.allclose(out['keypoint'][0], out['keypoint'][1])
    assert out['label'] == 3


def test_packed_input_tensor():
    pipeline = [
        dict(
            type='SkeletonMultiView', num_views=2, transforms=view_pipeline()),
        dict(type='PackActionInputs')
    ]
    from mmcv.transforms import Compose
    packed = Compose(pipeline)(sample())
    assert tuple(packed['inputs'].shape) == (2, 2, 16, 17, 2)


def test_view_pipeline_must_format():
    t = TRANSFORMS.build(
        dict(
            type='SkeletonMultiView',
            num_views=2,
            transforms=view_pipeline()[:2]))
    with pytest.raises(ValueError, match='FormatGCNInput'):
        t(sample())
