"""The pages' routers, one module per page (the compare page, charts, reports and editors have
their own, included by app.main)."""

from fastapi import APIRouter

from app.web import (
    changes,
    explore,
    matrix,
    methodology,
    option,
    source,
    sources,
    stakeholder,
    stakeholders,
)

router = APIRouter(include_in_schema=False)
for page in (
    explore,
    option,
    stakeholders,
    stakeholder,
    matrix,
    sources,
    source,
    changes,
    methodology,
):
    router.include_router(page.router)
