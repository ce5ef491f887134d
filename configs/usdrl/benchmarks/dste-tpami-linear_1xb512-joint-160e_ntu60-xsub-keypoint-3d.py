# Linear evaluation as the TPAMI code's action_recognition.py runs it: the
# frozen DSTE follows the model into train mode, so DropPath is active while
# the classifier trains (the AAAI code keeps the encoder in eval mode).
_base_ = ['./dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-3d.py']

model = dict(backbone=dict(frozen_train_mode=True))
