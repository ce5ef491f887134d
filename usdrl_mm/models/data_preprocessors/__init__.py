from .batch_multi_view_preprocessor import BatchMultiViewPreprocessor
from .skeleton_data_preprocessor import SkeletonDataPreprocessor

__all__ = ['BatchMultiViewPreprocessor', 'SkeletonDataPreprocessor']
