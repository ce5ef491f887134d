from .annotation_checks import AnnotationError, check_annotations, check_sample
from .checked_pose_dataset import CheckedPoseDataset
from .gallery_query_dataset import GalleryQueryDataset
from .transforms import *  # noqa: F401,F403

__all__ = [
    'AnnotationError', 'CheckedPoseDataset', 'GalleryQueryDataset',
    'check_annotations', 'check_sample'
]
