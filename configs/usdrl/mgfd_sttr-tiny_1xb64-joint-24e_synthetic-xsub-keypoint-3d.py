# The tiny synthetic pretraining run of the DSTE config with an STTR
# encoder of the same width (minutes on 2 CPU cores).
_base_ = ['./mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py']

hidden_dim = 64
model = dict(
    backbone=dict(
        _delete_=True,
        type='STTR',
        in_channels=3,
        num_joints=25,
        num_persons=2,
        clip_len=64,
        hidden_dim=hidden_dim,
        num_heads=1,
        num_layers=2))
