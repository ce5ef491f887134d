from .knn import knn_accuracy, knn_predict
from .model_selection import final_and_best
from .pku_mmd_ap import (Segment, match_proposals, pku_mmd_ap, pku_mmd_map,
                         temporal_iou)
from .proposals import (DEFAULT_PROPOSAL, activity_proposals,
                        class_run_proposals, generate_proposals, mean_filter,
                        proposals_by_rule)
from .score_fusion import (fuse_dumps, fuse_scores, fusion_accuracies,
                           load_dumped_scores)
from .segmentation import (edit_score, f1_counts, levenshtein,
                           segmentation_scores, segments_of)
from .stitching import stitch_windows, window_record

__all__ = [
    'DEFAULT_PROPOSAL', 'Segment', 'activity_proposals', 'class_run_proposals',
    'edit_score', 'f1_counts', 'final_and_best', 'fuse_dumps', 'fuse_scores',
    'fusion_accuracies', 'generate_proposals', 'load_dumped_scores',
    'knn_accuracy', 'knn_predict', 'levenshtein', 'match_proposals',
    'mean_filter', 'pku_mmd_ap', 'pku_mmd_map', 'proposals_by_rule',
    'segmentation_scores', 'segments_of', 'stitch_windows', 'temporal_iou',
    'window_record'
]
