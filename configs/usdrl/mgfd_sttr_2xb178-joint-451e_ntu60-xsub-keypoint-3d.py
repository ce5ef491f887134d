# USDRL (STTR) pretraining on NTU-60 cross-subject, joint stream: the MG-FD
# recipe of the DSTE config with the plain transformer encoder (design.md §5);
# AAAI'25 Table 1 lists 84.2 linear top-1 for it (85.2 for DSTE).
_base_ = ['./mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py']

# _delete_ drops the DSTE-only keys (alpha, gap, kernel_size, ...)
model = dict(
    backbone=dict(
        _delete_=True,
        type='STTR',
        in_channels=3,
        num_joints=25,
        num_persons=2,
        clip_len=64,
        hidden_dim=1024,
        num_heads=1,
        num_layers=2,
        ffn_dim=1024,
        dropout=0.))
