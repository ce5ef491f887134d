from .modality import (MODALITIES, bones_from_joints, derive_modality,
                       motion_from_joints)
from .skeleton_layout import (SkeletonLayout, get_layout, list_layouts,
                              register_layout)

__all__ = [
    'MODALITIES', 'SkeletonLayout', 'bones_from_joints', 'derive_modality',
    'get_layout', 'list_layouts', 'motion_from_joints', 'register_layout'
]
