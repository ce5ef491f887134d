# Detection with the pretrained encoder frozen (in eval mode): only the
# per-frame classifier trains.
_base_ = ['./dste-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d.py']
model = dict(backbone=dict(frozen=True))
