# Study arm A1 (docs/experiments/realistic_blur.md): the study's DBGAN trained on the naive
# synthetic demo pairs. Every learned arm uses this DBGAN and this schedule (300 iterations).
_base_ = ["../dbgan_demo.py"]
