# MPCT ablation: the J+M+B single model trained by MG-FD alone (both
# consistency weights 0, so no virtual or single-modality views are built).
_base_ = ['./mpct_dste-tiny_1xb64-jmb-24e_synthetic-xsub-keypoint-3d.py']

model = dict(
    head=dict(
        loss_view=dict(loss_weight=0.0), loss_modal=dict(loss_weight=0.0)))
