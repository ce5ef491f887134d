# Detection fine-tuning as the TPAMI code's action_detection.py trains it:
# the whole network stays in eval mode (DropPath off, BatchNorm on running
# statistics) while every parameter is updated, at the constant learning
# rate of the base schedule.
_base_ = ['./dste-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d.py']

custom_hooks = [dict(type='EvalModeTrainingHook')]
