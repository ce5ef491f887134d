# The PKU-MMD I recognition data loaded as the CPU demos load theirs
# (synthetic_xsub_recognition_cpu.py): batch 64 / 128, in-process loading.
_base_ = ['./pku1_xsub_recognition.py']
train_dataloader = dict(batch_size=64, num_workers=0, persistent_workers=False)
val_dataloader = dict(batch_size=128, num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
