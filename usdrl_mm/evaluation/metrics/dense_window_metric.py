from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric

from ..functional import stitch_windows, window_record


class DenseWindowMetric(BaseMetric):
    """What the detection and segmentation metrics share: they collect the
    per-frame scores of every test window (:func:`window_record`), stitch
    the windows of each sequence into one track (:func:`stitch_windows`)
    and can draw ground truth against prediction for the first sequences.

    Args:
        plot_dir (str, optional): Write ground truth vs prediction
            timelines of the first ``plot_videos`` sequences there.
        plot_videos (int): Sequences drawn.
        collect_device, prefix: As mmengine's ``BaseMetric``.
    """

    def __init__(self,
                 plot_dir: Optional[str] = None,
                 plot_videos: int = 4,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.plot_dir = plot_dir
        self.plot_videos = plot_videos

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        self.results.extend(window_record(s) for s in data_samples)

    def tracks(
            self,
            results: List[dict]) -> Dict[str, Tuple[np.ndarray, np.ndarray]]:
        """``{sequence: ((T, C) scores, (T,) labels)}`` of the windows."""
        return stitch_windows(results)

    def plot(self, tracks: Dict[str, Tuple[np.ndarray, np.ndarray]]) -> None:
        """The timelines of the first sequences, where ``plot_dir`` is
        set."""
        if self.plot_dir:
            from usdrl_mm.visualization import plot_timelines
            plot_timelines(tracks, self.plot_dir, self.plot_videos)
