from typing import Any, Dict, List, Mapping, Sequence

from mmaction.registry import METRICS
from mmengine.logging import print_log

from ..functional import (DEFAULT_PROPOSAL, Segment, pku_mmd_map,
                          proposals_by_rule)
from .dense_window_metric import DenseWindowMetric


@METRICS.register_module()
class PKUDetectionMetric(DenseWindowMetric):
    """Temporal action detection: mAP_a and mAP_v of the PKU-MMD protocol
    (design.md §12.4) on stitched per-frame scores.

    Window scores from :class:`DenseFrameHead` are averaged into one
    ``(T, C)`` track per sequence, proposals are generated from each track,
    and both are scored against the sequence's ground-truth segments with
    :func:`pku_mmd_map`. Reports ``mAP_a@{theta}`` (the official mean over
    all ``num_classes``) and ``mAP_a_present@{theta}`` (over the classes
    with ground truth in the evaluated data) for every theta of
    ``iou_thrs``, and ``mAP_v@{video_iou_thr}`` (over every sequence with
    ground truth); the proposal rule is logged with the result.

    The two proposal rules give very different mAPs on the same scores:
    ``class_runs`` (threshold 0.02, no smoothing, no NMS) is the TPAMI
    code's rule and the default of the PKU-MMD configs; ``activity``
    (smoothing 20, threshold 0.4) is the rule of the Simple-Skeleton-
    Detection codebase. Numbers computed there with a VOC-style AP are not
    comparable with the official PKU-MMD AP computed here.

    Args:
        num_classes (int): Action classes (background excluded).
        proposal (dict): ``method`` (``'activity'``: smoothing + activity
            threshold; ``'class_runs'``: per-class run cutting) and its
            keyword arguments; defaults to
            :data:`~usdrl_mm.evaluation.functional.DEFAULT_PROPOSAL`.
        iou_thrs (sequence[float]): Thresholds of mAP_a.
        video_iou_thr (float): Threshold of mAP_v.
        **kwargs: ``plot_dir``, ``plot_videos``, ``collect_device`` and
            ``prefix``, as :class:`DenseWindowMetric`.
    """
    default_prefix = 'detection'

    def __init__(self,
                 num_classes: int,
                 proposal: Mapping = DEFAULT_PROPOSAL,
                 iou_thrs: Sequence[float] = (0.1, 0.3, 0.5),
                 video_iou_thr: float = 0.5,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.proposal = dict(proposal)
        self.iou_thrs = tuple(iou_thrs)
        self.video_iou_thr = video_iou_thr

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        tracks = self.tracks(results)
        gt_by_video = {r['video']: r['gt_segments'] for r in results}
        proposals, gts = [], []
        for video, (scores, _) in tracks.items():
            for label, start, end, score in proposals_by_rule(
                    scores, self.proposal):
                proposals.append(Segment(label, start, end, score, video))
            for label, start, end in gt_by_video[video]:
                # actions are 1 .. K in the head, 0 .. K-1 in annotations
                gts.append(Segment(int(label) + 1, start, end, 1.0, video))
        out = {}
        for theta in self.iou_thrs:
            result = pku_mmd_map(proposals, gts, self.num_classes, theta)
            out[f'mAP_a@{theta:g}'] = result['mAP_a']
            out[f'mAP_a_present@{theta:g}'] = result['mAP_a_present']
        out[f'mAP_v@{self.video_iou_thr:g}'] = pku_mmd_map(
            proposals, gts, self.num_classes, self.video_iou_thr)['mAP_v']
        print_log(
            f'detection: {len(proposals)} proposals ({self.proposal}) for '
            f'{len(gts)} ground-truth segments in {len(tracks)} sequences',
            logger='current')
        self.plot(tracks)
        return out
