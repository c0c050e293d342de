# DeblurGAN-v2 FPN-MobileNetV2 on GoPro (Kupyn et al., ICCV 2019; official VITA-Group/DeblurGANv2
# config/config.yaml @595f258 with the released models' ragan-ls loss; reference/methods.md §3).
# Train: tools/dist_train.sh configs/deblurganv2_fpn_mobilenet_gopro.py 1   (official: 1 GPU, batch 1)
#
# Official settings kept: FPN-MobileNetV2 (F 64 / Ff 128, InstanceNorm), double-scale D
# (PatchGAN n_layers 3 + 5, InstanceNorm), content loss 0.006 * VGG19-conv3_3 MSE + pixel MSE,
# RaGAN-LS with 50-sample prediction pools, adv_lambda 0.001 on G and D, batch 1, 256x256
# crops, Adam 1e-4 (G, D), 200 x 1000 iterations, backbone frozen for 3 x 1000 iterations then
# unfrozen with a fresh G optimizer state, LinearDecay from epoch 50 (schedule base file),
# train-mode-norm inference (inference_norm='batch_stats').
#
# Deviations (docs/methods/deblurganv2.md lists all):
# * pixel MSE weight 9.792 on [0, 1] images = the official 0.5 on ImageNet-normalised images,
#   with one weight for all channels (official per channel 0.5 / std_c^2: 9.53, 9.96, 9.88);
# * augmentation: random crop + flips + transpose only; the official random geometric
#   distortions and the corruptions of the blurred input (cutout, JPEG, motion/median blur,
#   gamma, RGB shift, HSV, sharpen) are not applied -- and validation sees clean images
#   (the official code and mmagic corrupt validation images too);
# * validation on the GoPro test set every 10_000 iterations (official: 100 corrupted
#   batches of a hash-split of the training globs every epoch);
# * the generator pads to a multiple of 32 itself (mid grey, as predict.py; no pad when already a
#   multiple), so the data preprocessor does not pad.
#
# pretrained_backbone='torchvision://mobilenet_v2' must be provided by the user: restorekit never
# downloads implicitly. Put torchvision's default ImageNet file mobilenet_v2-7ebf99e0.pth in
# $TORCH_HOME/hub/checkpoints/ (e.g. run torchvision.models.mobilenet_v2(weights='DEFAULT') once
# on a machine with internet), or set a local path to any torchvision- or DeblurGAN-v2-layout
# MobileNetV2 ImageNet state dict (the official mobilenetv2.pth.tar works; it is not the same
# ImageNet training as torchvision's, so results may differ slightly).
# The VGG19 of the perceptual loss likewise needs vgg19-dcbb9e9d.pth in the same folder.
_base_ = [
    "_base_/default_runtime.py",
    "_base_/datasets/gopro.py",
    "_base_/schedules/deblurganv2_schedule.py",
    "_base_/models/deblurganv2.py",
]

adv_lambda = 0.001
crop_size = 256

model = dict(
    type="DeblurGANv2",
    generator=_base_.fpn_generator,
    discriminator=_base_.double_scale_discriminator,
    perceptual_loss=dict(
        type="PerceptualLoss",
        layer_weights={"conv3_3": 1.0},
        vgg_type="vgg19",
        pretrained="torchvision://vgg19",
        use_input_norm=True,
        criterion="mse",
        loss_weight=0.006,
    ),
    pixel_loss=dict(type="MSELoss", loss_weight=9.792),
    gan_loss=dict(
        type="RelativisticAverageLoss",
        mode="ls",
        pool_size=50,
        loss_weight=adv_lambda,
        disc_loss_weight=adv_lambda,
    ),
    # WGAN-GP (the official config's default disc_loss) instead of RaGAN-LS:
    # gan_loss=dict(type="WGANLoss", loss_weight=adv_lambda, disc_loss_weight=adv_lambda),
    # gp_loss=dict(type="GradientPenaltyLoss", loss_weight=10 * adv_lambda, official_dgv2=True),
    train_cfg=dict(warmup_iters={{_base_.warmup_iters}}, warmup_reset_optimizer=True),
    data_preprocessor=dict(type="DeblurDataPreprocessor", pad_size_divisor=1),
)

# the base pipeline with this crop size (docs/configs.md, "Crop size ...")
train_pipeline = [dict(step, crop_size=crop_size) if "crop_size" in step else step
                  for step in _base_.train_pipeline]
train_dataloader = dict(batch_size=1, dataset=dict(pipeline=train_pipeline))
# the frozen backbone yields no gradients during the warm-up: DDP must not wait for them
model_wrapper_cfg = dict(find_unused_parameters=True)
# --auto-scale-lr: the lr is tuned for a total batch of 1 (official: 1 GPU x 1)
auto_scale_lr = dict(enable=False, base_batch_size=1)
