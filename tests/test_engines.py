"""Engines register by name in one place (`service.engines.ENGINES`); the name is spelled once."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import get_args

from service import engines
from service.schema import EngineName
from service.settings import Settings

SERVICE = Path(__file__).resolve().parents[1] / "service"


def test_every_engine_name_has_its_builder() -> None:
    assert set(engines.ENGINES) == set(get_args(EngineName))


def test_build_makes_the_configured_engine() -> None:
    rules = engines.build(Settings(engine="extractive"))
    assert (rules.name, rules.model, rules.llm, rules.ready, rules.server) == (
        "extractive",
        "rules",
        None,
        True,
        None,
    )
    remote = engines.build(Settings(engine="auto", openai_base_url="http://127.0.0.1:9/v1", model="m-1"))
    assert (remote.name, remote.model, remote.ready, remote.server) == ("openai", "m-1", True, None)
    assert remote.llm is not None
    asyncio.run(remote.llm.aclose())


def test_the_list_of_engine_names_is_written_once() -> None:
    spelled = [
        str(path.relative_to(SERVICE))
        for path in SERVICE.rglob("*.py")
        for _ in re.finditer(r"Literal\[[^\]]*\"extractive\"", path.read_text(encoding="utf-8"))
    ]
    assert spelled == ["schema.py"]
