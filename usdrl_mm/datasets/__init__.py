from .annotation_checks import (AnnotationError, check_annotations,
                                check_sample, check_skeleton)
from .checked_pose_dataset import CheckedPoseDataset
from .gallery_query_dataset import GalleryQueryDataset
from .seed_worker import seed_worker_per_epoch
from .transforms import *  # noqa: F401,F403
from .untrimmed_pose_dataset import (UntrimmedPoseDataset,
                                     frame_labels_from_segments, window_starts)

__all__ = [
    'AnnotationError', 'CheckedPoseDataset', 'GalleryQueryDataset',
    'UntrimmedPoseDataset', 'check_annotations', 'check_sample',
    'check_skeleton', 'frame_labels_from_segments', 'seed_worker_per_epoch',
    'window_starts'
]
