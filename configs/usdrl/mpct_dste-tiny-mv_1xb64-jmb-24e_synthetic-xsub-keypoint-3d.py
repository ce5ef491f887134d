# MPCT ablation: MG-FD + multi-view consistency (multi-modal weight 0).
_base_ = ['./mpct_dste-tiny_1xb64-jmb-24e_synthetic-xsub-keypoint-3d.py']

model = dict(head=dict(loss_modal=dict(loss_weight=0.0)))
