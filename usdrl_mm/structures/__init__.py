from .modality import (MODALITIES, as_modalities, bones_from_joints,
                       derive_modality, isolate_modality, motion_from_joints,
                       stack_modalities)
from .skeleton_layout import (SkeletonLayout, get_layout, list_layouts,
                              register_layout)
from .skeleton_spec import SkeletonSpec, SpecLike, build_skeleton_spec

__all__ = [
    'MODALITIES', 'SkeletonLayout', 'SkeletonSpec', 'SpecLike',
    'as_modalities', 'bones_from_joints', 'build_skeleton_spec',
    'derive_modality', 'get_layout', 'isolate_modality', 'list_layouts',
    'motion_from_joints', 'register_layout', 'stack_modalities'
]
