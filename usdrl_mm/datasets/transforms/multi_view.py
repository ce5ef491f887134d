import copy
from typing import Dict, List, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, Compose


@TRANSFORMS.register_module()
class SkeletonMultiView(BaseTransform):
    """Draw ``num_views`` independent views of one sample and stack them.

    mmpretrain's ``MultiView`` writes images to ``results['img']``; skeleton
    views must stay in ``keypoint``, so this wrapper runs the view pipeline
    on a copy of the sample for every view and concatenates the resulting
    ``keypoint`` arrays along the first axis. With a view pipeline ending in
    ``FormatGCNInput`` each view is ``(1, M, T, V, C)`` and the output is
    ``(num_views, M, T, V, C)``, which ``PackActionInputs`` turns into the
    input tensor.

    Required Keys:

        - keypoint, and whatever the view pipeline needs

    Modified Keys:

        - keypoint (num_views * num_clips, M, T, V, C)

    Added Keys:

        - num_views

    Args:
        transforms (list[dict]): The pipeline producing one view.
        num_views (int): Views per sample (4 in USDRL).
    """

    def __init__(self,
                 transforms: List[Union[dict, callable]],
                 num_views: int = 4) -> None:
        if num_views < 1:
            raise ValueError(f'num_views must be >= 1, got {num_views}')
        self.pipeline = Compose(transforms)
        self.num_views = num_views

    def transform(self, results: Dict) -> Dict:
        views = []
        for _ in range(self.num_views):
            view = self.pipeline(copy.deepcopy(results))
            if view is None:
                raise RuntimeError('a view transform dropped the sample')
            if view['keypoint'].ndim != 5:
                raise ValueError(
                    'each view must be (num_clips, M, T, V, C); end the view '
                    f'pipeline with FormatGCNInput, got '
                    f'{view["keypoint"].shape}')
            views.append(view['keypoint'])
        shapes = {v.shape for v in views}
        if len(shapes) != 1:
            raise ValueError(f'views differ in shape {sorted(shapes)}; the '
                             'view pipeline must produce a fixed shape '
                             '(resize to clip_len, FormatGCNInput)')
        results = view  # the last view carries the other keys
        results['keypoint'] = np.concatenate(views, axis=0)
        # FormatGCNInput has merged the scores into the last channel
        results.pop('keypoint_score', None)
        results['num_views'] = self.num_views
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_views={self.num_views}, '
                f'transforms={self.pipeline})')
