from .cross_correlation_loss import ViewCrossCorrelationLoss, cross_correlation
from .multi_modal_consistency_loss import (MultiModalConsistencyLoss,
                                           multi_modal_consistency)
from .multi_view_consistency_loss import (MultiViewConsistencyLoss,
                                          consistency_distance,
                                          multi_view_consistency)
from .multi_view_similarity_loss import (MultiViewSimilarityLoss,
                                         multi_view_similarity)
from .variance_covariance_loss import (VarianceCovarianceLoss,
                                       variance_covariance)

__all__ = [
    'MultiModalConsistencyLoss', 'MultiViewConsistencyLoss',
    'MultiViewSimilarityLoss', 'VarianceCovarianceLoss',
    'ViewCrossCorrelationLoss', 'consistency_distance', 'cross_correlation',
    'multi_modal_consistency', 'multi_view_consistency',
    'multi_view_similarity', 'variance_covariance'
]
