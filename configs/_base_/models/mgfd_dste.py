# USDRL: DSTE encoder pretrained by multi-grained feature decorrelation.
# Sizes and weights as the original (design.md §4, §6, §7). The projector
# takes its width from the built encoder (backbone.out_channels, design.md
# §21), so a config that changes hidden_dim changes only that.
_base_ = ['./dste.py']
model = dict(
    type='MGFD',
    neck=dict(type='USDRLPoolNeck'),
    projector=dict(type='MGFDProjector'),
    head=dict(
        type='MGFDHead',
        loss_sim=dict(type='MultiViewSimilarityLoss', loss_weight=5.0),
        loss_vac=dict(
            type='VarianceCovarianceLoss',
            loss_weight=1.0,
            std_weight=5.0,
            eps=1e-4),
        # 1e-3 as in the AAAI code; the TPAMI code uses 0 (design.md §7.4)
        loss_xcorr=dict(
            type='ViewCrossCorrelationLoss',
            loss_weight=1e-3,
            off_diag_weight=0.005),
        grain_weights=dict(i=1.0, t=0.5, s=0.5)))
