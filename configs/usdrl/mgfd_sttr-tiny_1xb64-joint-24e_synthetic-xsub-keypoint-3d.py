# The tiny synthetic pretraining run of the DSTE config with an STTR
# encoder of the same width (minutes on 2 CPU cores).
_base_ = ['./mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py']

# the geometry as a skeleton spec (design.md §21); the projector follows the
# encoder width
model = dict(
    backbone=dict(
        _delete_=True,
        type='STTR',
        skeleton=dict(layout='nturgb+d', num_person=2, coord_dims=3),
        clip_len=64,
        hidden_dim=64,
        num_heads=1,
        num_layers=2))
