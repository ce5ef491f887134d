from .cross_correlation_loss import ViewCrossCorrelationLoss, cross_correlation
from .multi_view_similarity_loss import (MultiViewSimilarityLoss,
                                         multi_view_similarity)
from .variance_covariance_loss import (VarianceCovarianceLoss,
                                       variance_covariance)

__all__ = [
    'MultiViewSimilarityLoss', 'VarianceCovarianceLoss',
    'ViewCrossCorrelationLoss', 'cross_correlation', 'multi_view_similarity',
    'variance_covariance'
]
