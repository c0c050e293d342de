# Study arm B2B (docs/experiments/realistic_blur.md): Blur2Blur. The A1 DBGAN of the same seed
# (trained on the naive synthetic pairs = Blur2Blur's "known blur") deblurs the output of a
# translator that maps the unknown "real blur" onto that known blur. Per seed the study
# (restorekit/demo/study.py, kind 'blur2blur') trains the kernel encoder
# (configs/demo/kernel_wizard_demo.py) and the translator (configs/demo/blur2blur_demo.py,
# A = real-blur training images, B = sharp crops, C/D = the naive pairs), then evaluates this
# two-stage model with both checkpoints. By hand, after those trainings and arm A1:
#   python tools/test.py configs/demo/study/b2b.py none --cfg-options \
#       model.translator_ckpt=T.pth model.deblurrer_ckpt=work_dirs/study/A1/seed0/iter_300.pth
_base_ = ["../blur2blur_two_stage_demo.py"]

study_stages = dict(kernel_encoder="demo/kernel_wizard_demo.py",
                    translator="demo/blur2blur_demo.py", deblurrer_arm="A1")
model = dict(
    deblurrer=dict(_delete_=True, **_base_.demo_rrdbnet),  # the A1 DBGAN's generator
    deblurrer_ckpt="work_dirs/study/A1/seed0/iter_300.pth",
    translator_ckpt="work_dirs/study/B2B/seed0/translator/iter_200.pth",
)
