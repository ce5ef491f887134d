# The TPAMI code's (FoundSkelModel) MG-FD objective on NTU-60 xsub, joint:
# L = 5 * similarity + variance-covariance, the cross-correlation term off.
# Everything else is the AAAI recipe of the base config.
_base_ = ['./mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py']

model = dict(head=dict(loss_xcorr=dict(loss_weight=0.0)))
