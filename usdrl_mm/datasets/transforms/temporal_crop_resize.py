from typing import Dict, Sequence, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from usdrl_mm.structures.augment_ops import (SHORT_CLIP_MODES, center_window,
                                             crop_floor, crop_resize,
                                             crop_window)


def valid_frames(results: Dict) -> int:
    """Frames that hold data: ``total_frames``, capped by the array length
    (padded annotations may store more frames than are valid)."""
    n = min(int(results['total_frames']), results['keypoint'].shape[1])
    if n < 1:
        name = results.get('frame_dir', results.get('filename', '?'))
        raise ValueError(f'sample {name!r} has no valid frames '
                         f'(total_frames={results["total_frames"]})')
    return n


@TRANSFORMS.register_module()
class TemporalCropResize(BaseTransform):
    """Crop a window of the valid frames and resize it to ``clip_len``
    frames by linear interpolation (SPEC §8.1 step 1 and §8.2).

    - ``mode='random'``: draw ``s ~ U(ratio)``, take
      ``L = min(max(floor(n s), min_len), n)`` frames at a uniform start. With
      ``min_len=64`` clips of at most 64 frames are used whole (window
      ``(0, n)`` whatever ``s``), so all the views of such a clip share one
      temporal window and differ only spatially; USDRL does the same.
      ``short_clip='crop'`` gives a clip shorter than ``min_len`` its own
      crop of ``L = max(floor(n s), 1)`` frames instead (longer clips are
      cropped as before); see ``crop_floor`` in
      ``usdrl_mm.structures.augment_ops``, which the batched
      ``BatchMultiViewPreprocessor`` shares.
    - ``mode='center'``: the deterministic centre crop
      ``[int((1 - r) n / 2), n - int((1 - r) n / 2))`` with ``r = ratio``
      (``ratio=1.0`` resizes the whole valid sequence).

    Only the first ``n = total_frames`` frames are valid.

    Required Keys:

        - keypoint (M, T, V, C)
        - total_frames
        - keypoint_score (M, T, V), optional

    Modified Keys:

        - keypoint (M, clip_len, V, C), float32
        - keypoint_score (M, clip_len, V), float32, if present
        - total_frames (= clip_len)

    Added Keys:

        - crop_window: ``(start, length)`` in the input frames

    Args:
        clip_len (int): Output frames. Defaults to 64.
        ratio (float | tuple[float, float]): ``(low, high)`` of the scale
            for ``'random'``, the kept fraction for ``'center'``.
        min_len (int): Floor of the random crop length. Defaults to 64.
        mode (str): ``'random'`` or ``'center'``.
        short_clip (str): What ``'random'`` does with a clip shorter than
            ``min_len``: ``'whole'`` (default, USDRL) uses it whole,
            ``'crop'`` crops it by the drawn scale. The random draws are
            the same in both. Unused by ``'center'``.
    """

    def __init__(self,
                 clip_len: int = 64,
                 ratio: Union[float, Sequence[float]] = (0.1, 1.0),
                 min_len: int = 64,
                 mode: str = 'random',
                 short_clip: str = 'whole') -> None:
        if mode not in ('random', 'center'):
            raise ValueError(f"mode must be 'random' or 'center', got {mode}")
        if short_clip not in SHORT_CLIP_MODES:
            raise ValueError(f'short_clip must be one of {SHORT_CLIP_MODES}, '
                             f'got {short_clip!r}')
        if mode == 'random':
            low, high = ratio
            if not 0 < low <= high <= 1:
                raise ValueError(f'need 0 < low <= high <= 1, got {ratio}')
            self.ratio = (float(low), float(high))
        else:
            r = ratio[0] if isinstance(ratio, (tuple, list)) else ratio
            if not 0 < r <= 1:
                raise ValueError(f'centre ratio must be in (0, 1], got {r}')
            self.ratio = float(r)
        self.clip_len = clip_len
        self.min_len = min_len
        self.mode = mode
        self.short_clip = short_clip

    def transform(self, results: Dict) -> Dict:
        n = valid_frames(results)
        if self.mode == 'random':
            scale = np.random.uniform(*self.ratio)
            floor = crop_floor(n, self.min_len, self.short_clip)
            start, length = crop_window(n, scale, floor, np.random.rand())
        else:
            start, length = center_window(n, self.ratio)
        results['keypoint'] = crop_resize(
            results['keypoint'], start, length, self.clip_len, axis=1)
        if 'keypoint_score' in results:
            results['keypoint_score'] = crop_resize(
                results['keypoint_score'],
                start,
                length,
                self.clip_len,
                axis=1)
        results['total_frames'] = self.clip_len
        results['crop_window'] = (start, length)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'ratio={self.ratio}, min_len={self.min_len}, '
                f'mode={self.mode!r}, short_clip={self.short_clip!r})')
