# DeblurGAN-v2 FPN-Inception-ResNet-v2 on GoPro: configs/deblurganv2_fpn_mobilenet_gopro.py with
# the generator swapped (official F 128 / Ff 256); every other setting and deviation is the
# same (see that file and docs/methods/deblurganv2.md). Official GoPro result: 29.55 dB / 0.934.
# Train: tools/dist_train.sh configs/deblurganv2_fpn_inception_gopro.py 1
#
# Backbone weights: a local file (restorekit never downloads implicitly). The official code uses
# Cadene pretrainedmodels' ImageNet Inception-ResNet-v2 (inceptionresnetv2-520b38e4.pth), whose
# module names equal timm's; either layout loads. To obtain it on a machine with internet:
#   python -c "import timm, torch; m = timm.create_model('inception_resnet_v2.tf_in1k',
#       pretrained=True); torch.save(m.state_dict(), 'checkpoints/inception_resnet_v2.pth')"
# (or download inceptionresnetv2-520b38e4.pth from pretrainedmodels and point the key at it).
# A missing file raises PretrainedWeightsNotFoundError naming it.
_base_ = ["deblurganv2_fpn_mobilenet_gopro.py"]

inception_weights = "checkpoints/inception_resnet_v2.pth"

model = dict(
    generator=dict(
        backbone="inception_resnet_v2",
        num_filters=128,
        num_filters_fpn=256,
        pretrained_backbone=inception_weights,
    )
)
