# USDRL (STTR) pretraining on NTU-60 cross-subject, joint stream: the MG-FD
# recipe of the DSTE config with the plain transformer encoder (design.md §5);
# AAAI'25 Table 1 lists 84.2 linear top-1 for it (85.2 for DSTE).
_base_ = ['./mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py']

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
        num_layers=2,
        ffn_dim=1024,
        dropout=0.))
