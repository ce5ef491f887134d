from typing import Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional import segmentation_scores, stitch_windows, window_record


@METRICS.register_module()
class SegmentationMetric(BaseMetric):
    """Action segmentation: frame accuracy, Edit and F1@tau (SPEC §13.4) on
    stitched per-frame predictions (the argmax of the averaged window
    scores).

    Args:
        taus (sequence[float]): IoU thresholds of F1.
        background (int, optional): Label whose runs are not segments (0 in
            the frame labels of :class:`UntrimmedPoseDataset`); ``None``
            counts every run.
        plot_dir (str, optional): Write ground truth vs prediction
            timelines of the first ``plot_videos`` sequences there.
    """
    default_prefix = 'segmentation'

    def __init__(self,
                 taus: Sequence[float] = (0.1, 0.25, 0.5),
                 background: Optional[int] = 0,
                 plot_dir: Optional[str] = None,
                 plot_videos: int = 4,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.taus = tuple(taus)
        self.background = background
        self.plot_dir = plot_dir
        self.plot_videos = plot_videos

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        self.results.extend(window_record(s) for s in data_samples)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        tracks = stitch_windows(results)
        preds = [scores.argmax(1) for scores, _ in tracks.values()]
        gts = [labels for _, labels in tracks.values()]
        if self.plot_dir:
            from usdrl_mm.visualization import plot_timelines
            plot_timelines(tracks, self.plot_dir, self.plot_videos)
        return segmentation_scores([np.asarray(p) for p in preds],
                                   gts,
                                   self.taus,
                                   self.background,
                                   ignore_index=-1)
