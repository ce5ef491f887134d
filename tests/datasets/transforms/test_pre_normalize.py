import numpy as np

from usdrl_mm.datasets.transforms import PreNormalize3DPerFrame


def sample():
    rng = np.random.default_rng(0)
    kp = rng.normal(size=(2, 30, 25, 3)).astype(np.float32) + 3
    kp[1, :5] = 0  # second person appears late
    kp[1, 20:] = 0  # and leaves early
    return dict(keypoint=kp, total_frames=30)


def test_person0_centre_joint_is_origin_in_every_frame():
    out = PreNormalize3DPerFrame(center_joint=1, xaxis=None)(sample())
    assert np.allclose(out['keypoint'][0, :, 1], 0, atol=1e-5)


def test_shoulders_point_along_x_in_frame0():
    out = PreNormalize3DPerFrame()(sample())['keypoint']
    v = out[0, 0, 8] - out[0, 0, 4]
    assert v[0] > 0 and np.allclose(v[1:], 0, atol=1e-5)


def test_rotation_preserves_distances_and_zeros():
    s = sample()
    out = PreNormalize3DPerFrame()(dict(s, keypoint=s['keypoint'].copy()))
    kp = out['keypoint']
    d_in = np.linalg.norm(s['keypoint'][0, 7, 3] - s['keypoint'][0, 7, 9])
    assert np.isclose(
        np.linalg.norm(kp[0, 7, 3] - kp[0, 7, 9]), d_in, atol=1e-5)
    joint_zero = np.zeros((1, 30, 25, 3), np.float32)
    lone = PreNormalize3DPerFrame()(dict(
        keypoint=np.concatenate([s['keypoint'][:1], joint_zero]),
        total_frames=30))['keypoint']
    assert not lone[1].any()  # an absent person stays absent


def test_late_person_moves_front_and_loops():
    out = PreNormalize3DPerFrame(xaxis=None, loop_pad=True)(sample())
    p1 = out['keypoint'][1]
    filled = np.abs(p1).sum(axis=(1, 2)) > 0
    assert filled.all()  # 15 frames of data moved to the front, then looped


def test_zaxis_alignment_uav_setting_is_idempotent():
    # FoundSkelModel's UAV-Human setting: centre joint 1, left hip (11) to
    # left shoulder (5) along +z, no x alignment (SPEC §11.4)
    rng = np.random.default_rng(3)
    kp = rng.normal(size=(2, 12, 17, 3)).astype(np.float32)
    norm = PreNormalize3DPerFrame(center_joint=1, zaxis=(11, 5), xaxis=None)
    once = norm(dict(keypoint=kp, total_frames=12))['keypoint']
    v = once[0, 0, 5] - once[0, 0, 11]
    assert v[2] > 0 and np.allclose(v[:2], 0, atol=1e-5)
    assert np.allclose(once[0, :, 1], 0, atol=1e-5)
    twice = norm(dict(keypoint=once.copy(), total_frames=12))['keypoint']
    assert np.allclose(twice, once, atol=1e-5)
    assert 'zaxis=(11, 5)' in repr(norm)


def test_antiparallel_vectors_get_a_half_turn():
    from usdrl_mm.datasets.transforms.pre_normalize import rotation_onto
    for target in np.eye(3):
        rot = rotation_onto(-3 * target, target)
        assert np.allclose(rot @ (-target), target)
        assert np.allclose(rot @ rot.T, np.eye(3))
        assert np.isclose(np.linalg.det(rot), 1)
    assert np.allclose(rotation_onto(np.zeros(3), np.eye(3)[0]), np.eye(3))
