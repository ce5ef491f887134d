# MPCT (our interpretation, docs/mpct.md; design.md §9): ONE DSTE pretrained
# on joint, bone and motion together, the MG-FD objective plus multi-view and
# multi-modal consistency.
_base_ = ['./mgfd_dste.py']
# early fusion: the preprocessor concatenates the streams along C, in order
modalities = ('joint', 'bone', 'motion')
model = dict(
    type='MPCT',
    data_preprocessor=dict(modality=modalities),
    backbone=dict(in_channels=3 * len(modalities)),
    head=dict(
        type='MPCTHead',
        # a virtual camera view is pulled to the centre of the augmented
        # views at the instance grain as strongly as MG-FD pulls a view to
        # its anchor (weight 5, MSE)
        loss_view=dict(
            type='MultiViewConsistencyLoss',
            loss_weight=5.0,
            metric='mse',
            detach_target=True),
        # each single-modality embedding is pulled to the fused one
        loss_modal=dict(
            type='MultiModalConsistencyLoss',
            loss_weight=5.0,
            metric='mse',
            target='fused',
            detach_target=True),
        consistency_grain='i'),
    # NTU's cameras sit at -45, 0 and +45 degrees about the vertical y axis
    num_virtual_views=1,
    max_rotation=45.0,
    vertical_axis=1,
    num_modal_views=1)
