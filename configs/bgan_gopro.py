# BGAN, the learning-to-blur GAN of "Deblurring by Realistic Blurring" (CVPR 2020), on GoPro
# sharp frames + unpaired real blurred photos (RWBI), paper settings where known
# (reference/methods.md §1.1-1.7, docs/methods/bgan.md): RRDB generator with 9 blocks fed with
# sharp RGB + a tiled 4-dim N(0, 1) noise vector, VGG-128 discriminator, batch 4, 128x128 crops,
# Adam lr 1e-4 -> 1e-7, L_G = perceptual(G(s), s) + 0.005 * RBL (ESRGAN reading of alpha).
# Train: tools/dist_train.sh configs/bgan_gopro.py 8
# Then scheme 1: configs/realistic_blur_separate_gopro.py (DBGAN on this frozen BGAN's blur).
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro_unpaired_realblur.py",
    "_base_/schedules/dbgan_schedule.py",
    "_base_/models/bgan.py",
    "_base_/models/dbgan.py",
]

model = dict(
    type="BGAN",
    generator=_base_.bgan_generator,
    discriminator=_base_.vgg_discriminator,
    perceptual_loss=_base_.vgg_perceptual_loss,
    pixel_loss=None,
    gan_loss=dict(type="RelativisticAverageLoss", mode="ls", loss_weight=0.005),
    real_blur_key="real_blur",
    test_noise_seed=0,
    train_cfg=dict(disc_steps=1, gen_steps=1, disc_init_steps=0),
    data_preprocessor=dict(
        type="DeblurDataPreprocessor", image_keys=("gt", "real_blur"), pad_size_divisor=1
    ),
)
# BGAN's validation compares BGAN(sharp) with GoPro's own blur by blur realism (mean ratio,
# band-energy profile, edge width; docs/metrics.md), not by PSNR of blur against blur
val_evaluator = dict(
    type="Evaluator",
    metrics=[dict(type="MeanIntensityRatio"), dict(type="BandEnergyProfile"),
             dict(type="EdgeWidth")],
)
test_evaluator = val_evaluator
custom_hooks = [
    dict(type="DeblurVisualizationHook", max_samples=8,
         image_fields=("input_img", "pred_img", "gt_img")),
]
# --auto-scale-lr: the lr is tuned for a total batch of 4 (paper: 1 GPU x 4)
auto_scale_lr = dict(enable=False, base_batch_size=4)
