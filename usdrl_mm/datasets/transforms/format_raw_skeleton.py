from typing import Dict, Optional

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from .temporal_crop_resize import valid_frames


@TRANSFORMS.register_module()
class FormatRawSkeleton(BaseTransform):
    """Hand an un-augmented skeleton to a batch-augmenting data preprocessor.

    The pretraining views can be drawn on the device for a whole batch
    (``BatchMultiViewPreprocessor``) instead of per sample in the workers
    (``SkeletonMultiView``). The workers then only deliver the valid frames,
    formatted as ``FormatGCNInput`` would (score appended as the last
    channel, persons zero-padded or cut to ``num_person``), zero-padded in
    time to ``max_frames`` so that every clip of a batch has one shape, and
    the number of valid frames. Pack ``valid_len`` with
    ``PackActionInputs(meta_keys=('valid_len', ))``.

    Required Keys:

        - keypoint (M, T, V, C)
        - total_frames
        - keypoint_score (M, T, V), optional

    Modified Keys:

        - keypoint (num_person, max_frames or n, V, C [+ 1]), float32

    Removed Keys:

        - keypoint_score, merged into keypoint

    Added Keys:

        - valid_len: ``n = min(total_frames, T)``, the frames before the
          padding

    Args:
        num_person (int): Persons after padding. Defaults to 2.
        max_frames (int, optional): Common length to pad to (300 for NTU,
            as the original feeder stores). ``None`` keeps the ``n`` valid
            frames; the preprocessor then pads within each batch.
    """

    def __init__(self,
                 num_person: int = 2,
                 max_frames: Optional[int] = None) -> None:
        if num_person < 1:
            raise ValueError(f'num_person must be >= 1, got {num_person}')
        if max_frames is not None and max_frames < 1:
            raise ValueError(f'max_frames must be >= 1, got {max_frames}')
        self.num_person = num_person
        self.max_frames = max_frames

    def transform(self, results: Dict) -> Dict:
        n = valid_frames(results)
        if self.max_frames is not None and n > self.max_frames:
            name = results.get('frame_dir', '?')
            raise ValueError(f'sample {name!r} has {n} valid frames, more '
                             f'than max_frames={self.max_frames}')
        keypoint = results['keypoint'][:, :n]
        if 'keypoint_score' in results:
            # (M, n, V) -> (M, n, V, 1), appended as FormatGCNInput does
            score = results.pop('keypoint_score')[:, :n, :, None]
            keypoint = np.concatenate((keypoint, score), axis=-1)
        m, _, v, c = keypoint.shape
        frames = n if self.max_frames is None else self.max_frames
        if m == self.num_person and frames == n:  # nothing to pad or cut
            out = np.ascontiguousarray(keypoint, dtype=np.float32)
        else:
            out = np.zeros((self.num_person, frames, v, c), dtype=np.float32)
            keep = min(m, self.num_person)
            out[:keep, :n] = keypoint[:keep]
        results['keypoint'] = out
        results['valid_len'] = n
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_person={self.num_person}, '
                f'max_frames={self.max_frames})')
