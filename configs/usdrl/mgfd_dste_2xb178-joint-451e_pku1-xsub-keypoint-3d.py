# USDRL (DSTE, MG-FD) pretraining on the PKU-MMD I action clips
# (tools/data/convert_pku_mmd.py --trimmed-out), cross-subject training split.
# No PKU-MMD I pretraining recipe was published (the papers fine-tune an
# NTU-60 encoder on PKU-MMD I): this is the NTU-60 recipe on the PKU-MMD I
# clips, the `paper` recipe of tools/analysis_tools/run_real_benchmarks.sh.
_base_ = ['./mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-3d.py']
train_dataloader = dict(
    dataset=dict(
        ann_file='data/skeleton/pkummd1_3d_trimmed.pkl', split='xsub_train'))
