"""Geometric transforms of image batches, done on the device in one call (no per-image loop)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def rotate(images: Tensor, angles: Tensor, image_shape: tuple[int, int]) -> Tensor:
    """Rotate each flattened image of ``images`` ``(n, h*w)`` by its angle in radians.

    Counter-clockwise as the image is displayed (row 0 at the top), like ``torch.rot90``. Bilinear
    interpolation about the image centre; pixels that come from outside the frame are 0.
    """
    n = len(images)
    h, w = image_shape
    if images.shape[1] != h * w:
        raise ValueError(f"images have {images.shape[1]} columns but image_shape is {image_shape}")
    angles = torch.as_tensor(angles, dtype=images.dtype, device=images.device).expand(n)
    cos, sin = torch.cos(angles), torch.sin(angles)
    # affine_grid maps each output pixel to the input point it samples (x right, y down), so the
    # matrix is the inverse of the displayed counter-clockwise rotation.
    zero = torch.zeros_like(cos)
    theta = torch.stack([torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1)
    grid = F.affine_grid(theta, (n, 1, h, w), align_corners=False)
    out = F.grid_sample(images.view(n, 1, h, w), grid, mode="bilinear", align_corners=False)
    return out.view(n, h * w)
