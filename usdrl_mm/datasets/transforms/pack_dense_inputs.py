from typing import Dict, Sequence

import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmaction.structures import ActionDataSample
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class PackDenseSkeletonInputs(BaseTransform):
    """Pack a skeleton window with per-frame labels for dense prediction.

    MMAction2's ``PackActionInputs`` packs one clip label; detection and
    segmentation need one label per frame and the window's place in its
    sequence, so that predictions can be stitched back.

    Required Keys:

        - keypoint (num_clips, M, T, V, C), from ``FormatGCNInput``
        - frame_labels (T,)

    Added Keys (of the packed ``ActionDataSample``):

        - gt_frame_labels: (T,) int64 tensor (data field)
        - metainfo: ``meta_keys`` present in the results

    Args:
        meta_keys (sequence[str]): Keys copied into the metainfo.
    """

    def __init__(
        self,
        meta_keys: Sequence[str] = ('frame_dir', 'window_start',
                                    'frame_interval', 'video_frames',
                                    'gt_segments')
    ) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: Dict) -> Dict:
        sample = ActionDataSample()
        sample.set_field(
            torch.as_tensor(
                np.asarray(results['frame_labels']), dtype=torch.long),
            'gt_frame_labels')
        sample.set_metainfo(
            {k: results[k]
             for k in self.meta_keys if k in results})
        return dict(
            inputs=torch.from_numpy(np.ascontiguousarray(results['keypoint'])),
            data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
