from .knn_metric import KNNMetric

__all__ = ['KNNMetric']
