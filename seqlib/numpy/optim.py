"""Adam and gradient clipping for seqlib.numpy models, written out.

What ``torch.optim.Adam`` and ``torch.nn.utils.clip_grad_norm_`` do for seqlib.torch, in a few lines of NumPy:
both work on dicts of arrays by name (``model.parameters()`` and the ``grads`` that ``model.backward``
returns) and change them in place.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _check_grads(params: dict, grads: dict, owner: str) -> None:
    if not isinstance(grads, dict):
        raise TypeError(f"{owner} takes the gradients as a dict name -> array (model.backward's), got {type(grads)}.")
    if set(grads) != set(params):
        missing, extra = sorted(set(params) - set(grads)), sorted(set(grads) - set(params))
        raise ValueError(
            f"{owner}: the gradients must name exactly the parameters; missing {missing}, unexpected {extra}. "
            f"Pass the dict model.backward returns for the same model whose parameters() the optimizer holds."
        )
    for name, p in params.items():
        g = grads[name]
        if not isinstance(g, np.ndarray) or g.shape != p.shape:
            raise ValueError(f"{owner}: gradient {name} must be an array of shape {p.shape}, got {np.shape(g)}.")


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, exactly as ``torch.optim.Adam`` without weight decay.

    ``Adam(params, lr=3e-3, betas=(0.9, 0.999), eps=1e-8)`` holds ``params`` (a dict name -> array, e.g.
    ``model.parameters()``); ``step(grads)`` updates those arrays in place. Each parameter keeps a running
    mean ``m`` of its gradient and ``v`` of the gradient's square; the step is ``lr * m_hat / (sqrt(v_hat) +
    eps)``, where the hats undo the bias towards 0 of means that start at 0.
    """

    def __init__(self, params: dict, lr=3e-3, betas=(0.9, 0.999), eps=1e-8):
        if not isinstance(params, dict) or not params:
            raise TypeError("Adam takes the parameters as a non-empty dict name -> array, e.g. model.parameters().")
        for name, p in params.items():
            if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
                raise TypeError(f"Adam: parameter {name} must be a floating-point numpy array, got {type(p).__name__}.")
        if not _positive(lr):
            raise ValueError(f"lr must be a positive number, got {lr!r}.")
        if len(betas) != 2 or not all(isinstance(b, numbers.Real) and 0 <= b < 1 for b in betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}.")
        if not (isinstance(eps, numbers.Real) and eps >= 0):
            raise ValueError(f"eps must be a number >= 0, got {eps!r}.")
        self.params = params
        self.lr, self.betas, self.eps = float(lr), (float(betas[0]), float(betas[1])), float(eps)
        self.t = 0
        self.m = {k: np.zeros_like(p) for k, p in params.items()}
        self.v = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads: dict) -> None:
        """One update of every parameter from ``grads`` (same names as the parameters)."""
        _check_grads(self.params, grads, "Adam.step")
        self.t += 1
        b1, b2 = self.betas
        # Python floats, so that float32 parameters stay float32.
        step_size = self.lr / (1 - b1**self.t)
        sqrt_bias2 = math.sqrt(1 - b2**self.t)
        for name, p in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= step_size * m / (np.sqrt(v) / sqrt_bias2 + self.eps)


def _positive(x) -> bool:
    return not isinstance(x, bool) and isinstance(x, numbers.Real) and math.isfinite(x) and x > 0


def clip_grad_norm(grads: dict, max_norm) -> float:
    """Scale every gradient in place so that together they have a 2-norm of at most ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_``: the norm is that of all gradients joined into one vector, so clipping
    shortens the step without changing its direction. Returns the norm before clipping (worth logging: a
    norm that keeps growing is the exploding gradient clipping guards against).
    """
    if not _positive(max_norm):
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}.")
    total = float(np.linalg.norm([np.linalg.norm(g) for g in grads.values()]))
    scale = max_norm / (total + 1e-6)  # torch's 1e-6 keeps a zero gradient from dividing by zero
    if scale < 1:
        for g in grads.values():
            g *= scale
    return total
