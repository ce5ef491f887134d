from .knn_metric import KNNMetric
from .pku_detection_metric import PKUDetectionMetric
from .segmentation_metric import SegmentationMetric

__all__ = ['KNNMetric', 'PKUDetectionMetric', 'SegmentationMetric']
