"""Train the fraud model. Params, inputs and outputs arrive through the mlpipe SDK."""
import mlpipe

params = mlpipe.params()
print(f"training with max_depth={params['max_depth']}")
