from .format_raw_skeleton import FormatRawSkeleton
from .multi_view import SkeletonMultiView
from .observe_prefix import ObservePrefix
from .pack_dense_inputs import PackDenseSkeletonInputs
from .pre_normalize import PreNormalize3DPerFrame
from .spatial_augments import (RandomJointLinearMap, RandomJointMask,
                               RandomSkeletonShear)
from .temporal_crop_resize import TemporalCropResize

__all__ = [
    'FormatRawSkeleton', 'ObservePrefix', 'PackDenseSkeletonInputs',
    'PreNormalize3DPerFrame', 'RandomJointLinearMap', 'RandomJointMask',
    'RandomSkeletonShear', 'SkeletonMultiView', 'TemporalCropResize'
]
