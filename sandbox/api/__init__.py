"""The emulator's framework-free core: `handle(SandboxRequest) -> SandboxResponse`."""

from __future__ import annotations

from sandbox.api.http import SandboxRequest, SandboxResponse
from sandbox.api.router import handle

__all__ = ["SandboxRequest", "SandboxResponse", "handle"]
