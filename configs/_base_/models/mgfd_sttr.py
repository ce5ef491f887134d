# USDRL's MG-FD pretraining with the plain transformer encoder STTR
# (design.md §5) in place of DSTE; the projector follows its width.
_base_ = ['./mgfd_dste.py']
# _delete_ drops the DSTE-only keys (alpha, gap, kernel_size, ...). The
# geometry is the skeleton spec (design.md §21): NTU's 25 joints, the two
# persons FormatGCNInput(num_person=2) pads to, 3D coordinates; the encoder
# reads in_channels=3, num_joints=25 and num_persons=2 from it.
model = dict(
    backbone=dict(
        _delete_=True,
        type='STTR',
        skeleton=dict(layout='nturgb+d', num_person=2, coord_dims=3),
        clip_len=64,
        hidden_dim=1024,
        num_heads=1,
        num_layers=2))
