from .multi_view import SkeletonMultiView
from .pre_normalize import PreNormalize3DPerFrame
from .spatial_augments import (RandomJointLinearMap, RandomJointMask,
                               RandomSkeletonShear)
from .temporal_crop_resize import TemporalCropResize

__all__ = [
    'PreNormalize3DPerFrame', 'RandomJointLinearMap', 'RandomJointMask',
    'RandomSkeletonShear', 'SkeletonMultiView', 'TemporalCropResize'
]
