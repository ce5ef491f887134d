# The demo pretraining (mgfd_dste-tiny_...) logging to TensorBoard as well:
# scalars go to <work_dir>/<timestamp>/vis_data/scalars.json (LocalVisBackend,
# read by tools/analysis_tools/plot_training_curves.py) and to event files in
# the same folder (`tensorboard --logdir work_dirs/RUN`).
_base_ = ['./mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py']

vis_backends = [
    dict(type='LocalVisBackend'),
    dict(type='TensorboardVisBackend')
]
# a child cannot patch the base list in place, so the visualizer is re-bound
visualizer = dict(vis_backends=vis_backends)
