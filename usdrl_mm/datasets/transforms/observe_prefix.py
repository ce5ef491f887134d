from typing import Dict, Sequence, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from .temporal_crop_resize import valid_frames


@TRANSFORMS.register_module()
class ObservePrefix(BaseTransform):
    """Keep only the beginning of a sequence, for early action prediction
    (design.md §14): the first ``max(min_frames, floor(ratio * n))`` of the
    ``n`` valid frames. Follow it with ``TemporalCropResize(mode='center',
    ratio=1.0)`` to resize the observed part to the clip length.

    ``ratio`` is a fixed observation ratio (testing) or a ``(low, high)``
    range drawn uniformly per sample (training on partial observations).

    Required Keys:

        - keypoint (M, T, V, C)
        - total_frames
        - keypoint_score (M, T, V), optional

    Modified Keys:

        - keypoint, keypoint_score: the first frames only
        - total_frames

    Added Keys:

        - observe_ratio

    Args:
        ratio (float | tuple[float, float]): Observed fraction in (0, 1].
        min_frames (int): Floor of the observed frames (3 in the original).
    """

    def __init__(self,
                 ratio: Union[float, Sequence[float]] = 1.0,
                 min_frames: int = 3) -> None:
        bounds = ratio if isinstance(ratio, (tuple, list)) else (ratio, ratio)
        if len(bounds) != 2 or not 0 < bounds[0] <= bounds[1] <= 1:
            raise ValueError(f'ratio must be in (0, 1] (or a range inside '
                             f'it), got {ratio}')
        self.ratio = ratio
        self.bounds = tuple(float(b) for b in bounds)
        self.min_frames = min_frames

    def transform(self, results: Dict) -> Dict:
        n = valid_frames(results)
        ratio = np.random.uniform(*self.bounds) \
            if self.bounds[0] < self.bounds[1] else self.bounds[0]
        keep = min(max(self.min_frames, int(np.floor(n * ratio))), n)
        results['keypoint'] = results['keypoint'][:, :keep]
        if 'keypoint_score' in results:
            results['keypoint_score'] = results['keypoint_score'][:, :keep]
        results['total_frames'] = keep
        results['observe_ratio'] = ratio
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(ratio={self.ratio}, '
                f'min_frames={self.min_frames})')
