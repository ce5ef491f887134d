from .modality import (MODALITIES, as_modalities, bones_from_joints,
                       derive_modality, isolate_modality, motion_from_joints,
                       stack_modalities)
from .skeleton_layout import (SkeletonLayout, get_layout, list_layouts,
                              register_layout)

__all__ = [
    'MODALITIES', 'SkeletonLayout', 'as_modalities', 'bones_from_joints',
    'derive_modality', 'get_layout', 'isolate_modality', 'list_layouts',
    'motion_from_joints', 'register_layout', 'stack_modalities'
]
