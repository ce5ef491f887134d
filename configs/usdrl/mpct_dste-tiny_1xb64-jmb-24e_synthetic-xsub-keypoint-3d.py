# MPCT (our interpretation, docs/mpct.md) at the size of the synthetic demo:
# the tiny MG-FD demo config with the J+M+B early-fusion input and both
# consistency terms. Ablation variants (consistency weights 0) inherit this
# file; tools/analysis_tools/run_mpct_ablation.sh runs all four.
_base_ = ['./mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py']

modalities = ('joint', 'bone', 'motion')
model = dict(
    type='MPCT',
    data_preprocessor=dict(modality=modalities),
    backbone=dict(in_channels=3 * len(modalities)),
    head=dict(
        type='MPCTHead',
        loss_view=dict(
            type='MultiViewConsistencyLoss',
            loss_weight=5.0,
            metric='mse',
            detach_target=True),
        loss_modal=dict(
            type='MultiModalConsistencyLoss',
            loss_weight=5.0,
            metric='mse',
            target='fused',
            detach_target=True),
        consistency_grain='i'),
    num_virtual_views=1,
    max_rotation=45.0,
    vertical_axis=1,
    num_modal_views=1)
