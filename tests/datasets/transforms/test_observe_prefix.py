import numpy as np
import pytest

from usdrl_mm.datasets.transforms import ObservePrefix


def sample(t=100):
    kp = np.arange(
        t, dtype=np.float32)[None, :, None, None] * np.ones(
            (2, t, 25, 3), np.float32)
    return dict(
        keypoint=kp,
        total_frames=t,
        keypoint_score=np.ones((2, t, 25), np.float32))


@pytest.mark.parametrize('ratio,kept', [(0.1, 10), (0.55, 55), (1.0, 100),
                                        (0.01, 3)])
def test_keeps_the_first_frames(ratio, kept):
    out = ObservePrefix(ratio)(sample())
    assert out['total_frames'] == kept
    assert out['keypoint'].shape[1] == kept
    assert out['keypoint'][0, -1, 0, 0] == kept - 1
    assert out['keypoint_score'].shape[1] == kept


def test_random_ratio_range_and_errors():
    np.random.seed(0)
    kept = {
        ObservePrefix((0.2, 0.6))(sample())['total_frames']
        for _ in range(50)
    }
    assert min(kept) >= 20 and max(kept) <= 60 and len(kept) > 10
    with pytest.raises(ValueError):
        ObservePrefix(1.5)
