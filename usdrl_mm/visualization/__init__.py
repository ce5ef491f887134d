from .curves import (check_keys, logged_keys, per_epoch, plot_curves,
                     read_scalars, run_curves)
from .skeleton_animation import (project_to_2d, render_skeleton_frames,
                                 write_animation)
from .skeleton_visualizer import SkeletonVisualizer, layout_for
from .timeline import draw_timeline, plot_timeline, plot_timelines
from .tsne import plot_embeddings, separation_scores, tsne_embedding

__all__ = [
    'SkeletonVisualizer', 'layout_for', 'draw_timeline', 'plot_timeline',
    'plot_timelines', 'read_scalars', 'logged_keys', 'per_epoch', 'run_curves',
    'check_keys', 'plot_curves', 'project_to_2d', 'render_skeleton_frames',
    'write_animation', 'tsne_embedding', 'separation_scores', 'plot_embeddings'
]
