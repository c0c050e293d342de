# The blurry input as a model (training-free, no parameters): the floor of the demo table.
#   python tools/fit_classical.py configs/demo/classical_identity_demo.py --out identity.pth
#   python tools/test.py configs/demo/classical_identity_demo.py identity.pth
_base_ = ["./classical_wiener_demo.py"]

model = dict(_delete_=True, type="IdentityRestorer")
fit_cfg = dict(grid=dict(_delete_=True))
