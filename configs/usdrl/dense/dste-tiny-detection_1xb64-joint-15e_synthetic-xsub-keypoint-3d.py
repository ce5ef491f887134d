# The synthetic detection / segmentation demo with the whole encoder
# fine-tuned (the frozen-encoder variant is the -linear config).
_base_ = [
    './dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py'
]
model = dict(backbone=dict(frozen=False))
optim_wrapper = dict(optimizer=dict(lr=0.01))
