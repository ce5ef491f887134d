# The TPAMI code's STTR pretraining: PyTorch's default initialisation (its
# STTR init call is commented out) and the objective without the
# cross-correlation term. The AAAI code's STTR recipe is the base config.
_base_ = ['./mgfd_sttr_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py']

model = dict(
    backbone=dict(torch_default_init=True),
    head=dict(loss_xcorr=dict(loss_weight=0.0)))
