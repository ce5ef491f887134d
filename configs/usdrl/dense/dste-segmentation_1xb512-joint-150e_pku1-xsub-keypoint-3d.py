# Detection and segmentation on PKU-MMD part I from one training: the
# PKU-MMD I detection config (encoder fine-tuned, TPAMI proposals) scored
# also per frame as the PKU-MMD II segmentation config scores (every run a
# segment; background-0 convention beside it), the `paper` recipe of
# tools/analysis_tools/run_real_benchmarks.sh.
_base_ = ['./dste-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d.py']
val_evaluator = [{{_base_.pku1_detection_metric}},
                 {{_base_.segmentation_metric}}]
test_evaluator = val_evaluator
